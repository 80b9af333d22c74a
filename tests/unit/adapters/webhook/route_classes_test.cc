// The route classes `gatehouse serve` uses: a registry request blocked in a password check
// (here: a handler that waits) never holds up a review, even with a single I/O thread.
#include "adapters/webhook/route_classes.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "../http/socket_test_util.h"

namespace gatehouse::adapters {
namespace {

using testing::RawSocket;

ServerRequest RequestFor(const std::string& path) {
  ServerRequest request;
  request.path = path;
  return request;
}

TEST(RouteClassesTest, ClassifiesReviewsRegistryAndTheRest) {
  ServerOptions options;
  RouteLimits limits;
  limits.review_max_in_flight = 7;
  limits.registry_workers = 3;
  limits.registry_max_in_flight = 9;
  ConfigureRouteClasses(limits, true, options);
  ASSERT_EQ(options.route_classes.size(), 2u);
  EXPECT_EQ(options.route_classes[0].name, "reviews");
  EXPECT_EQ(options.route_classes[0].max_in_flight, 7u);
  EXPECT_EQ(options.route_classes[0].worker_threads, 0);
  EXPECT_EQ(options.route_classes[1].name, "registry");
  EXPECT_EQ(options.route_classes[1].worker_threads, 3);
  EXPECT_EQ(options.route_classes[1].max_in_flight, 9u);
  EXPECT_GT(options.route_classes[1].worker_nice, 0);
  EXPECT_EQ(options.route_classes[1].overloaded.status, 429);
  EXPECT_NE(options.route_classes[1].overloaded.body.find("TOOMANYREQUESTS"), std::string::npos);
  for (const char* path : {"/webhook", "/authenticate", "/authorize"}) {
    EXPECT_EQ(options.classify(RequestFor(path)), 0u) << path;
  }
  for (const char* path : {"/service/token", "/api/v2.0", "/api/v2.0/projects"}) {
    EXPECT_EQ(options.classify(RequestFor(path)), 1u) << path;
  }
  for (const char* path : {"/healthz", "/metrics", "/api/v2.00", "/nothing"}) {
    EXPECT_GE(options.classify(RequestFor(path)), options.route_classes.size()) << path;
  }
  ServerOptions without;
  ConfigureRouteClasses(limits, false, without);
  ASSERT_EQ(without.route_classes.size(), 1u);
  EXPECT_GE(without.classify(RequestFor("/service/token")), 1u);
}

TEST(RouteClassesTest, ReviewIsAnsweredWhileEveryRegistryWorkerIsBusy) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls = false;
  options.threads = 1;
  RouteLimits limits;
  limits.registry_workers = 1;
  limits.registry_max_in_flight = 2;
  ConfigureRouteClasses(limits, true, options);
  std::mutex mutex;
  std::condition_variable changed;
  int busy = 0;
  bool release = false;
  auto server = HttpServer::Start(options, [&](const ServerRequest& request) {
    ServerResponse response;
    response.body = request.path;
    if (request.path == "/service/token") {  // a slow password check
      std::unique_lock<std::mutex> lock(mutex);
      ++busy;
      changed.notify_all();
      changed.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
    }
    return response;
  });
  ASSERT_TRUE(server) << server.error().ToString();
  const std::uint16_t port = (*server)->port();
  const std::string token = "GET /service/token HTTP/1.1\r\nHost: x\r\n\r\n";
  RawSocket checking(port), queued(port), refused(port);
  ASSERT_TRUE(checking.Send(token));
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return busy == 1; }));
  }
  ASSERT_TRUE(queued.Send(token));
  // The review goes through on the only I/O thread.
  RawSocket review(port);
  ASSERT_TRUE(review.Send("POST /authorize HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));
  std::string answered = review.ReadResponse();
  EXPECT_TRUE(answered.starts_with("HTTP/1.1 200 ")) << answered;
  EXPECT_TRUE(answered.ends_with("/authorize"));
  // A third registry request finds the class full: 429 at once, in the registry's format.
  ASSERT_TRUE(refused.Send(token));
  std::string busy_answer = refused.ReadResponse();
  EXPECT_TRUE(busy_answer.starts_with("HTTP/1.1 429 ")) << busy_answer;
  EXPECT_NE(busy_answer.find("Retry-After: 1\r\n"), std::string::npos);
  EXPECT_NE(busy_answer.find("\"code\":\"TOOMANYREQUESTS\""), std::string::npos) << busy_answer;
  {
    std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  changed.notify_all();
  EXPECT_TRUE(checking.ReadResponse().starts_with("HTTP/1.1 200 "));
  EXPECT_TRUE(queued.ReadResponse().starts_with("HTTP/1.1 200 "));
}

}  // namespace
}  // namespace gatehouse::adapters
