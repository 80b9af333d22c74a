// WebhookService: the HTTP face of the authentication and authorization webhooks.
//
// Routes: /webhook (TokenReview or SubjectAccessReview, by `kind`, as k8s-keystone-auth),
// /authenticate (TokenReview only), /authorize (SubjectAccessReview only), /healthz, /readyz,
// /metrics, plus extra routes claimed through AddExtraRoutes (the registry, admission); anything
// else is 404. A
// review route answers 405 (with `Allow: POST`) to any other method. Bad
// input (invalid JSON, unknown apiVersion or kind, missing spec, wrong field types, too deep) is
// HTTP 400 with a short JSON reason, never a crash; the server enforces the body size (413). A
// failed authentication answers `authenticated:false` with status.error and HTTP 200, or 401 when
// configured as the reference does.
//
// Identity source and policy are read through snapshots on every request, so reloads never
// block requests. Handle() is thread-safe and never throws.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/http_server.h"
#include "adapters/webhook/readiness.h"
#include "authn/token_authenticator.h"
#include "authz/keystone/authorizer.h"
#include "authz/keystone/policy.h"
#include "common/limits.h"
#include "common/metrics.h"
#include "common/snapshot.h"

namespace gatehouse::adapters {

struct WebhookOptions {
  InputLimits limits;
  int authentication_failure_status = 200;
  authz::keystone::KeystoneAuthorizeOptions authorize;
};

class WebhookService {
 public:
  // `authenticator` may be null (no identity source: every token is refused, saying why).
  // `policy` is never null; an empty snapshot means no policy configured (no opinion).
  WebhookService(WebhookOptions options, std::shared_ptr<authn::TokenAuthenticator> authenticator,
                 std::shared_ptr<Snapshot<authz::keystone::Policy>> policy,
                 std::shared_ptr<MetricsRegistry> metrics);

  ServerResponse Handle(const ServerRequest& request);

  // Called at /readyz (`?verbose`: one line per check, see readiness.h); set by whoever wires the
  // service.
  void SetReadinessProbe(std::function<Readiness()> probe) { readiness_ = std::move(probe); }
  // Called before /metrics renders, to refresh gauges that mirror other components' counters.
  void SetMetricsRefresher(std::function<void()> refresher) { refresh_ = std::move(refresher); }
  // Requests whose path `claims` (the registry's /service/token and /api/v2.0/, admission's
  // /v1/admit) go to `handler`; every other route is unchanged. Add before serving.
  void AddExtraRoutes(std::function<bool(std::string_view path)> claims, Handler handler) {
    extra_routes_.emplace_back(std::move(claims), std::move(handler));
  }

 private:
  struct RouteMetrics;
  ServerResponse HandleReview(const ServerRequest& request, RouteMetrics& route, int expected_kind);
  ServerResponse Authenticate(const value::Value& body, RouteMetrics& route,
                              std::chrono::steady_clock::time_point deadline);
  ServerResponse Authorize(const value::Value& body, RouteMetrics& route);

  WebhookOptions options_;
  std::shared_ptr<authn::TokenAuthenticator> authenticator_;
  std::shared_ptr<Snapshot<authz::keystone::Policy>> policy_;
  std::shared_ptr<MetricsRegistry> metrics_;
  std::function<Readiness()> readiness_;
  std::function<void()> refresh_;
  std::vector<std::pair<std::function<bool(std::string_view)>, Handler>> extra_routes_;
  std::unique_ptr<RouteMetrics> webhook_metrics_;
  std::unique_ptr<RouteMetrics> authenticate_metrics_;
  std::unique_ptr<RouteMetrics> authorize_metrics_;
  Counter* not_found_ = nullptr;

 public:
  ~WebhookService();
};

}  // namespace gatehouse::adapters
