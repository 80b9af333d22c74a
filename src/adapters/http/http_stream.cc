#include "adapters/http/http_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <optional>

#include "adapters/http/client_request.h"
#include "adapters/http/http_errors.h"
#include "adapters/http/tls_client_context.h"
#include "adapters/http/url.h"

namespace gatehouse::adapters {

Result<bool> LineSplitter::Feed(std::string_view bytes,
                                const std::function<bool(std::string_view)>& on_line) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    if (pending_.size() + piece.size() > max_line_bytes_) {
      pending_.clear();
      return MakeError(HttpError::kLineTooLong,
                       "a line exceeds " + std::to_string(max_line_bytes_) + " bytes");
    }
    if (newline == std::string_view::npos) {
      pending_.append(piece);
      return true;
    }
    bytes.remove_prefix(newline + 1);
    bool go_on;
    if (pending_.empty()) {
      go_on = on_line(piece);
    } else {
      pending_.append(piece);
      const std::string line = std::move(pending_);
      pending_.clear();
      go_on = on_line(line);
    }
    if (!go_on) return false;
  }
  return true;
}

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr std::uint32_t kMaxResponseHeaderBytes = 64 << 10;

bool HasLineBreak(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

struct Exchange {
  const HttpRequest& request;
  const ParsedUrl& url;
  const HttpClientOptions& options;
  const HttpStream::LineHandler& on_line;
  std::size_t max_line_bytes;
  tcp::resolver::results_type endpoints;
  std::optional<Result<HttpStreamEnd>> result;

  void Fail(ErrorCode code, std::string message) {
    if (!result) result.emplace(MakeError(code, std::move(message)));
  }
  void FailRead(const beast::error_code& ec) {
    if (ec == http::error::header_limit) {
      Fail(HttpError::kTooLarge, "response headers from " + url.HostHeader() + " are too large");
    } else if (ec.category() == net::error::get_ssl_category()) {
      Fail(HttpError::kTls, "TLS with " + url.HostHeader() + ": " + ec.message());
    } else {
      Fail(HttpError::kProtocol, "reading response from " + url.HostHeader() + ": " + ec.message());
    }
  }
};

http::request<http::empty_body> BuildRequest(const Exchange& x) {
  http::request<http::empty_body> req;
  PrepareClientRequest(req, x.request, x.url, x.options);
  return req;
}

template <class Stream>
net::awaitable<void> RunExchange(Exchange& x, Stream& stream, tcp::socket& socket) {
  auto [connect_ec, endpoint] = co_await net::async_connect(socket, x.endpoints, kAsTuple);
  if (connect_ec) {
    x.Fail(HttpError::kConnect, "connect to " + x.url.HostHeader() + ": " + connect_ec.message());
    co_return;
  }
  beast::error_code no_delay_ec;
  socket.set_option(tcp::no_delay(true), no_delay_ec);
  if constexpr (!std::is_same_v<Stream, tcp::socket>) {
    auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::client, kAsTuple);
    if (ec) {
      x.Fail(HttpError::kTls, "TLS with " + x.url.HostHeader() + ": " + ec.message());
      co_return;
    }
  }
  http::request<http::empty_body> req = BuildRequest(x);
  if (auto [ec, n] = co_await http::async_write(stream, req, kAsTuple); ec) {
    x.Fail(ec.category() == net::error::get_ssl_category() ? HttpError::kTls : HttpError::kProtocol,
           "sending request to " + x.url.HostHeader() + ": " + ec.message());
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(boost::none);  // the line limit bounds what is kept
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kAsTuple); ec) {
    x.FailRead(ec);
    co_return;
  }
  HttpStreamEnd end;
  end.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    end.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  LineSplitter lines(x.max_line_bytes);
  const auto deliver = [&](std::string_view line) { return x.on_line(end.status, line); };
  char piece[16 << 10];
  while (!parser.is_done()) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof(piece);
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, kAsTuple);
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = sizeof(piece) - parser.get().body().size;
    if (got > 0) {
      Result<bool> fed = lines.Feed(std::string_view(piece, got), deliver);
      if (!fed) {
        x.result.emplace(fed.error());
        co_return;
      }
      if (!*fed) {
        end.stopped_by_caller = true;
        x.result.emplace(std::move(end));
        co_return;
      }
    }
    if (ec) {
      x.FailRead(ec);
      co_return;
    }
  }
  if (!lines.rest().empty() && !deliver(lines.rest())) end.stopped_by_caller = true;
  x.result.emplace(std::move(end));
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

