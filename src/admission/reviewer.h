// Review: one request judged against every constraint of a PolicySet that matches it, as
// Gatekeeper's validation does — match, then the template's `violation` rule on
// `input.review` and `input.parameters`, with `data.inventory` from the Inventory.
//
// The caller chooses the process (webhook or audit): namespaces the Config excludes for it are
// not judged, and at the webhook a template limited to some `operations` judges only those. As in
// Gatekeeper, a constraint that cannot be evaluated (a limit, the deadline, a Rego error) or
// matched (a namespaceSelector without its Namespace) yields a violation whose message says why,
// under the constraint's enforcement action: nothing fails open silently. Violations are sorted
// by enforcement action, then message, as Gatekeeper sorts its results. Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "admission/constraint.h"
#include "admission/gatekeeper_config.h"
#include "admission/inventory.h"
#include "admission/policy_set.h"
#include "admission/review_request.h"
#include "common/clock.h"
#include "common/result.h"

namespace gatehouse::admission {

struct ReviewOptions {
  Process process = Process::kWebhook;
  const Inventory* inventory = nullptr;            // null: empty
  const value::Value* namespace_object = nullptr;  // overrides the inventory's Namespace
  // input.review.namespaceObject carries the Namespace (webhook, audit); gator leaves it {}.
  bool review_namespace_object = true;
  std::uint64_t max_steps = 1'000'000;  // per constraint
  const Clock* clock = nullptr;         // for the deadline; null: system
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct Violation {
  const Constraint* constraint = nullptr;  // points into the PolicySet
  std::string message;
  rego::Value details;  // the violation's `details`, or {}
  // Not a verdict of the Rego but a failure: the evaluation or the match could not finish.
  std::optional<ErrorCode> failure;
};

struct ReviewOutcome {
  bool excluded = false;  // the Config leaves this namespace alone for the process
  std::vector<Violation> violations;
  std::size_t constraints_evaluated = 0;
};

ReviewOutcome Review(const PolicySet& set, const ReviewRequest& request,
                     const ReviewOptions& options);

}  // namespace gatehouse::admission
