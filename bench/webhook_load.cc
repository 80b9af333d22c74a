// webhook_load: an open-loop HTTPS load client for latency at a fixed request rate.
//
// wrk sends the next request as soon as the previous answer arrives (closed loop), so a slow
// answer delays the requests that would have been sent meanwhile and their latency is never
// measured ("coordinated omission"). This client instead fixes a schedule: connection c of N
// sends its k-th request at t0 + (k * N + c) / rate. Latency runs from that scheduled time
// (not from the actual send) to the end of the answer, so a stall shows up in the latency of
// every request that should have been sent during it, as in wrk2.
//
// Each connection is one thread with a blocking TLS socket (OpenSSL, keep-alive, one request
// in flight): simple, and at the rates measured here the threads mostly sleep. A connection
// that falls behind its schedule sends at once and the lag counts as latency.
//
// Usage:
//   webhook_load --port 8443 --path /authorize --body-file sar.json --rate 5000
//                [--host 127.0.0.1] [--connections 8] [--duration 10] [--warmup 2]
//                [--expect '"allowed":true'] [--ca-file ca.crt]
// Prints a human summary and one machine-readable line starting with "RESULT ".
// Exits 1 when the arguments are wrong or no connection can be made; answers that are not
// 200 (or lack --expect) are counted as errors and reported, not fatal.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
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

struct Stats {
  std::vector<std::int64_t> latencies_ns;  // measured requests only (after warm-up)
  std::uint64_t errors = 0;
  std::uint64_t reconnects = 0;
  std::string first_error;
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

// One keep-alive TLS connection with blocking I/O.
class TlsConnection {
 public:
  explicit TlsConnection(SSL_CTX* ctx) : ctx_(ctx) {}
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;
  ~TlsConnection() { Reset(); }

