#include "adapters/http/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

#include "adapters/http/client_request.h"
#include "adapters/http/http_errors.h"
#include "adapters/http/tls_client_context.h"
#include "adapters/http/url.h"

namespace gatehouse::adapters {

const std::string* HttpResponse::FindHeader(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return &value;
  }
  return nullptr;
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

std::string TlsFailure(SSL* ssl, const beast::error_code& ec) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  }
  return "handshake failed: " + ec.message();
}

// Everything one exchange needs, owned by Send()'s stack frame; the coroutine borrows it.
struct Exchange {
  const HttpRequest& request;
  const ParsedUrl& url;
  const HttpClientOptions& options;
  tcp::resolver::results_type endpoints;
  std::optional<Result<HttpResponse>> result;

  void Fail(ErrorCode code, std::string message) {
    if (!result) result.emplace(MakeError(code, std::move(message)));
  }
};

http::request<http::string_body> BuildRequest(const Exchange& x) {
  http::request<http::string_body> req;
  PrepareClientRequest(req, x.request, x.url, x.options);
  req.body() = x.request.body;
  req.prepare_payload();
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
      x.Fail(HttpError::kTls,
             "TLS with " + x.url.HostHeader() + ": " + TlsFailure(stream.native_handle(), ec));
      co_return;
    }
  }
  http::request<http::string_body> req = BuildRequest(x);
  if (auto [ec, n] = co_await http::async_write(stream, req, kAsTuple); ec) {
    x.Fail(ec.category() == net::error::get_ssl_category() ? HttpError::kTls : HttpError::kProtocol,
           "sending request to " + x.url.HostHeader() + ": " + ec.message());
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(x.options.max_response_bytes);
  if (req.method() == http::verb::head) parser.skip(true);
  if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, kAsTuple); ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      x.Fail(HttpError::kTooLarge, "response from " + x.url.HostHeader() + " exceeds " +
                                       std::to_string(x.options.max_response_bytes) + " bytes");
    } else if (ec.category() == net::error::get_ssl_category()) {
      // TLS 1.3 reports a refused client certificate only after the handshake, on first read.
      x.Fail(HttpError::kTls, "TLS with " + x.url.HostHeader() + ": " + ec.message());
    } else {
      x.Fail(HttpError::kProtocol,
             "reading response from " + x.url.HostHeader() + ": " + ec.message());
    }
    co_return;
  }
  http::response<http::string_body> res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  x.result.emplace(std::move(out));
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

class BeastHttpClient final : public HttpClient {
 public:
  BeastHttpClient(HttpClientOptions options, std::unique_ptr<net::ssl::context> ssl)
      : options_(std::move(options)), ssl_(std::move(ssl)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    Result<ParsedUrl> url = ParseUrl(request.url);
    if (!url) return url.error();
    if (HasLineBreak(request.method) || request.method.empty()) {
      return MakeError(HttpError::kProtocol, "invalid request method");
    }
    for (const auto& [name, value] : request.headers) {
      // CR/LF in a header would let a caller-controlled value inject headers or requests.
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
        return MakeError(HttpError::kProtocol, "invalid request header");
      }
    }
    Clock::time_point deadline = Clock::now() + request.timeout;
    net::io_context ioc(1);
    Exchange x{request, *url, options_, {}, std::nullopt};

    // Name resolution is synchronous (Asio resolves on a helper thread per io_context, which
    // cannot be cancelled either); its time counts against the deadline.
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    x.endpoints = resolver.resolve(
        url->host, std::to_string(url->port),
        url->host_is_ip ? tcp::resolver::numeric_host : tcp::resolver::flags(), ec);
    if (ec) return MakeError(HttpError::kConnect, "resolve " + url->host + ": " + ec.message());
    if (Clock::now() >= deadline) return TimeoutError(request);

    if (url->tls) {
      net::ssl::stream<tcp::socket> stream(ioc, *ssl_);
      if (Status s = ConfigureTls(stream.native_handle(), *url); !s) return s.error();
      net::co_spawn(ioc, RunExchange(x, stream, stream.next_layer()), net::detached);
      return Run(ioc, stream.next_layer(), x, deadline, request);
    }
    tcp::socket socket(ioc);
    net::co_spawn(ioc, RunExchange(x, socket, socket), net::detached);
    return Run(ioc, socket, x, deadline, request);
  }

 private:
  static Error TimeoutError(const HttpRequest& request) {
    return MakeError(HttpError::kTimeout,
                     "no response within " + std::to_string(request.timeout.count()) + "ms");
  }

  Status ConfigureTls(SSL* ssl, const ParsedUrl& url) const {
    return ConfigureTlsConnection(ssl, url, options_.insecure_skip_verify);
  }

  Result<HttpResponse> Run(net::io_context& ioc, tcp::socket& socket, Exchange& x,
                           Clock::time_point deadline, const HttpRequest& request) const {
    ioc.run_until(deadline);
    if (!ioc.stopped()) {
      // Deadline hit: cancel whatever is pending and let the coroutine unwind.
      beast::error_code ignored;
      socket.close(ignored);
      ioc.restart();
      ioc.run();
      return TimeoutError(request);
    }
    if (!x.result) return MakeError(HttpError::kProtocol, "exchange ended without a response");
    return std::move(*x.result);
  }

  HttpClientOptions options_;
  std::unique_ptr<net::ssl::context> ssl_;
};

}  // namespace

Result<std::shared_ptr<HttpClient>> MakeHttpClient(const HttpClientOptions& options) {
  Result<std::unique_ptr<net::ssl::context>> ssl = MakeTlsClientContext(options);
  if (!ssl) return ssl.error();
  return std::shared_ptr<HttpClient>(
      std::make_shared<BeastHttpClient>(options, std::move(ssl).value()));
}

}  // namespace gatehouse::adapters
