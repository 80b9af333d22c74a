#include "adapters/http/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <charconv>
#include <optional>
#include <thread>
#include <type_traits>

#include "adapters/http/bounded_work_pool.h"
#include "adapters/http/http_errors.h"
#include "adapters/http/url.h"
#include "adapters/tls/server_tls_context.h"
#include "common/duration.h"

namespace gatehouse::adapters {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Concrete executor types: no type-erased any_io_executor on the hot path.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Acceptor = net::basic_socket_acceptor<tcp, Executor>;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>;
using TlsStream = net::ssl::stream<Socket>;

constexpr std::size_t kReadSize = 16 << 10;
// After an error response that closes the connection, keep reading (and discarding) for a
// moment so the client's unread request bytes do not turn our close into a RST that destroys
// the response before the client reads it.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 256 << 10;
// Response buffer capacity kept between requests; larger ones are released.
constexpr std::size_t kKeepOutputBytes = 64 << 10;

// The run-time state of one RouteClass. The pool is owned by the server's Impl (stopped before
// the I/O contexts die); a worker must never be the one to destroy it.
struct RouteState {
  RouteClass spec;
  std::atomic<std::size_t> in_flight{0};
  BoundedWorkPool* pool = nullptr;
  Gauge* in_flight_gauge = nullptr;
  Counter* overloaded = nullptr;

  bool TryEnter() {
    std::size_t now = in_flight.load(std::memory_order_relaxed);
    do {
      if (spec.max_in_flight != 0 && now >= spec.max_in_flight) {
        if (overloaded != nullptr) overloaded->Inc();
        return false;
      }
    } while (!in_flight.compare_exchange_weak(now, now + 1, std::memory_order_relaxed));
    if (in_flight_gauge != nullptr) in_flight_gauge->Inc();
    return true;
  }
  void Leave() {
    in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (in_flight_gauge != nullptr) in_flight_gauge->Dec();
  }
};

// Per server, shared by all connections (which may outlive Stop() briefly while their handlers
// are destroyed).
struct Shared {
  ServerOptions options;
  Handler handler;
  std::unique_ptr<ServerTlsContext> tls;
  std::vector<std::unique_ptr<RouteState>> routes;
  mutable std::atomic<std::size_t> connections{0};  // counted by the accept loop and connections
  Gauge* connections_gauge = nullptr;
  Counter* connections_refused = nullptr;

  RouteState* RouteOf(const ServerRequest& request) const {
    if (!options.classify) return nullptr;
    const std::size_t index = options.classify(request);
    return index < routes.size() ? routes[index].get() : nullptr;
  }
};

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsSafeHeader(const std::string& name, const std::string& value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) return false;
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) return false;
  return !beast::iequals(name, "content-length") && !beast::iequals(name, "transfer-encoding") &&
         !beast::iequals(name, "connection");
}

void AppendInt(std::string& out, std::uint64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

// Writes the whole response into `out` (reused per connection: no allocation once warm), so
// one TLS record and one syscall carry it.
void SerializeResponse(const ServerResponse& response, bool head, bool close, bool http10_keep,
                       std::string& out) {
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  bool no_body = status < 200 || status == 204 || status == 304;
  out.clear();
  out += "HTTP/1.1 ";
  AppendInt(out, static_cast<std::uint64_t>(status));
  out += ' ';
  std::string_view reason = http::obsolete_reason(static_cast<http::status>(status));
  out += reason == "<unknown-status>" ? std::string_view("Status") : reason;
  out += "\r\n";
  if (!response.content_type.empty() && !no_body &&
      response.content_type.find_first_of("\r\n") == std::string::npos) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    if (!IsSafeHeader(name, value)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!no_body) {
    out += "Content-Length: ";
    AppendInt(out, response.body.size());
    out += "\r\n";
  }
  if (close) {
    out += "Connection: close\r\n";
  } else if (http10_keep) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!no_body && !head) out += response.body;
}

