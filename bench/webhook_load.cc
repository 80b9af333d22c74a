// webhook_load: an open-loop HTTPS load client for latency at a fixed request rate.
//
// wrk sends the next request as soon as the previous answer arrives (closed loop), so a slow
// answer delays the requests that would have been sent meanwhile and their latency is never
// measured ("coordinated omission"). This client instead fixes a schedule: request i is due
// at t0 + i / rate. Latency runs from that scheduled time (not from the actual send) to the
// end of the answer, so a stall shows up in the latency of every request that should have
// been sent during it, as in wrk2.
//
// One thread runs an epoll loop over N keep-alive TLS connections (OpenSSL, non-blocking,
// one request in flight per connection). A due request goes to an idle connection at once,
// or waits in a queue until one frees up, and that wait counts as latency. A single event
// loop keeps the client's own cost per request low (no thread wake-ups), so at high rates
// the server, not the client, is measured. Requests still queued or in flight 5 s after the
// schedule ends are reported as "unfinished".
//
// Usage:
//   webhook_load --port 8443 --path /authorize --body-file sar.json --rate 5000
//                [--host 127.0.0.1] [--connections 8] [--duration 10] [--warmup 2]
//                [--expect '"allowed":true'] [--ca-file ca.crt]
// Prints a human summary and one machine-readable line starting with "RESULT ".
// Exits 1 when the arguments are wrong or no connection can be made; answers that are not
// 200 (or lack --expect) are counted as errors and reported, not fatal.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Nanos = std::chrono::nanoseconds;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/";
  std::string body;
  std::string expect;
  std::string ca_file;
  double rate = 1000;
  int connections = 8;
  double duration_s = 10;
  double warmup_s = 2;
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "webhook_load: %s\n", message.c_str());
  std::exit(1);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  auto need = [&](int& i) -> std::string {
    if (i + 1 >= argc) Die(std::string("missing value for ") + argv[i]);
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--host") {
      o.host = need(i);
    } else if (a == "--port") {
      o.port = std::atoi(need(i).c_str());
    } else if (a == "--path") {
      o.path = need(i);
    } else if (a == "--body-file") {
      std::string file = need(i);
      std::optional<std::string> body = ReadFile(file);
      if (!body) Die("cannot read " + file);
      o.body = std::move(*body);
    } else if (a == "--expect") {
      o.expect = need(i);
    } else if (a == "--ca-file") {
      o.ca_file = need(i);
    } else if (a == "--rate") {
      o.rate = std::atof(need(i).c_str());
    } else if (a == "--connections") {
      o.connections = std::atoi(need(i).c_str());
    } else if (a == "--duration") {
      o.duration_s = std::atof(need(i).c_str());
    } else if (a == "--warmup") {
      o.warmup_s = std::atof(need(i).c_str());
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: webhook_load --port P [--host H] [--path /p] [--body-file F] --rate R\n"
          "       [--connections N] [--duration S] [--warmup S] [--expect TEXT] [--ca-file F]\n");
      std::exit(0);
    } else {
      Die("unknown argument " + std::string(a));
    }
  }
  if (o.port <= 0 || o.port > 65535) Die("--port is required");
  if (o.rate <= 0 || o.connections <= 0 || o.duration_s <= 0 || o.warmup_s < 0) {
    Die("--rate, --connections and --duration must be positive");
  }
  return o;
}

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown TLS error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

// Index of the end of the first complete HTTP answer in `buffer` (0: incomplete), its status
// and its body. Answers must carry Content-Length (both servers measured here do).
struct Answer {
  std::size_t total = 0;
  int status = 0;
  std::string_view body;
  bool malformed = false;
};

