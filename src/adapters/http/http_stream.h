// HttpStream: one long HTTP(S) GET whose body is read as it arrives and handed over line by line,
// for streaming APIs such as a Kubernetes watch (one JSON event per line, chunked transfer coding:
// lines are split on '\n' only, never on chunk or read boundaries, RFC 9112 §7.1).
//
// TLS, client certificates and request checks are those of HttpClient (same HttpClientOptions).
// request.timeout bounds the whole exchange, so a server that stops talking never hangs the
// caller: give it a little more than the server-side timeout (e.g. a watch's timeoutSeconds).
// A line longer than max_line_bytes ends the exchange with "http_line_too_long" (a hostile or
// broken server cannot exhaust memory). Thread-safety: one Get() at a time per HttpStream;
// Cancel() may be called from any thread and ends the current and every later Get() promptly.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/http/http_client.h"
#include "common/result.h"

namespace gatehouse::adapters {

struct HttpStreamEnd {
  int status = 0;  // the response's HTTP status
  HttpHeaders headers;
  bool stopped_by_caller = false;  // on_line returned false; the rest was not read
};

class HttpStream {
 public:
  // Receives each complete line without its "\n" (a final line without one is delivered when the
  // body ends). `status` is the response's. Return false to stop reading.
  using LineHandler = std::function<bool(int status, std::string_view line)>;

  virtual ~HttpStream() = default;
  // Sends `request` and streams its body, any status. Returns how it ended once the body ended
  // (or on_line stopped it); an Error when it could not start or ended badly: HttpClient's codes
  // ("invalid_url", "http_connect", "http_tls", "http_protocol", "http_timeout" when
  // request.timeout passed, "http_too_large" for oversized headers), "http_line_too_long", and
  // "http_cancelled" after Cancel().
  virtual Result<HttpStreamEnd> Get(const HttpRequest& request, const LineHandler& on_line) = 0;
  virtual void Cancel() = 0;
};

// Boost.Beast implementation. Errors: "tls_config" as MakeHttpClient.
Result<std::unique_ptr<HttpStream>> MakeHttpStream(const HttpClientOptions& options,
                                                   std::size_t max_line_bytes = 3 << 20);

// Splits bytes arriving in arbitrary pieces into '\n'-terminated lines. Not thread-safe.
class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}
  // Calls on_line for each line completed by `bytes`. Returns false when on_line asked to stop;
  // an Error ("http_line_too_long") when a line exceeds the limit.
  Result<bool> Feed(std::string_view bytes, const std::function<bool(std::string_view)>& on_line);
  // The unterminated rest ("" when none) at the end of the body.
  const std::string& rest() const { return pending_; }

 private:
  std::size_t max_line_bytes_;
  std::string pending_;
};

}  // namespace gatehouse::adapters
