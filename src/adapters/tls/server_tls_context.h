// ServerTlsContext: the OpenSSL server context (SSL_CTX) for the HTTPS server, rebuilt when the
// certificate, key or client CA files change on disk (cert-manager and Kubernetes secret
// rotation) without a restart.
//
// Policy: TLS 1.2 minimum (1.0/1.1 refused), Mozilla "intermediate" cipher list for TLS 1.2, no
// compression or renegotiation; optional client certificate verification against a CA bundle.
// Current() is called for each new connection: at most once per check interval it compares the
// files' identity (device, inode, size, mtime) with the last load, and on change builds a new
// SSL_CTX and publishes it atomically. A new pair that fails to load (unreadable, mismatched key,
// half-written) keeps serving the old context and records the error; it is retried only when the
// files change again. Connections hold their own reference, so a swap never disturbs them.
// Thread-safe: Current() never blocks on a reload in progress in another thread.
#pragma once

#include <openssl/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"

namespace gatehouse::adapters {

struct ServerTlsConfig {
  std::string cert_file;       // PEM chain, leaf first
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // PEM bundle; empty = client certificates are not requested
  bool require_client_cert = false;
  std::chrono::milliseconds reload_check_interval{1000};
};

// Builds one SSL_CTX from the files. Errors: "tls_config" (names the file and OpenSSL's reason).
Result<std::shared_ptr<SSL_CTX>> LoadServerSslContext(const ServerTlsConfig& config);

// The subject (RFC 2253) of the peer certificate when the handshake verified one; empty when the
// peer sent none or verification was not performed.
std::string FindVerifiedPeerSubject(SSL* ssl);

class ServerTlsContext {
 public:
  // Errors: "tls_config" when the initial files do not load.
  static Result<std::unique_ptr<ServerTlsContext>> Load(ServerTlsConfig config);

  std::shared_ptr<SSL_CTX> Current();

  std::uint64_t reload_count() const { return reload_count_.load(); }
  std::string last_reload_error() const;

 private:
  struct FileStamp {
    bool exists = false;
    std::uint64_t device = 0, inode = 0, size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  struct Stamps {
    FileStamp cert, key, client_ca;
    bool operator==(const Stamps&) const = default;
  };

  explicit ServerTlsContext(ServerTlsConfig config) : config_(std::move(config)) {}
  Stamps ReadStamps() const;
  void CheckForChanges();

  const ServerTlsConfig config_;
  std::atomic<std::shared_ptr<SSL_CTX>> current_;
  std::atomic<std::int64_t> next_check_ns_{0};  // steady_clock
  std::atomic<std::uint64_t> reload_count_{0};
  mutable std::mutex mu_;  // guards the members below and serializes reloads
  Stamps stamps_;
  std::string last_error_;
};

}  // namespace gatehouse::adapters
