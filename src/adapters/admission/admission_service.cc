#include "adapters/admission/admission_service.h"

#include "adapters/http/json_response.h"
#include "adapters/log/log.h"
#include "admission/reviewer.h"
#include "common/common_errors.h"
#include "k8s/admission_review.h"
#include "rego/json_document.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

// The envelope k8s::DecodeAdmissionReview accepts (apiVersion v1 or v1beta1, kind
// AdmissionReview, an object `request` with a string `uid`), checked on the engine's values; the
// request itself stays in `body`.
std::optional<k8s::AdmissionReviewRequest> ValidEnvelope(const rego::Value& body) {
  const rego::Value* api_version = body.Find("apiVersion");
  const rego::Value* kind = body.Find("kind");
  const rego::Value* request = body.Find("request");
  if (api_version == nullptr || !api_version->is_string() || kind == nullptr ||
      !kind->is_string() || kind->AsString() != "AdmissionReview" || request == nullptr ||
      !request->is_object()) {
    return std::nullopt;
  }
  const std::string_view v = api_version->AsString();
  if (v != k8s::kAdmissionV1 && v != k8s::kAdmissionV1beta1) return std::nullopt;
  const rego::Value* uid = request->Find("uid");
  if (uid == nullptr || !uid->is_string()) return std::nullopt;
  k8s::AdmissionReviewRequest out;
  out.api_version = std::string(v);
  out.uid = std::string(uid->AsString());
  return out;
}

}  // namespace

struct AdmissionService::Metrics {
  MetricsRegistry* registry;
  Counter* bad_request;
  std::map<std::string, std::pair<Counter*, Histogram*>, std::less<>> decisions;
  std::mutex mu;  // guards the lazily made series below (their labels are operator-defined)
  std::map<std::string, Counter*, std::less<>> violations;
  std::map<std::string, Gauge*, std::less<>> gauges;

  explicit Metrics(MetricsRegistry& r) : registry(&r) {
    bad_request =
        &r.AddCounter("gatehouse_admission_requests_total",
                      "AdmissionReviews answered, by decision.", {{"decision", "bad_request"}});
    for (const char* d : {"allow", "deny", "error", "excluded"}) {
      decisions.emplace(
          d, std::make_pair(
                 &r.AddCounter("gatehouse_admission_requests_total",
                               "AdmissionReviews answered, by decision.", {{"decision", d}}),
                 &r.AddHistogram("gatehouse_admission_request_duration_seconds",
                                 "Time to judge an AdmissionReview, by decision.",
                                 DefaultLatencyBuckets(), {{"decision", d}})));
    }
  }

  void Decided(std::string_view decision, std::chrono::steady_clock::duration took) {
    auto it = decisions.find(decision);
    it->second.first->Inc();
    it->second.second->Observe(std::chrono::duration<double>(took).count());
  }

  void Violation(const admission::Constraint& c) {
    const std::string action(admission::EnforcementActionName(c.action));
    const std::string key = c.kind + "/" + c.name + "/" + action;
    Counter* counter = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = violations.find(key);
      if (it == violations.end()) {
        it = violations
                 .emplace(key, &registry->AddCounter(
                                   "gatehouse_admission_violations_total",
                                   "Violations found at admission, by constraint and action.",
                                   {{"constraint_kind", c.kind},
                                    {"constraint", c.name},
                                    {"enforcement_action", action}}))
                 .first;
      }
      counter = it->second;
    }
    counter->Inc();
  }

  Gauge& GaugeOf(const std::string& name, const std::string& help, const std::string& label,
                 const std::string& value) {
    const std::string key = name + "/" + value;
    std::lock_guard<std::mutex> lock(mu);
    auto it = gauges.find(key);
    if (it == gauges.end()) {
      it = gauges.emplace(key, &registry->AddGauge(name, help, {{label, value}})).first;
    }
    return *it->second;
  }
};

AdmissionService::AdmissionService(AdmissionServiceOptions options,
                                   std::shared_ptr<Snapshot<admission::PolicySet>> policies,
                                   std::shared_ptr<Snapshot<admission::Inventory>> inventory,
                                   std::shared_ptr<MetricsRegistry> metrics)
    : options_(std::move(options)),
      policies_(std::move(policies)),
      inventory_(std::move(inventory)),
      registry_(std::move(metrics)),
      metrics_(std::make_unique<Metrics>(*registry_)) {}

AdmissionService::~AdmissionService() = default;

void AdmissionService::ObservePolicySet(const admission::PolicySet& set) {
  std::size_t template_errors = 0;
  std::size_t constraint_errors = 0;
  for (const admission::PolicyProblem& p : set.problems()) {
    if (p.resource == admission::ResourceKind::kTemplate) ++template_errors;
    if (p.resource == admission::ResourceKind::kConstraint) ++constraint_errors;
  }
  const std::string templates = "gatehouse_admission_constraint_templates";
  const std::string templates_help = "ConstraintTemplates in force (active) and refused (error).";
  metrics_->GaugeOf(templates, templates_help, "status", "active")
      .Set(static_cast<double>(set.templates().size()));
  metrics_->GaugeOf(templates, templates_help, "status", "error")
      .Set(static_cast<double>(template_errors));
  const std::string constraints = "gatehouse_admission_constraints";
  const std::string constraints_help = "Constraints in force by enforcement action; refused ones.";
  std::map<std::string, std::size_t> by_action = {{"deny", 0}, {"dryrun", 0}, {"warn", 0}};
  for (const admission::Constraint& c : set.constraints()) {
    ++by_action[std::string(admission::EnforcementActionName(c.action))];
  }
  for (const auto& [action, n] : by_action) {
    metrics_->GaugeOf(constraints, constraints_help, "enforcement_action", action)
        .Set(static_cast<double>(n));
  }
  metrics_->GaugeOf(constraints, constraints_help, "enforcement_action", "refused")
      .Set(static_cast<double>(constraint_errors));
}