Answer ParseAnswer(std::string_view buffer) {
  Answer a;
  std::size_t header_end = buffer.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return a;
  std::string_view head = buffer.substr(0, header_end);
  if (head.size() > 12) std::from_chars(head.data() + 9, head.data() + 12, a.status);
  std::optional<std::size_t> length;
  for (std::size_t pos = head.find("\r\n"); pos != std::string_view::npos;) {
    std::size_t next = head.find("\r\n", pos + 2);
    std::string_view line =
        head.substr(pos + 2, next == std::string_view::npos ? head.npos : next - pos - 2);
    constexpr std::string_view kName = "content-length:";
    if (line.size() > kName.size() &&
        std::equal(kName.begin(), kName.end(), line.begin(), [](char x, char y) {
          return x == std::tolower(static_cast<unsigned char>(y));
        })) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      std::size_t n = 0;
      std::from_chars(value.data(), value.data() + value.size(), n);
      length = n;
    }
    pos = next;
  }
  if (!length) {
    a.malformed = true;
    a.total = header_end + 4;
    return a;
  }
  if (buffer.size() < header_end + 4 + *length) return a;
  a.total = header_end + 4 + *length;
  a.body = buffer.substr(header_end + 4, *length);
  return a;
}

// One keep-alive TLS connection: connected and handshaken blocking, then non-blocking.
struct Connection {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string in;
  std::size_t out_offset = 0;  // bytes of the request already written (partial writes)
  bool busy = false;
  bool want_write = false;
  Clock::time_point scheduled;

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { Reset(); }

  void Reset() {
    if (ssl != nullptr) SSL_free(ssl);
    ssl = nullptr;
    if (fd >= 0) ::close(fd);
    fd = -1;
    in.clear();
    busy = false;
    want_write = false;
    out_offset = 0;
  }

  // Returns an empty string on success, else why not.
  std::string Connect(const Options& o, SSL_CTX* ctx) {
    Reset();
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return std::string("socket: ") + std::strerror(errno);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
    if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) return "bad IPv4 --host";
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      return std::string("connect: ") + std::strerror(errno);
    }
    ssl = SSL_new(ctx);
    if (ssl == nullptr) return OpenSslError();
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) return "handshake: " + OpenSslError();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return {};
  }
};

class LoadLoop {
 public:
  LoadLoop(const Options& o, SSL_CTX* ctx) : o_(o), ctx_(ctx) {
    request_ =
        "POST " + o.path + " HTTP/1.1\r\nHost: localhost\r\n" +
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(o.body.size()) +
        "\r\n\r\n" + o.body;
    latencies_ns_.reserve(static_cast<std::size_t>(o.rate * o.duration_s * 1.1) + 16);
  }

