// Test-only in-process OIDC provider behind the HttpClient interface: serves a discovery document
// and a JWKS that tests change at will, counts requests, and can be "down". Header-only because
// the unit-test glob only compiles *_test.cc files. Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "adapters/http/http_client.h"
#include "adapters/http/http_errors.h"
#include "value/json.h"

namespace gatehouse::adapters::testing {

class FakeOidcHttp final : public HttpClient {
 public:
  explicit FakeOidcHttp(std::string issuer) : issuer_(std::move(issuer)) {
    SetDiscovery(issuer_, issuer_ + "/keys");
  }

  void SetDiscovery(const std::string& issuer, const std::string& jwks_uri) {
    std::lock_guard<std::mutex> lock(mu_);
    value::Value doc = value::Value::MakeObject();
    doc.Set("issuer", issuer);
    doc.Set("jwks_uri", jwks_uri);
    bodies_[issuer_ + "/.well-known/openid-configuration"] = value::ToJson(doc);
  }
  void SetJwks(const std::string& json) { Set(issuer_ + "/keys", json); }
  void Set(const std::string& url, const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    bodies_[url] = body;
  }
  void SetDown(bool down) {
    std::lock_guard<std::mutex> lock(mu_);
    down_ = down;
  }
  int Requests(const std::string& url) {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[url];
  }
  int TotalRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    int total = 0;
    for (const auto& [url, n] : counts_) total += n;
    return total;
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[request.url];
    if (down_) return MakeError(HttpError::kConnect, "connection refused");
    HttpResponse response;
    auto it = bodies_.find(request.url);
    if (it == bodies_.end()) {
      response.status = 404;
    } else {
      response.status = 200;
      response.body = it->second;
    }
    return response;
  }

 private:
  std::string issuer_;
  std::mutex mu_;
  std::map<std::string, std::string> bodies_;
  std::map<std::string, int> counts_;
  bool down_ = false;
};

}  // namespace gatehouse::adapters::testing
