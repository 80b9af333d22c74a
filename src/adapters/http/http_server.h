// HttpServer: the HTTPS (HTTP/1.1, keep-alive) front door for the webhooks, built on Boost.Beast.
//
// Start() binds, spawns `threads` I/O threads (each with its own event loop; connections are
// spread round-robin and stay on one thread, so nothing on the request path locks) and calls the
// Handler synchronously on that I/O thread with the whole request. A Handler that blocks (an
// upstream call) holds up the other connections of its thread: size `threads` accordingly.
//
// What the server enforces before the Handler sees a request: header size (431), body size
// (413, answered as soon as the headers announce it, without reading the body, then the
// connection is closed), malformed HTTP (400), a malformed `timeout` query parameter (400).
// A Handler that throws yields 500; it never takes the server down. Idle connections (and
// slow clients: the clock restarts only when a request or response completes) are closed after
// `idle_timeout`.
//
// TLS: 1.2 minimum, certificate and key reloaded when the files change (see
// ServerTlsContext), optional client certificates verified against `client_ca_file`.
//
// Thread-safety: all methods may be called from any thread except Stop() (and the destructor)
// from inside a Handler, which would wait for itself. Start() returns errors instead of throwing:
// "listen_failed" (bad address, port in use), "tls_config" (certificate, key or CA unusable).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/http_client.h"
#include "common/result.h"

namespace gatehouse::adapters {

struct ServerRequest {
  std::string method;
  std::string path;  // exactly as sent, without the query; not percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  HttpHeaders headers;                                     // as received, in order
  std::string body;
  std::string client_cert_subject;  // RFC 2253, only when a client certificate was verified
  std::string remote_address;       // "ip:port" of the peer
  // now + ?timeout= (capped by max_deadline), or now + default_deadline.
  std::chrono::steady_clock::time_point deadline;

  // Case-insensitive; nullptr when absent.
  const std::string* FindHeader(std::string_view name) const;
  // First value of a query parameter; nullptr when absent.
  const std::string* FindQuery(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. Content-Length, Transfer-Encoding and Connection are the server's; headers
  // with invalid names or CR/LF in values are dropped (response splitting).
  HttpHeaders headers;
};

using Handler = std::function<ServerResponse(const ServerRequest&)>;

struct ServerOptions {
  std::string listen = "127.0.0.1:8443";  // host:port, :port, 0.0.0.0:port, [::1]:port; port 0
  bool tls = true;                        // plain HTTP only when explicitly asked (tests)
  std::string cert_file, key_file, client_ca_file;
  bool require_client_cert = false;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  int threads = 0;  // 0 = hardware_concurrency
  std::chrono::seconds idle_timeout{60};
  std::chrono::milliseconds default_deadline{30000};
  std::chrono::milliseconds max_deadline{60000};
  // How often new connections look at the certificate files' mtime; tests use 0.
  std::chrono::milliseconds tls_reload_check_interval{1000};
};

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Handler handler);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the ephemeral one when listen asked for port 0).
  std::uint16_t port() const;
  // Closes the listener and all connections and joins the I/O threads; idempotent.
  void Stop();

  // Empty when the last certificate reload succeeded (or none was attempted); otherwise why the
  // files on disk are not being served.
  std::string last_tls_reload_error() const;
  // Successful reloads since Start().
  std::uint64_t tls_reload_count() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::adapters
