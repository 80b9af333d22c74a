// SubjectAccessReview latency while the registry's token endpoint is flooded with wrong
// passwords (issue 10: "the p99 under flood stays within 2x the p99 without it").
//
// One in-process `gatehouse serve` stack on 127.0.0.1 (HttpServer with the serve route classes,
// WebhookService with a keystone-auth policy, RegistryService on SQLite with the default PBKDF2
// iterations), plain HTTP with keep-alive connections. A reviewer sends SubjectAccessReviews one
// after another and records each latency; meanwhile `--flooders` connections send token requests
// with wrong Basic passwords for unknown robots as fast as they are answered (each one costs a
// PBKDF2 check against the dummy hash unless throttled). Scenarios, in one run:
//
//   baseline          no flood
//   flood, isolated   the shipped wiring, login throttle off: every flood request costs a check
//   flood, throttled  the shipped wiring with the default login throttle
//   reference         the wiring before issue 10: registry requests on the I/O threads
//
// Prints p50/p99/max per scenario, the token answers by status, and the p99 ratios against the
// baseline. Every scenario is bounded in requests and seconds; only 127.0.0.1 is contacted.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_server.h"
#include "adapters/registry/registry_service.h"
#include "adapters/webhook/route_classes.h"
#include "adapters/webhook/webhook_service.h"
#include "authz/keystone/policy.h"
#include "common/codec/base64.h"

namespace {

using namespace gatehouse;  // NOLINT: a benchmark program
using Clock = std::chrono::steady_clock;

constexpr char kPolicy[] = R"([{"users": {"roles": ["member"], "projects": ["demo"]},
  "resource_permissions": {"demo/pods": ["get", "list", "watch"]}}])";

constexpr char kReview[] = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
  "spec":{"user":"demo","groups":["g"],"extra":{"alpha.kubernetes.io/identity/project/name":["demo"],
  "alpha.kubernetes.io/identity/roles":["member"]},
  "resourceAttributes":{"namespace":"demo","verb":"list","resource":"pods"}}})";

// A blocking keep-alive HTTP/1.1 client for one connection to 127.0.0.1.
class Connection {
 public:
  explicit Connection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Close();
  }
  ~Connection() { Close(); }

  // The response status, or 0 when the connection failed (it is then closed).
  int RoundTrip(const std::string& request) {
    if (fd_ < 0) return 0;
    std::size_t sent = 0;
    while (sent < request.size()) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return Fail();
      sent += static_cast<std::size_t>(n);
    }
    for (;;) {
      const std::size_t end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        const std::size_t cl = buffer_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) {
          length = std::strtoul(buffer_.c_str() + cl + 16, nullptr, 10);
        }
        if (buffer_.size() >= end + 4 + length) {
          const int status = std::atoi(buffer_.c_str() + 9);
          const bool close = buffer_.substr(0, end).find("Connection: close") != std::string::npos;
          buffer_.erase(0, end + 4 + length);
          if (close) Close();
          return status;
        }
      }
      char chunk[16384];
      const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return Fail();
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int Fail() {
    Close();
    return 0;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
  std::string buffer_;
};

std::string Post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string WrongPasswordRequest(int flooder, long attempt) {
  const std::string credentials = "robot+team-" + std::to_string(flooder) + "+ghost" +
                                  std::to_string(attempt) + ":Wrong-" + std::to_string(attempt);
  return "GET /service/token?service=registry&scope=repository:team-a/app:pull HTTP/1.1\r\n"
         "Host: 127.0.0.1\r\nAuthorization: Basic " +
         codec::EncodeBase64(credentials) + "\r\n\r\n";
}

struct Scenario {
  const char* name;
  bool flood;
  bool isolated;  // the shipped route classes
  bool throttle;
};

struct Outcome {
  std::vector<double> latencies_ms;
  int review_failures = 0;
  std::map<int, long> token_statuses;
  double seconds = 0;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t index =
      std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())));
  return values[index];
}