class BeastHttpStream final : public HttpStream {
 public:
  BeastHttpStream(HttpClientOptions options, std::unique_ptr<net::ssl::context> ssl,
                  std::size_t max_line_bytes)
      : options_(std::move(options)), ssl_(std::move(ssl)), max_line_bytes_(max_line_bytes) {}

  Result<HttpStreamEnd> Get(const HttpRequest& request, const LineHandler& on_line) override {
    Result<ParsedUrl> url = ParseUrl(request.url);
    if (!url) return url.error();
    if (HasLineBreak(request.method) || request.method.empty()) {
      return MakeError(HttpError::kProtocol, "invalid request method");
    }
    for (const auto& [name, value] : request.headers) {
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
        return MakeError(HttpError::kProtocol, "invalid request header");
      }
    }
    const Clock::time_point deadline = Clock::now() + request.timeout;
    net::io_context ioc(1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cancelled_) return CancelledError();
      running_ = &ioc;
    }
    Result<HttpStreamEnd> out = Exchange1(ioc, request, *url, on_line, deadline);
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = nullptr;
    if (cancelled_ && !out) return CancelledError();
    return out;
  }

  void Cancel() override {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    if (running_ != nullptr) running_->stop();  // io_context::stop() is thread-safe
  }

 private:
  static Error CancelledError() {
    return MakeError(HttpError::kCancelled, "the stream was cancelled");
  }

  Result<HttpStreamEnd> Exchange1(net::io_context& ioc, const HttpRequest& request,
                                  const ParsedUrl& url, const LineHandler& on_line,
                                  Clock::time_point deadline) {
    Exchange x{request, url, options_, on_line, max_line_bytes_, {}, std::nullopt};
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    x.endpoints =
        resolver.resolve(url.host, std::to_string(url.port),
                         url.host_is_ip ? tcp::resolver::numeric_host : tcp::resolver::flags(), ec);
    if (ec) return MakeError(HttpError::kConnect, "resolve " + url.host + ": " + ec.message());
    if (url.tls) {
      net::ssl::stream<tcp::socket> stream(ioc, *ssl_);
      if (Status s =
              ConfigureTlsConnection(stream.native_handle(), url, options_.insecure_skip_verify);
          !s) {
        return s.error();
      }
      net::co_spawn(ioc, RunExchange(x, stream, stream.next_layer()), net::detached);
      return Run(ioc, stream.next_layer(), x, deadline, request);
    }
    tcp::socket socket(ioc);
    net::co_spawn(ioc, RunExchange(x, socket, socket), net::detached);
    return Run(ioc, socket, x, deadline, request);
  }

  Result<HttpStreamEnd> Run(net::io_context& ioc, tcp::socket& socket, Exchange& x,
                            Clock::time_point deadline, const HttpRequest& request) {
    ioc.run_until(deadline);
    if (x.result) return std::move(*x.result);
    // Deadline or Cancel(): close the socket and let the coroutine unwind. Later Cancel() calls
    // must not stop this unwinding, so the io_context is unregistered first.
    {
      std::lock_guard<std::mutex> lock(mutex_);
      running_ = nullptr;
    }
    beast::error_code ignored;
    socket.close(ignored);
    ioc.restart();
    ioc.run();
    return MakeError(HttpError::kTimeout, "stream not finished within " +
                                              std::to_string(request.timeout.count()) + "ms");
  }

  HttpClientOptions options_;
  std::unique_ptr<net::ssl::context> ssl_;
  std::size_t max_line_bytes_;
  std::mutex mutex_;
  bool cancelled_ = false;
  net::io_context* running_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<HttpStream>> MakeHttpStream(const HttpClientOptions& options,
                                                   std::size_t max_line_bytes) {
  Result<std::unique_ptr<net::ssl::context>> ssl = MakeTlsClientContext(options);
  if (!ssl) return ssl.error();
  return std::unique_ptr<HttpStream>(
      std::make_unique<BeastHttpStream>(options, std::move(ssl).value(), max_line_bytes));
}

}  // namespace gatehouse::adapters