ServerResponse TextResponse(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // Plain HTTP.
  Connection(std::shared_ptr<const Shared> shared, Socket socket) requires(!kTls)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), shared_(std::move(shared)) {}
  // HTTPS; `ssl_context` is kept alive with the connection.
  Connection(std::shared_ptr<const Shared> shared, Socket socket,
             std::shared_ptr<net::ssl::context> ssl_context) requires(kTls)
      : stream_(std::move(socket), *ssl_context),
        timer_(stream_.get_executor()),
        shared_(std::move(shared)),
        ssl_context_(std::move(ssl_context)) {}

  ~Connection() {
    shared_->connections.fetch_sub(1, std::memory_order_relaxed);
    if (shared_->connections_gauge != nullptr) shared_->connections_gauge->Dec();
  }

  void Start() {
    beast::error_code ec;
    Socket& socket = LowestLayer();
    socket.set_option(tcp::no_delay(true), ec);
    tcp::endpoint remote = socket.remote_endpoint(ec);
    if (!ec) {
      request_.remote_address = remote.address().is_v6() ? "[" + remote.address().to_string() + "]"
                                                         : remote.address().to_string();
      request_.remote_address += ":" + std::to_string(remote.port());
    }
    last_activity_ = Clock::now();
    ArmTimer(last_activity_ + shared_->options.idle_timeout);
    if constexpr (kTls) {
      stream_.async_handshake(
          net::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code e) { self->OnHandshake(e); });
    } else {
      NewRequest();
      ParseBuffered();
    }
  }

 private:
  Socket& LowestLayer() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void ArmTimer(Clock::time_point when) {
    timer_.expires_at(when);
    timer_.async_wait(
        [self = this->shared_from_this()](beast::error_code ec) { self->OnTimer(ec); });
  }

  // One timer per connection, re-armed lazily from the last activity instead of on every
  // operation: keeps timer bookkeeping off the per-request path.
  void OnTimer(beast::error_code ec) {
    if (ec == net::error::operation_aborted || closed_) return;
    if (lingering_) {
      Close();
      return;
    }
    Clock::time_point deadline = last_activity_ + shared_->options.idle_timeout;
    // A request waiting for a worker is not idleness: the bounded queue bounds the wait.
    if (Clock::now() >= deadline && !handling_) {
      Close();
      return;
    }
    ArmTimer(deadline);
  }

  void OnHandshake(beast::error_code ec) {
    if (closed_) return;
    if (ec) {
      Close();
      return;
    }
    if constexpr (kTls) client_cert_subject_ = FindVerifiedPeerSubject(stream_.native_handle());
    NewRequest();
    ParseBuffered();
  }

  void NewRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(shared_->options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(shared_->options.max_body_bytes);
    parser_->eager(true);
    continue_sent_ = false;
    consumed_in_request_ = 0;
  }

  void ReadMore() {
    stream_.async_read_some(buffer_.prepare(kReadSize),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->OnRead(ec, n);
                            });
  }

  void OnRead(beast::error_code ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      // EOF between requests is the normal end of a keep-alive connection; mid-request it is an
      // abandoned request. Either way there is nobody left to answer.
      Close();
      return;
    }
    buffer_.commit(n);
    ParseBuffered();
  }

  void ParseBuffered() {
    for (;;) {
      if (buffer_.size() == 0) {
        if (!MaybeSendContinue()) ReadMore();
        return;
      }
      beast::error_code ec;
      std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      consumed_in_request_ += used;
      if (ec == http::error::need_more) {
        if (!MaybeSendContinue()) ReadMore();
        return;
      }
      if (ec) {
        RejectRequest(ec);
        return;
      }
      if (parser_->is_done()) {
        HandleRequest();
        return;
      }
      if (used == 0) {
        if (!MaybeSendContinue()) ReadMore();
        return;
      }
    }
  }

  // curl and others wait (up to a second) for "100 Continue" before sending a larger body.
  bool MaybeSendContinue() {
    if (continue_sent_ || !parser_->is_header_done() || parser_->is_done()) return false;
    auto it = parser_->get().find(http::field::expect);
    if (it == parser_->get().end() || !beast::iequals(it->value(), "100-continue")) return false;
    continue_sent_ = true;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (self->closed_) return;
                       if (ec) {
                         self->Close();
                         return;
                       }
                       self->ParseBuffered();
                     });
    return true;
  }

  void RejectRequest(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      Respond(TextResponse(413, "request body too large\n"), /*close=*/true, false, false);
    } else if (ec == http::error::header_limit) {
      // Beast consumes the request line once it is whole: nothing consumed yet means the line
      // itself (method, target, version) outgrew the limit.
      if (consumed_in_request_ == 0) {
        Respond(TextResponse(414, "request URI too long\n"), true, false, false);
      } else {
        Respond(TextResponse(431, "request header fields too large\n"), true, false, false);
      }
    } else {
      Respond(TextResponse(400, "bad request\n"), true, false, false);
    }
  }

  void HandleRequest() {
    last_activity_ = Clock::now();
    auto& message = parser_->get();
    ServerRequest& request = request_;
    request.method.assign(message.method_string());
    std::string_view target = message.target();
    if (target.size() > shared_->options.max_target_bytes) {
      Respond(TextResponse(414, "request URI too long\n"), true, false, false);
      return;
    }
    std::size_t question = target.find('?');
    request.path.assign(target.substr(0, question));
    request.query.clear();
    if (question != std::string_view::npos) request.query = ParseQuery(target.substr(question + 1));
    // Assign into existing elements so their string capacity is reused request after request.
    std::size_t count = static_cast<std::size_t>(std::distance(message.begin(), message.end()));
    request.headers.resize(count);
    std::size_t i = 0;
    for (const auto& field : message) {
      request.headers[i].first.assign(field.name_string());
      request.headers[i].second.assign(field.value());
      ++i;
    }
    request.body.swap(message.body());
    request.client_cert_subject = client_cert_subject_;

    const ServerOptions& options = shared_->options;
    std::chrono::milliseconds budget = options.default_deadline;
    if (const std::string* timeout = request.FindQuery("timeout")) {
      Result<std::chrono::nanoseconds> parsed = ParseDuration(*timeout);
      if (!parsed) {
        Respond(TextResponse(400, "invalid timeout parameter\n"), true, false, false);
        return;
      }
      budget =
          std::min(options.max_deadline, std::chrono::ceil<std::chrono::milliseconds>(*parsed));
    }
    request.deadline = last_activity_ + budget;

    bool head = message.method() == http::verb::head;
    bool keep_alive = message.keep_alive();
    bool http10_keep = keep_alive && message.version() < 11;
    RouteState* route = shared_->RouteOf(request);
    if (route == nullptr) {
      Respond(RunHandler(), !keep_alive, head, http10_keep);
      return;
    }
    if (!route->TryEnter()) {
      Respond(route->spec.overloaded, !keep_alive, head, http10_keep);
      return;
    }
    if (route->pool == nullptr) {
      ServerResponse response = RunHandler();
      route->Leave();
      Respond(response, !keep_alive, head, http10_keep);
      return;
    }
    // On a worker: this connection reads nothing more until the answer is written, so the
    // worker has request_ to itself; the answer is written back on the connection's thread.
    handling_ = true;
    std::function<void()> task = [self = this->shared_from_this(), route, keep_alive, head,
                                  http10_keep] {
      auto response = std::make_shared<ServerResponse>(self->RunHandler());
      route->Leave();
      net::post(self->stream_.get_executor(), [self, response, keep_alive, head, http10_keep] {
        self->handling_ = false;
        if (self->closed_) return;
        self->Respond(*response, !keep_alive, head, http10_keep);
      });
    };
    if (!route->pool->TrySubmit(task)) {
      handling_ = false;
      route->Leave();
      if (route->overloaded != nullptr) route->overloaded->Inc();
      Respond(route->spec.overloaded, !keep_alive, head, http10_keep);
    }
  }

  ServerResponse RunHandler() {
    try {
      return shared_->handler(request_);
    } catch (...) {
      // The one catch-all per request: a bug in a handler costs one 500, not the process.
      return TextResponse(500, "internal server error\n");
    }
  }

  void Respond(const ServerResponse& response, bool close, bool head, bool http10_keep) {
    SerializeResponse(response, head, close, http10_keep, out_);
    if (response.delay.count() <= 0) {
      Write(close);
      return;
    }
    // A tarpit: the answer waits on a timer (no thread), and this connection sends nothing
    // more meanwhile, so a flood over keep-alive connections slows to one request per delay.
    handling_ = true;
    auto timer = std::make_shared<Timer>(stream_.get_executor());
    timer->expires_after(std::min<Clock::duration>(response.delay, std::chrono::seconds(10)));
    timer->async_wait([self = this->shared_from_this(), timer, close](beast::error_code) {
      self->handling_ = false;
      if (self->closed_) return;
      self->Write(close);
    });
  }

  void Write(bool close) {
    net::async_write(stream_, net::buffer(out_),
                     [self = this->shared_from_this(), close](beast::error_code ec, std::size_t) {
                       self->OnWrite(ec, close);
                     });
  }

  void OnWrite(beast::error_code ec, bool close) {
    if (closed_) return;
    if (ec) {
      Close();
      return;
    }
    last_activity_ = Clock::now();
    if (close) {
      LingerClose();
      return;
    }
    // Idle keep-alive connections must not pin up to max_body_bytes each.
    std::string().swap(request_.body);
    if (out_.capacity() > kKeepOutputBytes) std::string().swap(out_);
    NewRequest();
    ParseBuffered();  // a pipelined request may already be buffered
  }

  void LingerClose() {
    lingering_ = true;
    beast::error_code ec;
    LowestLayer().shutdown(tcp::socket::shutdown_send, ec);
    ArmTimer(Clock::now() + kLingerTime);
    Drain();
  }

  void Drain() {
    buffer_.clear();
    LowestLayer().async_read_some(
        buffer_.prepare(kReadSize),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
          if (self->closed_) return;
          self->drained_ += n;
          if (ec || self->drained_ > kLingerBytes) {
            self->Close();
            return;
          }
          self->Drain();
        });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    LowestLayer().shutdown(tcp::socket::shutdown_both, ec);
    LowestLayer().close(ec);
    timer_.cancel();
  }

  Stream stream_;
  Timer timer_;
  std::shared_ptr<const Shared> shared_;
  std::shared_ptr<net::ssl::context> ssl_context_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerRequest request_;
  std::string out_;
  std::string client_cert_subject_;
  Clock::time_point last_activity_;
  std::size_t drained_ = 0;
  std::size_t consumed_in_request_ = 0;  // bytes of the current request the parser has taken
  bool closed_ = false;
  bool lingering_ = false;
  bool continue_sent_ = false;
  bool handling_ = false;  // a worker holds request_; touched on the connection's thread only
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

}  // namespace