Outcome Run(const Scenario& scenario, const std::string& data_dir, int reviews, int flooders,
            std::chrono::seconds max_time) {
  Outcome outcome;
  auto metrics = std::make_shared<MetricsRegistry>();
  auto policy = std::make_shared<Snapshot<authz::keystone::Policy>>();
  policy->Publish(std::make_shared<const authz::keystone::Policy>(
      authz::keystone::ParseKeystonePolicy(kPolicy).value()));
  auto service = std::make_shared<adapters::WebhookService>(adapters::WebhookOptions{}, nullptr,
                                                            policy, metrics);
  adapters::registry_service::RegistryServiceOptions registry_options;
  registry_options.data_dir = data_dir;
  if (!scenario.throttle) {
    registry_options.throttle.source_burst = 0;
    registry_options.throttle.account_burst = 0;
  }
  auto opened =
      adapters::registry_service::RegistryService::Open(registry_options, nullptr, metrics);
  if (!opened) {
    std::fprintf(stderr, "registry: %s\n", opened.error().ToString().c_str());
    std::exit(1);
  }
  std::shared_ptr<adapters::registry_service::RegistryService> registry = std::move(*opened);
  service->AddExtraRoutes(
      &adapters::registry_service::RegistryService::Handles,
      [registry](const adapters::ServerRequest& r) { return registry->Handle(r); });
  adapters::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls = false;
  options.threads = static_cast<int>(std::max(4u, 2 * std::thread::hardware_concurrency()));
  if (scenario.isolated) adapters::ConfigureRouteClasses({}, true, options);
  auto server = adapters::HttpServer::Start(
      options, [service](const adapters::ServerRequest& r) { return service->Handle(r); });
  if (!server) {
    std::fprintf(stderr, "server: %s\n", server.error().ToString().c_str());
    std::exit(1);
  }
  const std::uint16_t port = (*server)->port();

  std::atomic<bool> stop{false};
  std::mutex statuses_mutex;
  std::vector<std::thread> flood;
  if (scenario.flood) {
    for (int f = 0; f < flooders; ++f) {
      flood.emplace_back([&, f] {
        std::map<int, long> seen;
        auto connection = std::make_unique<Connection>(port);
        for (long attempt = 0; !stop.load(); ++attempt) {
          if (!connection->ok()) connection = std::make_unique<Connection>(port);
          ++seen[connection->RoundTrip(WrongPasswordRequest(f, attempt))];
        }
        std::lock_guard<std::mutex> lock(statuses_mutex);
        for (const auto& [status, count] : seen) outcome.token_statuses[status] += count;
      });
    }
    // Let the flood fill the queue before measuring.
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  Connection reviewer(port);
  const std::string request = Post("/webhook", kReview);
  const auto started = Clock::now();
  for (int i = 0; i < reviews && Clock::now() - started < max_time; ++i) {
    const auto sent = Clock::now();
    const int status = reviewer.RoundTrip(request);
    outcome.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
    if (status != 200) ++outcome.review_failures;
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  stop = true;
  (*server)->Stop();  // unblocks the flooders: their connections close
  for (std::thread& thread : flood) thread.join();
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  int reviews = 30000;
  int flooders = 50;
  int max_seconds = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--reviews") reviews = std::atoi(argv[i + 1]);
    if (flag == "--flooders") flooders = std::atoi(argv[i + 1]);
    if (flag == "--max-seconds") max_seconds = std::atoi(argv[i + 1]);
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("gatehouse-flood-" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  const Scenario scenarios[] = {
      {"baseline (no flood)", false, true, false},
      {"flood, isolated, no throttle", true, true, false},
      {"flood, isolated, default throttle", true, true, true},
      {"reference: flood, registry on I/O threads", true, false, false},
  };
  std::printf(
      "SubjectAccessReview latency, %d reviews at most per scenario (%d s bound), %d "
      "flooding connections, %u cores\n",
      reviews, max_seconds, flooders, std::thread::hardware_concurrency());
  std::printf("%-44s %8s %8s %8s %8s %7s  %s\n", "scenario", "reviews", "p50 ms", "p99 ms",
              "max ms", "failed", "token answers (status: count)");
  double baseline_p99 = 0;
  std::vector<std::pair<std::string, double>> p99s;
  for (const Scenario& scenario : scenarios) {
    Outcome outcome = Run(scenario, dir, reviews, flooders, std::chrono::seconds(max_seconds));
    const double p50 = Percentile(outcome.latencies_ms, 0.50);
    const double p99 = Percentile(outcome.latencies_ms, 0.99);
    const double max = Percentile(outcome.latencies_ms, 1.0);
    std::string statuses;
    for (const auto& [status, count] : outcome.token_statuses) {
      statuses += std::to_string(status) + ": " + std::to_string(count) + "  ";
    }
    std::printf("%-44s %8zu %8.3f %8.3f %8.3f %7d  %s\n", scenario.name,
                outcome.latencies_ms.size(), p50, p99, max, outcome.review_failures,
                statuses.c_str());
    if (!scenario.flood) baseline_p99 = p99;
    p99s.emplace_back(scenario.name, p99);
  }
  for (const auto& [name, p99] : p99s) {
    if (baseline_p99 > 0) {
      std::printf("p99 ratio to baseline, %-44s %8.2f\n", name.c_str(), p99 / baseline_p99);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
