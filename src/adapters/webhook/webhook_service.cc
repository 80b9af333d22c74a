#include "adapters/webhook/webhook_service.h"

#include <chrono>
#include <map>

#include "adapters/http/json_response.h"
#include "adapters/identity/identity_errors.h"
#include "adapters/webhook/webhook_errors.h"
#include "k8s/review.h"
#include "k8s/subject_access_review.h"
#include "k8s/token_review.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

constexpr int kAnyReview = -1;

ServerResponse Text(int status, std::string text, std::string content_type = "text/plain") {
  ServerResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(text);
  return response;
}

}  // namespace

// Per-route counters, registered once so the request path only touches atomics.
struct WebhookService::RouteMetrics {
  Counter* bad_request;
  Counter* authenticated;
  Counter* unauthenticated;
  Counter* allowed;
  Counter* denied;
  Counter* no_opinion;
  Histogram* latency;
  std::map<std::string, Counter*, std::less<>> authn_errors;
  MetricsRegistry* registry;
  std::string route;

  RouteMetrics(MetricsRegistry& metrics, const std::string& route_name)
      : registry(&metrics), route(route_name) {
    auto counter = [&](const char* outcome) {
      return &metrics.AddCounter("gatehouse_requests_total",
                                 "Webhook requests by route and outcome.",
                                 {{"route", route_name}, {"outcome", outcome}});
    };
    bad_request = counter("bad_request");
    authenticated = counter("authenticated");
    unauthenticated = counter("unauthenticated");
    allowed = counter("allowed");
    denied = counter("denied");
    no_opinion = counter("no_opinion");
    latency = &metrics.AddHistogram("gatehouse_request_duration_seconds",
                                    "Time to answer a webhook request.", DefaultLatencyBuckets(),
                                    {{"route", route_name}});
  }

  // Error codes come from our own authenticators: a small, fixed vocabulary.
  Counter* AuthnError(ErrorCode error_code) {
    std::string code(error_code.wire());
    static std::mutex mu;
    std::lock_guard<std::mutex> lock(mu);
    auto it = authn_errors.find(code);
    if (it != authn_errors.end()) return it->second;
    Counter* c = &registry->AddCounter("gatehouse_authentication_failures_total",
                                       "Tokens not authenticated, by reason.",
                                       {{"route", route}, {"reason", code}});
    authn_errors.emplace(code, c);
    return c;
  }
};

WebhookService::WebhookService(WebhookOptions options,
                               std::shared_ptr<authn::TokenAuthenticator> authenticator,
                               std::shared_ptr<Snapshot<authz::keystone::Policy>> policy,
                               std::shared_ptr<MetricsRegistry> metrics)
    : options_(std::move(options)),
      authenticator_(std::move(authenticator)),
      policy_(std::move(policy)),
      metrics_(std::move(metrics)),
      webhook_metrics_(std::make_unique<RouteMetrics>(*metrics_, "/webhook")),
      authenticate_metrics_(std::make_unique<RouteMetrics>(*metrics_, "/authenticate")),
      authorize_metrics_(std::make_unique<RouteMetrics>(*metrics_, "/authorize")),
      not_found_(&metrics_->AddCounter("gatehouse_requests_total",
                                       "Webhook requests by route and outcome.",
                                       {{"route", "other"}, {"outcome", "not_found"}})) {}

WebhookService::~WebhookService() = default;

ServerResponse WebhookService::Handle(const ServerRequest& request) {
  if (request.path == "/webhook") {
    return HandleReview(request, *webhook_metrics_, kAnyReview);
  }
  if (request.path == "/authenticate") {
    return HandleReview(request, *authenticate_metrics_,
                        static_cast<int>(k8s::ReviewKind::kTokenReview));
  }
  if (request.path == "/authorize") {
    return HandleReview(request, *authorize_metrics_,
                        static_cast<int>(k8s::ReviewKind::kSubjectAccessReview));
  }
  if (request.path == "/healthz") return Text(200, "ok\n");
  if (request.path == "/readyz") {
    const Readiness readiness = readiness_ ? readiness_() : ReadinessFromChecks({});
    return Text(readiness.ready ? 200 : 503,
                ReadinessText(readiness, request.FindQuery("verbose") != nullptr));
  }
  if (request.path == "/metrics") {
    if (refresh_) refresh_();
    return Text(200, metrics_->RenderPrometheusText(), "text/plain; version=0.0.4");
  }
  for (const auto& [claims, handler] : extra_routes_) {
    if (claims(request.path)) return handler(request);
  }
  not_found_->Inc();
  return Text(404, "404 page not found\n");
}

