// HttpServer: the HTTPS (HTTP/1.1, keep-alive) front door for the webhooks, built on Boost.Beast.
//
// Start() binds, spawns `threads` I/O threads (each with its own event loop; connections are
// spread round-robin and stay on one thread, so nothing on the request path locks) and calls the
// Handler synchronously on that I/O thread with the whole request. A Handler that blocks (an
// upstream call) holds up the other connections of its thread: size `threads` accordingly.
//
// What the server enforces before the Handler sees a request: header size (431), request
// target size (414), body size (413, answered as soon as the headers announce it, without
// reading the body, then the connection is closed), malformed HTTP (400), a malformed `timeout`
// query parameter (400), the number of open connections (beyond `max_connections` a new
// connection is closed at once), and per route class the requests in flight (beyond a class's
// `max_in_flight` the class's `overloaded` answer, at once).
//
// Route classes keep one kind of traffic from starving another: `classify` names a request's
// class; a class with `worker_threads` runs its Handler calls on a BoundedWorkPool of its own
// (the connection waits, its I/O thread serves others) so CPU-heavy routes (password checks)
// never run on the threads that answer the webhooks.
// A Handler that throws yields 500; it never takes the server down. Idle connections (and
// slow clients: the clock restarts only when a request or response completes) are closed after
// `idle_timeout`.
//
// TLS: 1.2 minimum, certificate and key reloaded when the files change (see
// ServerTlsContext), optional client certificates verified against `client_ca_file`.
//
// Thread-safety: all methods may be called from any thread except Stop() (and the destructor)
// from inside a Handler, which would wait for itself. Start() returns errors instead of throwing:
// "listen_failed" (bad address, port in use), "tls_config" (certificate, key or CA unusable).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/http_client.h"
#include "common/metrics.h"
#include "common/result.h"

namespace gatehouse::adapters {

struct ServerRequest {
  std::string method;
  std::string path;  // exactly as sent, without the query; not percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  HttpHeaders headers;                                     // as received, in order
  std::string body;
  std::string client_cert_subject;  // RFC 2253, only when a client certificate was verified
  std::string remote_address;       // "ip:port" of the peer
  // now + ?timeout= (capped by max_deadline), or now + default_deadline.
  std::chrono::steady_clock::time_point deadline;

  // Case-insensitive; nullptr when absent.
  const std::string* FindHeader(std::string_view name) const;
  // First value of a query parameter; nullptr when absent.
  const std::string* FindQuery(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. Content-Length, Transfer-Encoding and Connection are the server's; headers
  // with invalid names or CR/LF in values are dropped (response splitting).
  HttpHeaders headers;
  // Written no sooner than this (at most 10 s): a tarpit for clients told to back off. The
  // connection waits on a timer, holding no thread, and reads nothing more meanwhile.
  std::chrono::milliseconds delay{0};
};

using Handler = std::function<ServerResponse(const ServerRequest&)>;

// A class of routes with limits of its own.
struct RouteClass {
  std::string name;               // the `class` label of the metrics
  std::size_t max_in_flight = 0;  // handled or waiting for a worker at once; 0: no cap
  int worker_threads = 0;         // >0: Handler calls run on a pool of this many threads
  int worker_nice = 0;            // added nice value of those threads (lower priority)
  // The answer, at once, to a request beyond max_in_flight (or a full worker queue).
  ServerResponse overloaded{
      503, "text/plain; charset=utf-8", "server busy, retry later\n", {{"Retry-After", "1"}}};
};
// The index of a request's class in ServerOptions::route_classes; out of range: no class.
using RouteClassifier = std::function<std::size_t(const ServerRequest&)>;

struct ServerOptions {
  std::string listen = "127.0.0.1:8443";  // host:port, :port, 0.0.0.0:port, [::1]:port; port 0
  bool tls = true;                        // plain HTTP only when explicitly asked (tests)
  std::string cert_file, key_file, client_ca_file;
  bool require_client_cert = false;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::size_t max_target_bytes = 8 << 10;  // path and query as sent (beyond: 414)
  std::size_t max_connections = 0;         // open at once; 0: no cap
  std::vector<RouteClass> route_classes;
  RouteClassifier classify;  // unset: no request has a class
  // Optional: gatehouse_http_connections, gatehouse_http_connections_refused_total,
  // gatehouse_http_in_flight{class}, gatehouse_http_overloaded_total{class}. Must outlive the
  // server.
  MetricsRegistry* metrics = nullptr;
  int threads = 0;  // 0 = hardware_concurrency
  std::chrono::seconds idle_timeout{60};
  std::chrono::milliseconds default_deadline{30000};
  std::chrono::milliseconds max_deadline{60000};
  // How often new connections look at the certificate files' mtime; tests use 0.
  std::chrono::milliseconds tls_reload_check_interval{1000};
};

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Handler handler);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the ephemeral one when listen asked for port 0).
  std::uint16_t port() const;
  // Closes the listener and all connections and joins the I/O threads; idempotent.
  void Stop();

  // Empty when the last certificate reload succeeded (or none was attempted); otherwise why the
  // files on disk are not being served.
  std::string last_tls_reload_error() const;
  // Successful reloads since Start().
  std::uint64_t tls_reload_count() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::adapters
