// The TLS client set-up shared by HttpClient and HttpStream: one SSL context per client (TLS 1.2+,
// no compression or renegotiation, peer verification against ca_file or the system store,
// optional client certificate), and the per-connection SNI and host name / IP check.
// A context is immutable once made and may be shared by connections on any thread.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "adapters/http/http_client.h"
#include "adapters/http/url.h"
#include "common/result.h"

namespace gatehouse::adapters {

// Errors: "tls_config" (unreadable CA, client certificate or key, a key without a certificate
// or the reverse, a key that does not match).
Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsClientContext(
    const HttpClientOptions& options);

// Sets SNI (host names only, RFC 6066 §3) and, unless verification is off, the name or IP the
// server certificate must carry (RFC 6125). Errors: "http_tls".
Status ConfigureTlsConnection(SSL* ssl, const ParsedUrl& url, bool insecure_skip_verify);

}  // namespace gatehouse::adapters