ServerResponse WebhookService::HandleReview(const ServerRequest& request, RouteMetrics& route,
                                            int expected_kind) {
  if (request.method != "POST") {
    // The API server only POSTs reviews; anything else is a client mistake, not bad JSON.
    route.bad_request->Inc();
    ServerResponse response =
        JsonErrorResponse(MakeError(WebhookError::kMethodNotAllowed, "reviews are sent with POST"));
    response.status = 405;
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  const auto started = std::chrono::steady_clock::now();
  struct ObserveLatency {
    Histogram* histogram;
    std::chrono::steady_clock::time_point started;
    ~ObserveLatency() {
      histogram->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
  } observe{route.latency, started};

  value::JsonLimits limits;
  limits.max_bytes = options_.limits.max_body_bytes;
  limits.max_depth = options_.limits.max_depth;
  Result<value::Value> body = value::ParseJson(request.body, limits);
  if (!body) {
    route.bad_request->Inc();
    return JsonErrorResponse(body.error());
  }
  Result<k8s::ReviewKind> kind =
      expected_kind == kAnyReview ? k8s::ClassifyReview(*body) : [&]() -> Result<k8s::ReviewKind> {
    auto envelope = k8s::CheckReviewEnvelope(*body, static_cast<k8s::ReviewKind>(expected_kind));
    if (!envelope) return envelope.error();
    return static_cast<k8s::ReviewKind>(expected_kind);
  }();
  if (!kind) {
    route.bad_request->Inc();
    return JsonErrorResponse(kind.error());
  }
  if (*kind == k8s::ReviewKind::kTokenReview) return Authenticate(*body, route, request.deadline);
  return Authorize(*body, route);
}

ServerResponse WebhookService::Authenticate(const value::Value& body, RouteMetrics& route,
                                            std::chrono::steady_clock::time_point deadline) {
  Result<k8s::TokenReviewRequest> review = k8s::DecodeTokenReview(body);
  if (!review) {
    route.bad_request->Inc();
    return JsonErrorResponse(review.error());
  }
  k8s::TokenReviewStatus status;
  status.audiences = review->audiences;
  if (!authenticator_) {
    status.error = "no identity source is configured";
    route.AuthnError(IdentityError::kNoIdentitySource)->Inc();
  } else {
    Result<k8s::UserInfo> user = authenticator_->AuthenticateWithin(review->token, deadline);
    if (user) {
      status.authenticated = true;
      status.user = std::move(user).value();
    } else {
      status.error = user.error().ToString();
      route.AuthnError(user.error().code)->Inc();
    }
  }
  (status.authenticated ? route.authenticated : route.unauthenticated)->Inc();
  const int http_status = status.authenticated ? 200 : options_.authentication_failure_status;
  return JsonResponse(http_status, k8s::EncodeTokenReviewResponse(*review, status));
}

ServerResponse WebhookService::Authorize(const value::Value& body, RouteMetrics& route) {
  Result<k8s::SubjectAccessReviewRequest> review = k8s::DecodeSubjectAccessReview(body);
  if (!review) {
    route.bad_request->Inc();
    return JsonErrorResponse(review.error());
  }
  k8s::Decision decision;
  std::shared_ptr<const authz::keystone::Policy> policy = policy_->Load();
  if (!policy) {
    decision = k8s::Decision::NoOpinion("no authorization policy is configured");
  } else {
    decision = authz::keystone::AuthorizeKeystone(*policy, review->user, review->attributes,
                                                  options_.authorize);
  }
  switch (decision.kind) {
    case k8s::Decision::Kind::kAllow:
      route.allowed->Inc();
      break;
    case k8s::Decision::Kind::kDeny:
      route.denied->Inc();
      break;
    case k8s::Decision::Kind::kNoOpinion:
      route.no_opinion->Inc();
      break;
  }
  return JsonResponse(200, k8s::EncodeSubjectAccessReviewResponse(*review, decision));
}

}  // namespace gatehouse::adapters
