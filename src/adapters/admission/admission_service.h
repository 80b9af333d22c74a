// AdmissionService: Gatekeeper's validating webhook on gatehouse's listener — `POST /v1/admit`
// (Gatekeeper's path) and `/validate` — judging each AdmissionReview against the constraints of
// the PolicySet in force.
//
// The answer is Gatekeeper's: `allowed: false`, status 403 "Forbidden" and one line per `deny`
// violation, `[<constraint>] <msg>`, sorted by message; `warn` violations become
// `response.warnings` in the same form (status 299 when allowed with warnings); `dryrun`
// violations are only counted and logged. Namespaces the Config excludes for the webhook, and the
// server's own namespace, are allowed unjudged. A review the constraints cannot finish within the
// request's `?timeout=` (the evaluation deadline) or the step budget is a violation saying why,
// so a `deny` constraint refuses rather than fails open. Bad bodies are HTTP 400 with a JSON
// reason. With a policy bundle (SetPolicyBundle) its verdict joins the constraints': the
// request is denied when either denies. Snapshots are read per request; Handle() is thread-safe
// and never throws.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/http/http_server.h"
#include "admission/bundle/bundle_review.h"
#include "admission/inventory.h"
#include "admission/policy_set.h"
#include "common/limits.h"
#include "common/metrics.h"
#include "common/snapshot.h"

namespace gatehouse::adapters {

struct AdmissionServiceOptions {
  InputLimits limits;
  std::string own_namespace;            // never judged ("" for none)
  std::uint64_t max_steps = 5'000'000;  // per constraint and review
  // Time kept back from the API server's timeout for writing the answer.
  std::chrono::milliseconds answer_margin{100};
};

class AdmissionService {
 public:
  AdmissionService(AdmissionServiceOptions options,
                   std::shared_ptr<Snapshot<admission::PolicySet>> policies,
                   std::shared_ptr<Snapshot<admission::Inventory>> inventory,
                   std::shared_ptr<MetricsRegistry> metrics);
  ~AdmissionService();

  static bool Handles(std::string_view path) { return path == "/v1/admit" || path == "/validate"; }
  ServerResponse Handle(const ServerRequest& request);

  // Refreshes the template and constraint gauges from the set in force (call after a reload).
  void ObservePolicySet(const admission::PolicySet& set);

  // Also judge every request with the policy bundle in force (`--policy-bundle`), besides the
  // Gatekeeper constraints; call before serving. Its failures deny with their messages as
  // written, its warnings are response warnings; the Gatekeeper Config's exclusions do not
  // apply to it (a bundle excludes namespaces through its own data).
  void SetPolicyBundle(std::shared_ptr<Snapshot<admission::bundle::ServedBundle>> bundles) {
    bundles_ = std::move(bundles);
  }

 private:
  struct Metrics;
  AdmissionServiceOptions options_;
  std::shared_ptr<Snapshot<admission::PolicySet>> policies_;
  std::shared_ptr<Snapshot<admission::Inventory>> inventory_;
  std::shared_ptr<Snapshot<admission::bundle::ServedBundle>> bundles_;
  std::shared_ptr<MetricsRegistry> registry_;
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace gatehouse::adapters
