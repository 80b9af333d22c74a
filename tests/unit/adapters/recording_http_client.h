// RecordingHttpClient: an adapters::HttpClient for unit tests. Each Send() is recorded and then
// answered by a handler the test supplies (Keystone, the Kubernetes API, ...), so adapters are
// tested without sockets. The handler runs outside the lock, so it may block (single-flight
// tests); Send(), requests() and set_handler() are thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/http_client.h"

namespace gatehouse::adapters::testing {

inline HttpResponse Respond(int status, std::string body, HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

class RecordingHttpClient final : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  explicit RecordingHttpClient(Handler handler) : handler_(std::move(handler)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    Handler handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      handler = handler_;
    }
    return handler(request);
  }
  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  void set_handler(Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(handler);
  }

 private:
  mutable std::mutex mu_;
  Handler handler_;
  std::vector<HttpRequest> requests_;
};

}  // namespace gatehouse::adapters::testing
