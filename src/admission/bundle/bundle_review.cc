#include "admission/bundle/bundle_review.h"

#include <utility>

namespace gatehouse::admission::bundle {
namespace {

// `object` with metadata.namespace set to `ns` (metadata created when missing).
rego::Value WithNamespace(const rego::Value& object, const rego::Value& ns) {
  std::vector<rego::Member> members(object.Members().begin(), object.Members().end());
  bool found = false;
  for (rego::Member& m : members) {
    if (!m.first.is_string() || m.first.AsString() != "metadata") continue;
    found = true;
    if (!m.second.is_object()) return object;
    std::vector<rego::Member> meta(m.second.Members().begin(), m.second.Members().end());
    meta.emplace_back(rego::Value::String("namespace"), ns);
    m.second = rego::Value::Object(std::move(meta));
  }
  if (!found) {
    members.emplace_back(rego::Value::String("metadata"),
                         rego::Value::Object({{rego::Value::String("namespace"), ns}}));
  }
  return rego::Value::Object(std::move(members));
}

}  // namespace

rego::Value BundleInput(const rego::Value& request) {
  const rego::Value* object = request.Find("object");
  if (object == nullptr || object->is_null()) object = request.Find("oldObject");
  if (object == nullptr) return rego::Value();
  if (!object->is_object()) return *object;
  const rego::Value* ns = request.Find("namespace");
  if (ns == nullptr || !ns->is_string() || ns->AsString().empty()) return *object;
  const rego::Value* meta = object->Find("metadata");
  if (meta != nullptr && meta->is_object()) {
    const rego::Value* existing = meta->Find("namespace");
    if (existing != nullptr && existing->is_string() && !existing->AsString().empty()) {
      return *object;
    }
  }
  return WithNamespace(*object, *ns);
}

BundleVerdict ReviewWithBundle(const ServedBundle& served, const rego::Value& request,
                               const BundleReviewOptions& options) {
  BundleVerdict verdict;
  if (served.checker == nullptr) return verdict;
  const rego::Value input = BundleInput(request);
  CheckOptions check;
  check.data.push_back({{"gatehouse", "request"}, request});
  check.data.push_back(
      {{"gatehouse", "annotation_domain"}, rego::Value::String(served.annotation_domain)});
  check.max_steps = options.max_steps;
  check.clock = options.clock;
  check.deadline = options.deadline;
  const std::vector<std::string>& namespaces = served.checker->namespaces();
  std::vector<CheckResult> results(namespaces.size());
  if (Status s = served.checker->Check(input, check, &results); !s) {
    verdict.denials.push_back("policy bundle could not be evaluated: " + s.error().message);
    verdict.error = s.error();
    return verdict;
  }
  for (CheckResult& result : results) {
    for (CheckMessage& m : result.failures) verdict.denials.push_back(std::move(m.msg));
    for (CheckMessage& m : result.warnings) verdict.warnings.push_back(std::move(m.msg));
    verdict.exceptions += static_cast<std::int64_t>(result.exceptions.size());
  }
  return verdict;
}

}  // namespace gatehouse::admission::bundle