const std::string* ServerRequest::FindHeader(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

const std::string* ServerRequest::FindQuery(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

struct HttpServer::Impl {
  std::shared_ptr<Shared> shared;
  // Declared before the acceptor and destroyed after it: I/O objects must die before their
  // context.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::optional<Acceptor> acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::size_t next_context = 0;
  std::atomic<bool> stopped{false};
  // Owned here, not in Shared: a worker may drop the last reference to a connection (and so to
  // Shared), and a pool must never be destroyed by one of its own workers.
  std::vector<std::unique_ptr<BoundedWorkPool>> pools;
  // Touched only by the accept loop (the first context's thread).
  std::shared_ptr<SSL_CTX> cached_raw_ctx;
  std::shared_ptr<net::ssl::context> cached_ssl_ctx;

  ~Impl() { StopAll(); }

  std::shared_ptr<net::ssl::context> CurrentSslContext() {
    std::shared_ptr<SSL_CTX> raw = shared->tls->Current();
    if (raw != cached_raw_ctx) {
      SSL_CTX_up_ref(raw.get());  // the asio wrapper frees its own reference
      cached_ssl_ctx = std::make_shared<net::ssl::context>(raw.get());
      cached_raw_ctx = std::move(raw);
    }
    return cached_ssl_ctx;
  }

  void Accept() {
    net::io_context& target = *contexts[next_context];
    next_context = (next_context + 1) % contexts.size();
    acceptor->async_accept(target, [this](beast::error_code ec, Socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (ec) {
        // Out of descriptors and similar: back off briefly instead of spinning.
        auto timer = std::make_shared<Timer>(acceptor->get_executor());
        timer->expires_after(std::chrono::milliseconds(50));
        timer->async_wait([this, timer](beast::error_code) {
          if (acceptor->is_open()) Accept();
        });
        return;
      }
      const std::size_t cap = shared->options.max_connections;
      if (cap != 0 && shared->connections.load(std::memory_order_relaxed) >= cap) {
        // Refused before any TLS work: closing costs the flooder a reconnect, us nothing.
        if (shared->connections_refused != nullptr) shared->connections_refused->Inc();
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        shared->connections.fetch_add(1, std::memory_order_relaxed);
        if (shared->connections_gauge != nullptr) shared->connections_gauge->Inc();
        StartConnection(std::move(socket));
      }
      Accept();
    });
  }

  void StartConnection(Socket socket) {
    Executor executor = socket.get_executor();
    if (shared->tls) {
      net::post(executor, [shared_state = shared, ssl = CurrentSslContext(),
                           s = std::move(socket)]() mutable {
        std::make_shared<Connection<TlsStream>>(std::move(shared_state), std::move(s),
                                                std::move(ssl))
            ->Start();
      });
    } else {
      net::post(executor, [shared_state = shared, s = std::move(socket)]() mutable {
        std::make_shared<Connection<Socket>>(std::move(shared_state), std::move(s))->Start();
      });
    }
  }

  void StopAll() {
    if (stopped.exchange(true)) return;
    for (auto& context : contexts) context->stop();
    for (auto& thread : threads) {
      if (thread.joinable()) thread.join();
    }
    threads.clear();
    // Workers finish their request and post the answer to a stopped context (dropped with it);
    // queued requests are dropped here.
    for (auto& pool : pools) pool->Stop();
    acceptor.reset();
    // Destroying the contexts destroys the pending handlers, which own the connections.
    contexts.clear();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() { impl_->StopAll(); }

std::uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::last_tls_reload_error() const {
  return impl_->shared->tls ? impl_->shared->tls->last_reload_error() : std::string();
}

std::uint64_t HttpServer::tls_reload_count() const {
  return impl_->shared->tls ? impl_->shared->tls->reload_count() : 0;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Handler handler) {
  if (!handler) return MakeError(HttpError::kListenFailed, "no request handler");
  Result<HostPort> address = ParseHostPort(options.listen);
  if (!address) return MakeError(HttpError::kListenFailed, address.error().message);

  auto impl = std::make_unique<Impl>();
  impl->shared = std::make_shared<Shared>();
  if (options.tls) {
    Result<std::unique_ptr<ServerTlsContext>> tls = ServerTlsContext::Load(
        ServerTlsConfig{options.cert_file, options.key_file, options.client_ca_file,
                        options.require_client_cert, options.tls_reload_check_interval});
    if (!tls) return tls.error();
    impl->shared->tls = std::move(*tls);
  }
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  impl->shared->options = std::move(options);
  impl->shared->handler = std::move(handler);
  MetricsRegistry* metrics = impl->shared->options.metrics;
  if (metrics != nullptr) {
    impl->shared->connections_gauge =
        &metrics->AddGauge("gatehouse_http_connections", "Open client connections.");
    impl->shared->connections_refused =
        &metrics->AddCounter("gatehouse_http_connections_refused_total",
                             "Connections closed at once because max_connections were open.");
  }
  for (const RouteClass& spec : impl->shared->options.route_classes) {
    auto route = std::make_unique<RouteState>();
    route->spec = spec;
    if (spec.worker_threads > 0) {
      BoundedWorkPoolOptions pool;
      pool.name = spec.name;
      pool.threads = spec.worker_threads;
      // The in-flight cap bounds the queue; without one, a generous fixed bound.
      pool.queue_capacity = spec.max_in_flight != 0 ? spec.max_in_flight : 1024;
      pool.nice = spec.worker_nice;
      impl->pools.push_back(std::make_unique<BoundedWorkPool>(pool));
      route->pool = impl->pools.back().get();
    }
    if (metrics != nullptr) {
      route->in_flight_gauge =
          &metrics->AddGauge("gatehouse_http_in_flight",
                             "Requests being handled or waiting for a worker, by route class.",
                             {{"class", spec.name}});
      route->overloaded = &metrics->AddCounter(
          "gatehouse_http_overloaded_total",
          "Requests answered at once because their route class was at its limit.",
          {{"class", spec.name}});
    }
    impl->shared->routes.push_back(std::move(route));
  }
  for (int i = 0; i < threads; ++i) {
    impl->contexts.push_back(std::make_unique<net::io_context>(1));
  }

  auto listen_error = [&](const std::string& what, const beast::error_code& ec) {
    return MakeError(HttpError::kListenFailed,
                     what + " " + impl->shared->options.listen + ": " + ec.message());
  };
  beast::error_code ec;
  tcp::endpoint endpoint;
  if (address->host.empty()) {
    endpoint = tcp::endpoint(tcp::v6(), address->port);
  } else {
    net::ip::address ip = net::ip::make_address(address->host, ec);
    if (ec) {
      net::ip::basic_resolver<tcp, Executor> resolver(impl->contexts[0]->get_executor());
      auto results = resolver.resolve(address->host, std::to_string(address->port), ec);
      if (ec || results.empty()) return listen_error("cannot resolve", ec);
      ip = results.begin()->endpoint().address();
    }
    endpoint = tcp::endpoint(ip, address->port);
  }
  impl->acceptor.emplace(impl->contexts[0]->get_executor());
  Acceptor& acceptor = *impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (ec && address->host.empty()) {  // no IPv6 on this host: all IPv4 interfaces
    endpoint = tcp::endpoint(tcp::v4(), address->port);
    acceptor.open(endpoint.protocol(), ec);
  }
  if (ec) return listen_error("cannot open socket for", ec);
  if (endpoint.protocol() == tcp::v6() && address->host.empty()) {
    acceptor.set_option(net::ip::v6_only(false), ec);
  }
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) return listen_error("cannot bind", ec);
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return listen_error("cannot listen on", ec);
  impl->port = acceptor.local_endpoint(ec).port();

  impl->Accept();
  for (auto& context : impl->contexts) {
    net::io_context* ctx = context.get();
    impl->threads.emplace_back([ctx] {
      auto guard = net::make_work_guard(*ctx);
      for (;;) {
        try {
          ctx->run();
          return;
        } catch (...) {
          // Only allocation failures get here (handler exceptions are caught per request);
          // losing one operation beats losing the process.
        }
      }
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace gatehouse::adapters
