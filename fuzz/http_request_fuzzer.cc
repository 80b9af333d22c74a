// Fuzzes the HTTP server's request path without sockets. HttpServer keeps its parsing inside the
// connection class (http_server.cc), so this replays the same steps on the bytes a client sends:
// Boost.Beast's request_parser<string_body> with the server's defaults (16 KiB of headers,
// 1 MiB of body, eager), fed in chunks like the server's reads and reused for pipelined
// requests; then, per request, the target split at '?', ParseQuery and the `timeout` parameter
// through ParseDuration and the deadline arithmetic. Any input must end in a request or a
// parse error, never a crash, hang or sanitizer report. The first byte picks the chunk size.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/http_server.h"
#include "adapters/http/url.h"
#include "common/duration.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace adapters = gatehouse::adapters;

using Parser = http::request_parser<http::string_body>;

void NewRequest(std::optional<Parser>& parser, const adapters::ServerOptions& options) {
  parser.emplace();
  parser->header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
  parser->body_limit(options.max_body_bytes);
  parser->eager(true);
}

// What HttpServer does with a complete message before calling the handler.
void HandleRequest(Parser& parser, const adapters::ServerOptions& options) {
  auto& message = parser.get();
  adapters::ServerRequest request;
  request.method.assign(message.method_string());
  std::string_view target = message.target();
  std::size_t question = target.find('?');
  request.path.assign(target.substr(0, question));
  if (question != std::string_view::npos) {
    request.query = adapters::ParseQuery(target.substr(question + 1));
  }
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  if (request.body.size() > options.max_body_bytes) std::abort();
  (void)request.FindHeader("content-type");
  std::chrono::milliseconds budget = options.default_deadline;
  if (const std::string* timeout = request.FindQuery("timeout")) {
    gatehouse::Result<std::chrono::nanoseconds> parsed = gatehouse::ParseDuration(*timeout);
    if (!parsed) return;  // the server answers 400
    if (parsed->count() < 0) std::abort();
    budget = std::min(options.max_deadline, std::chrono::ceil<std::chrono::milliseconds>(*parsed));
    // FormatDuration writes whole milliseconds that ParseDuration reads back (up to rounding
    // of the double arithmetic).
    auto whole = std::chrono::floor<std::chrono::milliseconds>(*parsed);
    gatehouse::Result<std::chrono::nanoseconds> again =
        gatehouse::ParseDuration(gatehouse::FormatDuration(whole));
    if (!again) std::abort();
    auto diff = *again - std::chrono::nanoseconds(whole);
    if (diff > std::chrono::milliseconds(1) || diff < -std::chrono::milliseconds(1)) std::abort();
  }
  if (budget.count() < 0 || budget > options.max_deadline) std::abort();
  (void)message.keep_alive();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // Small limits as well as the defaults, so the limit paths are reachable by small inputs.
  adapters::ServerOptions options;
  if ((data[0] & 0x80) != 0) {
    options.max_body_bytes = 64;
    options.max_header_bytes = 256;
  }
  const std::size_t chunk = (data[0] & 0x7f) + 1;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  std::optional<Parser> parser;
  NewRequest(parser, options);
  std::string buffer;  // received but not yet consumed, like the server's flat_buffer
  int requests = 0;
  while (!input.empty()) {
    const std::size_t n = std::min(chunk, input.size());
    buffer.append(input.substr(0, n));
    input.remove_prefix(n);
    // Parse what is buffered until the parser needs more or a request completes.
    while (!buffer.empty()) {
      beast::error_code ec;
      std::size_t used = parser->put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      if (used > buffer.size()) std::abort();
      buffer.erase(0, used);
      if (ec == http::error::need_more) break;
      if (ec) return 0;  // the server answers 400/413/431 and closes
      if (parser->is_done()) {
        HandleRequest(*parser, options);
        if (!parser->get().keep_alive() || ++requests >= 64) return 0;
        NewRequest(parser, options);
        continue;
      }
      if (used == 0) break;
    }
  }
  // End of stream: a body delimited by the connection close completes here.
  // Beast requires some input before put_eof() (an assertion in debug builds), as the server's
  // read loop only reports end of stream after bytes arrived.
  if (!parser->is_done() && parser->got_some()) {
    beast::error_code ec;
    parser->put_eof(ec);
    if (!ec && parser->is_done()) HandleRequest(*parser, options);
  }
  return 0;
}
