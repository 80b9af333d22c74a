// HttpClient: one outgoing HTTP(S) request at a time, with a deadline.
//
// The interface lets identity sources (Keystone, OIDC discovery, Kubernetes API) be tested with
// an in-process fake and run against real servers with the Beast implementation. Send() returns
// the response for any HTTP status; an Error only when no response arrived: "http_timeout",
// "http_connect" (refused, DNS), "http_tls" (handshake, verification), "http_protocol",
// "http_too_large". Implementations are thread-safe: Send() may be called concurrently.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace gatehouse::adapters {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // http://host:port/path?query or https://...
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{2000};  // whole exchange: connect, TLS, write, read
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  // Case-insensitive header lookup; nullptr when absent.
  const std::string* FindHeader(std::string_view name) const;
};

struct HttpClientOptions {
  std::string ca_file;  // PEM bundle to verify servers; empty = system default store
  bool insecure_skip_verify = false;
  std::string client_cert_file;  // optional mutual TLS
  std::string client_key_file;
  std::size_t max_response_bytes = 8 << 20;
  std::string user_agent = "gatehouse";
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// Boost.Beast implementation (HTTP/1.1, TLS 1.2+, SNI, host name or IP verification against
// ca_file or the system store). One connection per Send() ("Connection: close"); name resolution
// is synchronous but counts against the timeout. Errors at construction (unreadable CA, client
// certificate or key, a key without a certificate) are returned as "tls_config", not thrown.
// Send() also returns "invalid_url" for a bad URL and "http_protocol" for header values with
// CR/LF.
Result<std::shared_ptr<HttpClient>> MakeHttpClient(const HttpClientOptions& options);

}  // namespace gatehouse::adapters