  // Connects every connection; an empty string on success.
  std::string Connect() {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) return std::string("epoll_create1: ") + std::strerror(errno);
    for (int i = 0; i < o_.connections; ++i) {
      conns_.push_back(std::make_unique<Connection>());
      std::string why = Attach(conns_.size() - 1);
      if (!why.empty()) return "connection " + std::to_string(i) + ": " + why;
    }
    return {};
  }

  void Run() {
    const double cpu_start = CpuSeconds();
    const Clock::time_point wall_start = Clock::now();
    t0_ = Clock::now() + std::chrono::milliseconds(20);
    measure_from_ = t0_ + Nanos(static_cast<std::int64_t>(o_.warmup_s * 1e9));
    end_ = measure_from_ + Nanos(static_cast<std::int64_t>(o_.duration_s * 1e9));
    // After the schedule ends, give queued and in-flight requests this long to finish.
    const auto drain_until = end_ + std::chrono::seconds(5);
    std::vector<epoll_event> events(conns_.size());
    std::int64_t next = 0;
    for (;;) {
      Clock::time_point now = Clock::now();
      Clock::time_point due = Scheduled(next);
      while (due <= now && due < end_) {
        queue_.push_back(due);
        due = Scheduled(++next);
      }
      Dispatch();
      bool schedule_done = due >= end_;
      if (schedule_done && queue_.empty() && InFlight() == 0) break;
      if (now >= drain_until) break;
      Clock::time_point wake = schedule_done ? drain_until : due;
      auto wait_ns = std::chrono::duration_cast<Nanos>(wake - now).count();
      if (wait_ns < 0) wait_ns = 0;
      timespec timeout{static_cast<time_t>(wait_ns / 1000000000),
                       static_cast<long>(wait_ns % 1000000000)};
      int n =
          ::epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
      if (n < 0 && errno != EINTR) {
        RecordError(std::string("epoll_pwait2: ") + std::strerror(errno));
        break;
      }
      for (int i = 0; i < n; ++i) {
        OnReady(events[static_cast<std::size_t>(i)].data.u64);
      }
    }
    unfinished_ = queue_.size() + InFlight();
    // Near a whole CPU, the client's own delays start to show up as latency.
    const double wall = std::chrono::duration<double>(Clock::now() - wall_start).count();
    client_cpu_ = wall > 0 ? (CpuSeconds() - cpu_start) / wall : 0;
  }

  void Report() {
    std::sort(latencies_ns_.begin(), latencies_ns_.end());
    double achieved = static_cast<double>(latencies_ns_.size()) / o_.duration_s;
    double p50 = Percentile(50), p90 = Percentile(90), p99 = Percentile(99),
           p999 = Percentile(99.9), max = Percentile(100);
    auto ull = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
    std::printf(
        "POST %s: target %.0f req/s over %d connections for %.1f s (after %.1f s warm-up)\n",
        o_.path.c_str(), o_.rate, o_.connections, o_.duration_s, o_.warmup_s);
    std::printf(
        "  requests %zu, achieved %.0f req/s, errors %llu, reconnects %llu, "
        "unfinished %llu, client CPU %.0f%%\n",
        latencies_ns_.size(), achieved, ull(errors_), ull(reconnects_), ull(unfinished_),
        client_cpu_ * 100);
    std::printf(
        "  latency from scheduled send (us): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  "
        "max %.0f\n",
        p50, p90, p99, p999, max);
    if (!first_error_.empty()) std::printf("  first error: %s\n", first_error_.c_str());
    std::printf(
        "RESULT count=%zu rate=%.1f errors=%llu unfinished=%llu p50_us=%.1f "
        "p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f client_cpu=%.3f\n",
        latencies_ns_.size(), achieved, ull(errors_), ull(unfinished_), p50, p90, p99, p999, max,
        client_cpu_);
  }

 private:
  static double CpuSeconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& tv) {
      return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
  }

  Clock::time_point Scheduled(std::int64_t i) const {
    return t0_ + Nanos(static_cast<std::int64_t>(static_cast<double>(i) * 1e9 / o_.rate));
  }

  std::size_t InFlight() const {
    std::size_t n = 0;
    for (const auto& c : conns_) n += c->busy ? 1 : 0;
    return n;
  }

  std::string Attach(std::size_t index) {
    Connection& c = *conns_[index];
    std::string why = c.Connect(o_, ctx_);
    if (!why.empty()) return why;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = index;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
      return std::string("epoll_ctl: ") + std::strerror(errno);
    }
    idle_.push_back(index);
    return {};
  }

  void RecordError(const std::string& what) {
    if (errors_++ == 0) first_error_ = what;
  }

  void Dispatch() {
    while (!queue_.empty() && !idle_.empty()) {
      std::size_t index = idle_.back();
      idle_.pop_back();
      Connection& c = *conns_[index];
      c.busy = true;
      c.scheduled = queue_.front();
      queue_.pop_front();
      c.out_offset = 0;
      Write(index);
    }
  }

  void SetWantWrite(std::size_t index, bool on) {
    Connection& c = *conns_[index];
    if (c.want_write == on) return;
    c.want_write = on;
    epoll_event ev{};
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
    ev.data.u64 = index;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Write(std::size_t index) {
    Connection& c = *conns_[index];
    while (c.out_offset < request_.size()) {
      int n = SSL_write(c.ssl, request_.data() + c.out_offset,
                        static_cast<int>(request_.size() - c.out_offset));
      if (n > 0) {
        c.out_offset += static_cast<std::size_t>(n);
        continue;
      }
      int err = SSL_get_error(c.ssl, n);
      if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
        SetWantWrite(index, true);
        return;
      }
      Fail(index, "write failed");
      return;
    }
    SetWantWrite(index, false);
  }

  void OnReady(std::size_t index) {
    Connection& c = *conns_[index];
    if (c.busy && c.out_offset < request_.size()) Write(index);
    char chunk[16384];
    for (;;) {
      int n = SSL_read(c.ssl, chunk, sizeof(chunk));
      if (n > 0) {
        c.in.append(chunk, static_cast<std::size_t>(n));
        // One answer per request: once it is whole, a further read would only return
        // EAGAIN, a syscall that costs the client CPU it needs at high rates.
        if (c.busy && ParseAnswer(c.in).total != 0) break;
        continue;
      }
      int err = SSL_get_error(c.ssl, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
      Fail(index, c.busy ? "connection closed before the answer" : "connection closed");
      return;
    }
    Answer a = ParseAnswer(c.in);
    if (a.total == 0) return;
    if (!c.busy) {
      Fail(index, "answer without a request");
      return;
    }
    Clock::time_point done = Clock::now();
    if (c.scheduled >= measure_from_) {
      latencies_ns_.push_back(std::chrono::duration_cast<Nanos>(done - c.scheduled).count());
      if (a.malformed) {
        RecordError("answer without Content-Length");
      } else if (a.status != 200) {
        RecordError("HTTP status " + std::to_string(a.status));
      } else if (!o_.expect.empty() && a.body.find(o_.expect) == std::string_view::npos) {
        RecordError("answer lacks the expected text");
      }
    }
    if (a.malformed) {
      Fail(index, "");
      return;
    }
    c.in.erase(0, a.total);
    c.busy = false;
    idle_.push_back(index);
    Dispatch();
  }

  // The connection broke: its request (if any) is an error; reconnect and go on.
  void Fail(std::size_t index, const std::string& why) {
    Connection& c = *conns_[index];
    if (c.busy && !why.empty() && c.scheduled >= measure_from_) RecordError(why);
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    idle_.erase(std::remove(idle_.begin(), idle_.end(), index), idle_.end());
    ++reconnects_;
    std::string again = Attach(index);
    if (!again.empty()) {
      RecordError("reconnect: " + again);
      c.Reset();  // stays out of the idle list: the loop goes on with fewer connections
    }
  }

  double Percentile(double p) const {
    if (latencies_ns_.empty()) return 0;
    auto rank =
        static_cast<std::size_t>(p / 100.0 * static_cast<double>(latencies_ns_.size() - 1) + 0.5);
    return static_cast<double>(latencies_ns_[std::min(rank, latencies_ns_.size() - 1)]) / 1000.0;
  }

  const Options& o_;
  SSL_CTX* ctx_;
  std::string request_;
  int epoll_ = -1;
  std::vector<std::unique_ptr<Connection>> conns_;
  std::vector<std::size_t> idle_;
  std::deque<Clock::time_point> queue_;  // due, not yet sent
  Clock::time_point t0_, measure_from_, end_;
  std::vector<std::int64_t> latencies_ns_;  // measured requests only (after warm-up)
  std::uint64_t errors_ = 0;
  std::uint64_t reconnects_ = 0;
  std::uint64_t unfinished_ = 0;
  double client_cpu_ = 0;  // CPU seconds per wall second during Run()
  std::string first_error_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        &SSL_CTX_free);
  if (!ctx) Die(OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // Read whole TLS records with one recv() instead of header and body separately.
  SSL_CTX_set_read_ahead(ctx.get(), 1);
  if (!o.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), o.ca_file.c_str(), nullptr) != 1) {
      Die("cannot load " + o.ca_file + ": " + OpenSslError());
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  }

  LoadLoop loop(o, ctx.get());
  std::string why = loop.Connect();
  if (!why.empty()) Die(why);
  loop.Run();
  loop.Report();
  return 0;
}
