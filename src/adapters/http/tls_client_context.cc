#include "adapters/http/tls_client_context.h"

#include <openssl/x509v3.h>

#include "adapters/http/http_errors.h"
#include "adapters/tls/tls_errors.h"

namespace gatehouse::adapters {

namespace net = boost::asio;

Result<std::unique_ptr<net::ssl::context>> MakeTlsClientContext(const HttpClientOptions& options) {
  auto ssl = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  SSL_CTX* ctx = ssl->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  boost::system::error_code ec;
  if (options.insecure_skip_verify) {
    ssl->set_verify_mode(net::ssl::verify_none, ec);
  } else {
    ssl->set_verify_mode(net::ssl::verify_peer, ec);
    if (!options.ca_file.empty()) {
      ssl->load_verify_file(options.ca_file, ec);
      if (ec)
        return MakeError(TlsError::kConfig, "CA file " + options.ca_file + ": " + ec.message());
    } else {
      ssl->set_default_verify_paths(ec);
      if (ec) return MakeError(TlsError::kConfig, "system CA store: " + ec.message());
    }
  }
  if (options.client_cert_file.empty() != options.client_key_file.empty()) {
    return MakeError(TlsError::kConfig, "client certificate and key must be given together");
  }
  if (!options.client_cert_file.empty()) {
    ssl->use_certificate_chain_file(options.client_cert_file, ec);
    if (ec) {
      return MakeError(TlsError::kConfig,
                       "client certificate " + options.client_cert_file + ": " + ec.message());
    }
    ssl->use_private_key_file(options.client_key_file, net::ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(ctx) != 1) {
      return MakeError(TlsError::kConfig, "client key " + options.client_key_file +
                                              " is unreadable or does not match the certificate");
    }
  }
  return ssl;
}

Status ConfigureTlsConnection(SSL* ssl, const ParsedUrl& url, bool insecure_skip_verify) {
  // SNI only carries host names (RFC 6066 forbids IP literals).
  if (!url.host_is_ip && SSL_set_tlsext_host_name(ssl, url.host.c_str()) != 1) {
    return MakeError(HttpError::kTls, "cannot set server name");
  }
  if (insecure_skip_verify) return Ok();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int ok = url.host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str())
                          : X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
  if (ok != 1) return MakeError(HttpError::kTls, "cannot set expected host name");
  return Ok();
}

}  // namespace gatehouse::adapters
