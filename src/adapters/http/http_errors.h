// HttpError: Failures of the HTTP server and client.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class HttpError {
  // invalid_url: not an http(s) URL this client accepts.
  kInvalidUrl,
  // invalid_address: a listen address is not host:port.
  kInvalidAddress,
  // listen_failed: the server cannot listen (address, port in use, no handler).
  kListenFailed,
  // http_connect: resolving or connecting failed.
  kConnect,
  // http_tls: the TLS handshake or TLS I/O failed.
  kTls,
  // http_timeout: no answer within the deadline.
  kTimeout,
  // http_too_large: the answer exceeds the size limit.
  kTooLarge,
  // http_protocol: the peer does not speak HTTP/1.1 as expected.
  kProtocol,
  // http_line_too_long: a streamed line exceeds the line limit.
  kLineTooLong,
  // http_cancelled: the exchange was cancelled (Cancel or Stop).
  kCancelled,
};

constexpr std::string_view WireName(HttpError e) {
  switch (e) {
    case HttpError::kInvalidUrl:
      return "invalid_url";
    case HttpError::kInvalidAddress:
      return "invalid_address";
    case HttpError::kListenFailed:
      return "listen_failed";
    case HttpError::kConnect:
      return "http_connect";
    case HttpError::kTls:
      return "http_tls";
    case HttpError::kTimeout:
      return "http_timeout";
    case HttpError::kTooLarge:
      return "http_too_large";
    case HttpError::kProtocol:
      return "http_protocol";
    case HttpError::kLineTooLong:
      return "http_line_too_long";
    case HttpError::kCancelled:
      return "http_cancelled";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr HttpError kAllHttpErrors[] = {HttpError::kInvalidUrl,   HttpError::kInvalidAddress,
                                               HttpError::kListenFailed, HttpError::kConnect,
                                               HttpError::kTls,          HttpError::kTimeout,
                                               HttpError::kTooLarge,     HttpError::kProtocol,
                                               HttpError::kLineTooLong,  HttpError::kCancelled};
static_assert(ValidErrorEnum(kAllHttpErrors));

}  // namespace gatehouse::adapters
