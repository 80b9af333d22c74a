#include "adapters/tls/server_tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include "adapters/tls/tls_errors.h"

namespace gatehouse::adapters {
namespace {

// Mozilla "intermediate" (TLS 1.2 part; TLS 1.3 suites are OpenSSL's defaults): forward-secret
// AEAD only.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

constexpr unsigned char kSessionIdContext[] = "gatehouse";

Error TlsConfigError(const std::string& what) {
  std::string reason;
  // The first queued error is the root cause; later ones are wrappers.
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    reason = std::string(": ") + buffer;
  }
  return MakeError(TlsError::kConfig, what + reason);
}

}  // namespace

Result<std::shared_ptr<SSL_CTX>> LoadServerSslContext(const ServerTlsConfig& config) {
  ERR_clear_error();
  if (config.cert_file.empty() || config.key_file.empty()) {
    return MakeError(TlsError::kConfig, "TLS needs both a certificate file and a key file");
  }
  if (config.require_client_cert && config.client_ca_file.empty()) {
    return MakeError(TlsError::kConfig, "require_client_cert needs client_ca_file");
  }
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return TlsConfigError("SSL_CTX_new");
  SSL_CTX* c = ctx.get();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1) {
    return TlsConfigError("minimum protocol version");
  }
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_ECDH_USE);
  // Partial writes let Asio hand over its buffer without copying.
  SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1) return TlsConfigError("cipher list");
  if (SSL_CTX_set_session_id_context(c, kSessionIdContext, sizeof(kSessionIdContext) - 1) != 1) {
    return TlsConfigError("session id context");
  }
  if (SSL_CTX_use_certificate_chain_file(c, config.cert_file.c_str()) != 1) {
    return TlsConfigError("certificate " + config.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(c, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return TlsConfigError("private key " + config.key_file);
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return TlsConfigError("private key " + config.key_file + " does not match the certificate");
  }
  if (!config.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(c, config.client_ca_file.c_str(), nullptr) != 1) {
      return TlsConfigError("client CA " + config.client_ca_file);
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str());
    if (names == nullptr) return TlsConfigError("client CA names " + config.client_ca_file);
    SSL_CTX_set_client_CA_list(c, names);  // takes ownership
    int mode = SSL_VERIFY_PEER;
    if (config.require_client_cert) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(c, mode, nullptr);
  }
  return ctx;
}

std::string FindVerifiedPeerSubject(SSL* ssl) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  // Without a configured client CA the peer certificate is not verified at all; only a verified
  // certificate's subject may be used as an identity.
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK ||
      (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) == 0) {
    return {};
  }
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  std::string out;
  if (X509_NAME_print_ex(bio, X509_get_subject_name(peer), 0, XN_FLAG_RFC2253) >= 0) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    if (size > 0) out.assign(data, static_cast<std::size_t>(size));
  }
  BIO_free(bio);
  return out;
}

Result<std::unique_ptr<ServerTlsContext>> ServerTlsContext::Load(ServerTlsConfig config) {
  std::unique_ptr<ServerTlsContext> tls(new ServerTlsContext(std::move(config)));
  tls->stamps_ = tls->ReadStamps();
  Result<std::shared_ptr<SSL_CTX>> ctx = LoadServerSslContext(tls->config_);
  if (!ctx) return ctx.error();
  tls->current_.store(std::move(*ctx));
  tls->next_check_ns_.store(
      (std::chrono::steady_clock::now().time_since_epoch() + tls->config_.reload_check_interval)
          .count());
  return tls;
}

ServerTlsContext::Stamps ServerTlsContext::ReadStamps() const {
  auto stamp = [](const std::string& path) {
    FileStamp s;
    struct stat st;
    // stat, not lstat: Kubernetes secret volumes swap a `..data` symlink.
    if (path.empty() || ::stat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.device = st.st_dev;
    s.inode = st.st_ino;
    s.size = static_cast<std::uint64_t>(st.st_size);
    s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return s;
  };
  return Stamps{stamp(config_.cert_file), stamp(config_.key_file), stamp(config_.client_ca_file)};
}

std::shared_ptr<SSL_CTX> ServerTlsContext::Current() {
  std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  if (now >= next_check_ns_.load(std::memory_order_relaxed)) CheckForChanges();
  return current_.load();
}

void ServerTlsContext::CheckForChanges() {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is checking; use the current context
  next_check_ns_.store((std::chrono::steady_clock::now().time_since_epoch() +
                        std::chrono::nanoseconds(config_.reload_check_interval))
                           .count());
  Stamps stamps = ReadStamps();
  if (stamps == stamps_) return;
  stamps_ = stamps;
  Result<std::shared_ptr<SSL_CTX>> ctx = LoadServerSslContext(config_);
  if (!ctx) {
    last_error_ = ctx.error().ToString();
    return;
  }
  last_error_.clear();
  current_.store(std::move(*ctx));
  reload_count_.fetch_add(1);
}

std::string ServerTlsContext::last_reload_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

}  // namespace gatehouse::adapters
