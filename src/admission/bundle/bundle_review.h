// An AdmissionReview request judged by a policy bundle: the same Conftest-style policies
// `gatehouse test` runs in CI, at admission (`gatehouse serve --policy-bundle DIR`).
//
// `input` is the object under review — request.object, or request.oldObject for a DELETE — so a
// policy written for manifests runs unchanged; when the object has no metadata.namespace the
// request's namespace is filled in (the API server defaults it the same way). The whole
// AdmissionReview request is `data.gatehouse.request` for policies that want the operation or
// the user, and `data.gatehouse.annotation_domain` names the annotation domain the baseline
// library reads. Failures (deny, violation and their `_x` forms) deny, in rule order; warnings
// become response warnings; Conftest exceptions drop the rule's results, as in `gatehouse test`.
// A query that fails (conflict, limit, deadline, a result without "msg") denies, saying why: a
// broken policy never lets a request through silently. Pure; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admission/bundle/policy_bundle.h"
#include "common/clock.h"
#include "rego/value.h"

namespace gatehouse::admission::bundle {

// A bundle as the webhook serves it: compiled, with the namespaces it queries.
struct ServedBundle {
  std::shared_ptr<const NamespaceChecker> checker;  // the configured namespaces, prepared
  std::string annotation_domain = "policy.gatehouse.dev";
};

struct BundleReviewOptions {
  std::uint64_t max_steps = 5'000'000;  // per query
  const Clock* clock = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct BundleVerdict {
  std::vector<std::string> denials;   // failure messages ("" never: empty messages pass)
  std::vector<std::string> warnings;  // warning messages
  std::optional<Error> error;         // a query that failed; it is also the last denial
  std::int64_t exceptions = 0;
};

// The object `input` is for this request (request.object, or oldObject when object is null),
// with metadata.namespace filled from request.namespace when absent.
rego::Value BundleInput(const rego::Value& request);

BundleVerdict ReviewWithBundle(const ServedBundle& served, const rego::Value& request,
                               const BundleReviewOptions& options = {});

}  // namespace gatehouse::admission::bundle