  // Returns an empty string on success, else why not.
  std::string Connect(const Options& o) {
    Reset();
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return std::string("socket: ") + std::strerror(errno);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
    if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) return "bad IPv4 --host";
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      return std::string("connect: ") + std::strerror(errno);
    }
    ssl_ = SSL_new(ctx_);
    if (ssl_ == nullptr) return OpenSslError();
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    if (SSL_connect(ssl_) != 1) return "handshake: " + OpenSslError();
    buffer_.clear();
    return {};
  }

  // Sends `request` and reads one answer. Returns an empty string when it was a 200 whose
  // body contains `expect`, else what was wrong; `broken` tells whether to reconnect.
  std::string Exchange(const std::string& request, const std::string& expect, bool& broken) {
    broken = true;
    if (ssl_ == nullptr) return "not connected";
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0) {
      return "write failed";
    }
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadSome()) return "connection closed before the answer";
    }
    std::string_view head(buffer_.data(), header_end);
    int status = 0;
    if (head.size() > 12) {
      std::from_chars(head.data() + 9, head.data() + 12, status);
    }
    std::size_t length = 0;
    bool have_length = false;
    for (std::size_t pos = head.find("\r\n"); pos != std::string_view::npos;) {
      std::size_t next = head.find("\r\n", pos + 2);
      std::string_view line =
          head.substr(pos + 2, next == std::string_view::npos ? head.npos : next - pos - 2);
      constexpr std::string_view kName = "content-length:";
      if (line.size() > kName.size() &&
          std::equal(kName.begin(), kName.end(), line.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
          })) {
        std::string_view value = line.substr(kName.size());
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        std::from_chars(value.data(), value.data() + value.size(), length);
        have_length = true;
      }
      pos = next;
    }
    if (!have_length) return "answer without Content-Length";
    std::size_t total = header_end + 4 + length;
    while (buffer_.size() < total) {
      if (!ReadSome()) return "connection closed inside the body";
    }
    std::string error;
    if (status != 200) {
      error = "HTTP status " + std::to_string(status);
    } else if (!expect.empty() &&
               std::string_view(buffer_).substr(header_end + 4, length).find(expect) ==
                   std::string_view::npos) {
      error = "answer lacks the expected text";
    }
    buffer_.erase(0, total);
    broken = false;
    return error;
  }

 private:
  bool ReadSome() {
    char chunk[16384];
    int n = SSL_read(ssl_, chunk, sizeof(chunk));
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  void Reset() {
    if (ssl_ != nullptr) {
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  SSL_CTX* ctx_;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string buffer_;
};

void SleepUntil(Clock::time_point when) {
  // steady_clock is CLOCK_MONOTONIC on Linux; an absolute sleep does not drift.
  auto ns = std::chrono::duration_cast<Nanos>(when.time_since_epoch()).count();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1000000000);
  ts.tv_nsec = static_cast<long>(ns % 1000000000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

void RunConnection(const Options& o, TlsConnection& conn, int index, Clock::time_point t0,
                   const std::string& request, Stats& stats) {
  // The default 50 us timer slack would add to every measured latency.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  const double interval_ns = 1e9 * o.connections / o.rate;
  const auto offset = Nanos(static_cast<std::int64_t>(1e9 * index / o.rate));
  const auto measure_from = t0 + Nanos(static_cast<std::int64_t>(o.warmup_s * 1e9));
  const auto end = measure_from + Nanos(static_cast<std::int64_t>(o.duration_s * 1e9));
  for (std::int64_t k = 0;; ++k) {
    Clock::time_point scheduled =
        t0 + offset + Nanos(static_cast<std::int64_t>(static_cast<double>(k) * interval_ns));
    if (scheduled >= end) break;
    if (Clock::now() < scheduled) SleepUntil(scheduled);
    bool broken = false;
    std::string error = conn.Exchange(request, o.expect, broken);
    Clock::time_point done = Clock::now();
    bool measured = scheduled >= measure_from;
    if (measured) {
      stats.latencies_ns.push_back(std::chrono::duration_cast<Nanos>(done - scheduled).count());
      if (!error.empty()) {
        if (stats.errors++ == 0) stats.first_error = error;
      }
    }
    if (broken) {
      ++stats.reconnects;
      std::string why = conn.Connect(o);
      if (!why.empty()) {
        if (stats.first_error.empty()) stats.first_error = "reconnect: " + why;
        ++stats.errors;
        return;
      }
    }
  }
}

double Percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(rank, sorted.size() - 1)]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);

  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        &SSL_CTX_free);
  if (!ctx) Die(OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (!o.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), o.ca_file.c_str(), nullptr) != 1) {
      Die("cannot load " + o.ca_file + ": " + OpenSslError());
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  }

  std::string request =
      "POST " + o.path + " HTTP/1.1\r\nHost: localhost\r\n" +
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(o.body.size()) +
      "\r\n\r\n" + o.body;

  std::vector<std::unique_ptr<TlsConnection>> conns;
  for (int i = 0; i < o.connections; ++i) {
    conns.push_back(std::make_unique<TlsConnection>(ctx.get()));
    std::string why = conns.back()->Connect(o);
    if (!why.empty()) Die("connection " + std::to_string(i) + ": " + why);
  }

  std::vector<Stats> stats(static_cast<std::size_t>(o.connections));
  auto expected = static_cast<std::size_t>(o.rate * o.duration_s / o.connections * 1.1 + 16);
  for (Stats& s : stats) s.latencies_ns.reserve(expected);
  // Start a little later so that every thread is waiting when the schedule begins.
  Clock::time_point t0 = Clock::now() + std::chrono::milliseconds(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i) {
    auto ui = static_cast<std::size_t>(i);
    threads.emplace_back([&, i, ui] { RunConnection(o, *conns[ui], i, t0, request, stats[ui]); });
  }
  for (std::thread& t : threads) t.join();

  std::vector<std::int64_t> all;
  std::uint64_t errors = 0;
  std::uint64_t reconnects = 0;
  std::string first_error;
  for (Stats& s : stats) {
    all.insert(all.end(), s.latencies_ns.begin(), s.latencies_ns.end());
    errors += s.errors;
    reconnects += s.reconnects;
    if (first_error.empty()) first_error = s.first_error;
  }
  std::sort(all.begin(), all.end());
  double achieved = static_cast<double>(all.size()) / o.duration_s;
  double p50 = Percentile(all, 50), p90 = Percentile(all, 90), p99 = Percentile(all, 99),
         p999 = Percentile(all, 99.9), max = Percentile(all, 100);
  std::printf("%s %s: target %.0f req/s over %d connections for %.1f s (after %.1f s warm-up)\n",
              "POST", o.path.c_str(), o.rate, o.connections, o.duration_s, o.warmup_s);
  std::printf("  requests %zu, achieved %.0f req/s, errors %llu, reconnects %llu\n", all.size(),
              achieved, static_cast<unsigned long long>(errors),
              static_cast<unsigned long long>(reconnects));
  std::printf(
      "  latency from scheduled send (us): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  "
      "max %.0f\n",
      p50, p90, p99, p999, max);
  if (!first_error.empty()) std::printf("  first error: %s\n", first_error.c_str());
  std::printf(
      "RESULT count=%zu rate=%.1f errors=%llu p50_us=%.1f p90_us=%.1f p99_us=%.1f "
      "p999_us=%.1f max_us=%.1f\n",
      all.size(), achieved, static_cast<unsigned long long>(errors), p50, p90, p99, p999, max);
  return 0;
}
