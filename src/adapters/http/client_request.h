// PrepareClientRequest: the request line and headers of one outgoing HTTP/1.1 request, the same
// for HttpClient (string body) and HttpStream (empty body).
//
// The method is taken as given (an unknown verb as its string), the caller's headers are kept,
// Host and User-Agent are added only when the caller did not set them, and `Connection: close`
// is always set: each request has a connection of its own, so the server must not keep an idle
// socket for us. Pure; no thread-safety concerns.
#pragma once

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>

#include "adapters/http/http_client.h"
#include "adapters/http/url.h"

namespace gatehouse::adapters {

template <class Body>
void PrepareClientRequest(boost::beast::http::request<Body>& req, const HttpRequest& request,
                          const ParsedUrl& url, const HttpClientOptions& options) {
  namespace http = boost::beast::http;
  http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(url.target);
  req.version(11);
  bool has_host = false, has_agent = false;
  for (const auto& [name, value] : request.headers) {
    has_host |= boost::beast::iequals(name, "host");
    has_agent |= boost::beast::iequals(name, "user-agent");
    req.insert(name, value);
  }
  if (!has_host) req.set(http::field::host, url.HostHeader());
  if (!has_agent && !options.user_agent.empty()) {
    req.set(http::field::user_agent, options.user_agent);
  }
  req.set(http::field::connection, "close");
}

}  // namespace gatehouse::adapters