ServerResponse AdmissionService::Handle(const ServerRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  if (request.method != "POST") {
    metrics_->bad_request->Inc();
    ServerResponse response = JsonErrorResponse(
        MakeError(CommonError::kInvalidArgument, "AdmissionReviews are sent with POST"));
    response.status = 405;
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  value::JsonLimits limits;
  limits.max_bytes = options_.limits.max_body_bytes;
  limits.max_depth = options_.limits.max_depth;
  // The body is read once, straight into the engine's values; an envelope that is not a valid
  // AdmissionReview is read again by the codec, whose errors are the answer.
  Result<rego::Value> body = rego::ParseJsonDocument(request.body, limits);
  if (!body) {
    metrics_->bad_request->Inc();
    return JsonErrorResponse(body.error());
  }
  std::optional<k8s::AdmissionReviewRequest> review = ValidEnvelope(*body);
  if (!review) {
    Result<value::Value> plain = value::ParseJson(request.body, limits);
    Result<k8s::AdmissionReviewRequest> decoded =
        plain ? k8s::DecodeAdmissionReview(std::move(*plain))
              : Result<k8s::AdmissionReviewRequest>(plain.error());
    metrics_->bad_request->Inc();
    if (decoded) {  // cannot happen: the same checks passed there and failed here
      return JsonErrorResponse(
          MakeError(CommonError::kInternal, "AdmissionReview envelope mismatch"));
    }
    return JsonErrorResponse(decoded.error());
  }
  k8s::AdmissionVerdict verdict;
  auto answer = [&](std::string_view decision) {
    metrics_->Decided(decision, std::chrono::steady_clock::now() - started);
    return JsonResponse(200, k8s::EncodeAdmissionReviewResponse(*review, verdict));
  };
  Result<admission::ReviewRequest> req =
      admission::ReviewFromAdmissionRequest(*body->Find("request"));
  if (!req) {
    verdict.allowed = false;
    verdict.code = 500;
    verdict.message = req.error().message;
    return answer("error");
  }
  const std::string& own = req->IsNamespace() ? req->name : req->namespace_name;
  if (!options_.own_namespace.empty() && own == options_.own_namespace) {
    verdict.message = "gatehouse does not judge its own namespace";
    return answer("excluded");
  }
  std::shared_ptr<const admission::PolicySet> set = policies_ ? policies_->Load() : nullptr;
  std::shared_ptr<const admission::bundle::ServedBundle> served =
      bundles_ ? bundles_->Load() : nullptr;
  if (set == nullptr && served == nullptr) {  // no source loaded yet: nothing to enforce, say so
    verdict.message = "no Gatekeeper resources are loaded";
    return answer("allow");
  }
  std::string denials;
  bool failed = false;
  bool excluded = false;
  if (set != nullptr) {
    std::shared_ptr<const admission::Inventory> inventory =
        inventory_ ? inventory_->Load() : nullptr;
    admission::ReviewOptions options;
    options.process = admission::Process::kWebhook;
    options.inventory = inventory.get();
    options.max_steps = options_.max_steps;
    options.deadline = request.deadline - options_.answer_margin;
    const admission::ReviewOutcome outcome = admission::Review(*set, *req, options);
    excluded = outcome.excluded;
    for (const admission::Violation& v : outcome.violations) {
      metrics_->Violation(*v.constraint);
      failed = failed || v.failure.has_value();
      const std::string line = "[" + v.constraint->name + "] " + v.message;
      switch (v.constraint->action) {
        case admission::EnforcementAction::kDeny:
          if (!denials.empty()) denials += '\n';
          denials += line;
          break;
        case admission::EnforcementAction::kWarn:
          verdict.warnings.push_back(line);
          break;
        case admission::EnforcementAction::kDryRun:
          LogInfo("dryrun violation", {{"constraint_kind", v.constraint->kind},
                                       {"constraint", v.constraint->name},
                                       {"kind", req->kind},
                                       {"namespace", req->namespace_name},
                                       {"name", req->name},
                                       {"message", v.message}});
          break;
      }
    }
  }
  if (served != nullptr) {
    admission::bundle::BundleReviewOptions options;
    options.max_steps = options_.max_steps;
    options.deadline = request.deadline - options_.answer_margin;
    admission::bundle::BundleVerdict bundle =
        admission::bundle::ReviewWithBundle(*served, *body->Find("request"), options);
    failed = failed || bundle.error.has_value();
    if (bundle.error) {
      LogError("policy bundle evaluation failed", {{"kind", req->kind},
                                                   {"namespace", req->namespace_name},
                                                   {"name", req->name},
                                                   {"error", bundle.error->ToString()}});
    }
    for (const std::string& m : bundle.denials) {
      if (!denials.empty()) denials += '\n';
      denials += m;
    }
    for (std::string& w : bundle.warnings) verdict.warnings.push_back(std::move(w));
  } else if (excluded) {
    verdict.message = "Namespace is set to be ignored by Gatekeeper config";
    return answer("excluded");
  }
  if (!denials.empty()) {
    verdict.allowed = false;
    verdict.code = 403;
    verdict.reason = "Forbidden";
    verdict.message = std::move(denials);
    return answer(failed ? "error" : "deny");
  }
  verdict.code = verdict.warnings.empty() ? 200 : 299;
  return answer("allow");
}

}  // namespace gatehouse::adapters
