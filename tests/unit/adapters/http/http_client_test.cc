#include "adapters/http/http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "adapters/http/http_errors.h"
#include "adapters/http/http_server.h"
#include "adapters/tls/tls_errors.h"
#include "socket_test_util.h"

namespace gatehouse::adapters {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::shared_ptr<HttpClient> PlainClient(std::size_t max_response_bytes = 8 << 20) {
  HttpClientOptions options;
  options.max_response_bytes = max_response_bytes;
  Result<std::shared_ptr<HttpClient>> client = MakeHttpClient(options);
  EXPECT_TRUE(client) << client.error().ToString();
  return *client;
}

// Serves exactly one connection with a canned response, on its own thread.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) : response_(std::move(response)) {
    thread_ = std::thread([this] {
      int fd = ::accept(listener_.fd(), nullptr, nullptr);
      if (fd < 0) return;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      request_ = request;
      ::send(fd, response_.data(), response_.size(), MSG_NOSIGNAL);
      ::shutdown(fd, SHUT_WR);
      ::recv(fd, buffer, sizeof(buffer), 0);  // wait for the client to close
      ::close(fd);
    });
  }
  ~OneShotServer() { thread_.join(); }
  std::uint16_t port() const { return listener_.port(); }
  // Valid after the client got its response.
  const std::string& request() const { return request_; }

 private:
  testing::SilentListener listener_;
  std::string response_;
  std::string request_;
  std::thread thread_;
};

TEST(HttpClientTest, ChunkedResponseIsAssembled) {
  OneShotServer server(
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-Token: abc\r\n\r\n"
      "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
  HttpRequest request;
  request.method = "PUT";
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/put?x=1";
  request.body = "data";
  Result<HttpResponse> response = PlainClient()->Send(request);
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "hello, world");
  ASSERT_NE(response->FindHeader("x-TOKEN"), nullptr);
  EXPECT_EQ(*response->FindHeader("x-TOKEN"), "abc");
  EXPECT_TRUE(server.request().starts_with("PUT /put?x=1 HTTP/1.1\r\n")) << server.request();
  EXPECT_NE(server.request().find("Content-Length: 4\r\n"), std::string::npos);
  EXPECT_NE(server.request().find("User-Agent: gatehouse\r\n"), std::string::npos);
  EXPECT_NE(server.request().find("Host: 127.0.0.1:"), std::string::npos);
}

TEST(HttpClientTest, ErrorStatusIsAResponseNotAnError) {
  OneShotServer server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown");
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  Result<HttpResponse> response = PlainClient()->Send(request);
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "down");
}

TEST(HttpClientTest, ResponseOverLimitIsTooLarge) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n" + std::string(2048, 'z'));
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  Result<HttpResponse> response = PlainClient(1024)->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, HttpError::kTooLarge);
}

TEST(HttpClientTest, GarbageResponseIsProtocolError) {
  OneShotServer server("SSH-2.0-OpenSSH\r\n\r\n");
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  Result<HttpResponse> response = PlainClient()->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, HttpError::kProtocol);
}

TEST(HttpClientTest, SilentServerTimesOutWithinDeadline) {
  testing::SilentListener silent;
  for (const char* scheme : {"http", "https"}) {
    HttpRequest request;
    request.url = std::string(scheme) + "://127.0.0.1:" + std::to_string(silent.port()) + "/";
    request.timeout = milliseconds(200);
    auto start = Clock::now();
    Result<HttpResponse> response = PlainClient()->Send(request);
    auto elapsed = Clock::now() - start;
    ASSERT_FALSE(response) << scheme;
    EXPECT_EQ(response.error().code, HttpError::kTimeout) << scheme;
    EXPECT_GE(elapsed, milliseconds(190)) << scheme;
    EXPECT_LT(elapsed, milliseconds(1500)) << scheme;
  }
}

TEST(HttpClientTest, ConnectionRefusedIsConnectError) {
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(testing::ClosedPort()) + "/";
  Result<HttpResponse> response = PlainClient()->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, HttpError::kConnect);
}

TEST(HttpClientTest, UnresolvableHostIsConnectError) {
  HttpRequest request;
  request.url = "http://no-such-host.invalid/";
  Result<HttpResponse> response = PlainClient()->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, HttpError::kConnect);
}

TEST(HttpClientTest, InvalidUrlAndHeaders) {
  HttpRequest request;
  request.url = "ftp://example.com/";
  Result<HttpResponse> response = PlainClient()->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, HttpError::kInvalidUrl);

  request.url = "http://127.0.0.1:1/";
  request.headers = {{"X-Evil", "a\r\nInjected: 1"}};
  Result<HttpResponse> injected = PlainClient()->Send(request);
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().code, HttpError::kProtocol);
}

TEST(HttpClientTest, ConstructionErrors) {
  HttpClientOptions missing_ca;
  missing_ca.ca_file = "/nonexistent/ca.crt";
  Result<std::shared_ptr<HttpClient>> a = MakeHttpClient(missing_ca);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, TlsError::kConfig);

  HttpClientOptions half_pair;
  half_pair.client_cert_file = "/nonexistent/tls.crt";
  Result<std::shared_ptr<HttpClient>> b = MakeHttpClient(half_pair);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, TlsError::kConfig);
}

TEST(HttpClientTest, ConcurrentSendsAgainstOneServer) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls = false;
  options.threads = 2;
  auto server = HttpServer::Start(options, [](const ServerRequest& request) {
    return ServerResponse{200, "text/plain", request.path, {}};
  });
  ASSERT_TRUE(server);
  auto client = PlainClient();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        HttpRequest request;
        std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        request.url = "http://127.0.0.1:" + std::to_string((*server)->port()) + path;
        Result<HttpResponse> response = client->Send(request);
        if (response && response->body == path) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 100);
}

}  // namespace
}  // namespace gatehouse::adapters
