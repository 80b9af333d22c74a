#include "admission/reviewer.h"

#include <algorithm>

#include "admission/admission_errors.h"

namespace gatehouse::admission {
namespace {

bool JudgesOperation(const ConstraintTemplate& t, std::string_view operation) {
  return t.operations.empty() ||
         std::any_of(t.operations.begin(), t.operations.end(),
                     [&](const std::string& op) { return op == "*" || op == operation; });
}

// input.review with namespaceObject added.
rego::Value WithNamespaceObject(const rego::Value& review, rego::Value ns) {
  std::vector<rego::Member> members(review.Members().begin(), review.Members().end());
  members.emplace_back(rego::Value::String("namespaceObject"), std::move(ns));
  return rego::Value::Object(std::move(members));
}

}  // namespace

ReviewOutcome Review(const PolicySet& set, const ReviewRequest& request,
                     const ReviewOptions& options) {
  ReviewOutcome out;
  const std::string& own_namespace = request.IsNamespace() ? request.name : request.namespace_name;
  if (!own_namespace.empty() && set.config().Excluded(options.process, own_namespace)) {
    out.excluded = true;
    return out;
  }
  const value::Value* ns_object = options.namespace_object;
  if (ns_object == nullptr && options.inventory != nullptr && !request.namespace_name.empty()) {
    ns_object = options.inventory->FindNamespace(request.namespace_name);
  }
  const rego::Value review =
      WithNamespaceObject(request.review, options.review_namespace_object && ns_object != nullptr
                                              ? rego::FromJson(*ns_object)
                                              : rego::Value::EmptyObject());
  MatchTarget target;
  target.group = request.group;
  target.kind = request.kind;
  target.name = request.name;
  target.generate_name = request.generate_name;
  target.namespace_name = request.namespace_name;
  target.labels = &request.labels;
  target.namespace_object = ns_object;
  MatchTarget old_target = target;
  old_target.labels = &request.old_labels;

  const rego::Value review_key = rego::Value::String("review");
  const rego::Value parameters_key = rego::Value::String("parameters");
  const rego::Value msg_key = rego::Value::String("msg");
  const rego::Value details_key = rego::Value::String("details");
  for (const Constraint& c : set.constraints()) {
    MatchOutcome m = c.match.Evaluate(target);
    if (m == MatchOutcome::kNoMatch && request.has_old_object) m = c.match.Evaluate(old_target);
    if (m == MatchOutcome::kNoMatch) continue;
    if (m == MatchOutcome::kNamespaceUnknown) {
      out.violations.push_back(
          {&c,
           "unable to match constraints: error matching the requested object: " + request.name +
               " :failed to run Match criteria: " + std::string(kMissingNamespaceText),
           rego::Value::EmptyObject(), ErrorCode(AdmissionError::kNamespaceUnknown)});
      continue;
    }
    const LoadedTemplate* t = set.FindTemplate(c.kind);
    if (t == nullptr || !t->violation) continue;  // Build keeps only constraints with templates
    if (options.process == Process::kWebhook && !JudgesOperation(t->tmpl, request.operation)) {
      continue;
    }
    ++out.constraints_evaluated;
    rego::EvalOptions eval;
    eval.input = rego::Value::Object({{review_key, review}, {parameters_key, c.parameters_value}});
    if (t->reads_inventory) {
      eval.data.push_back(
          {{"inventory"},
           options.inventory != nullptr ? options.inventory->tree() : rego::Value::EmptyObject()});
    }
    eval.max_steps = options.max_steps;
    eval.clock = options.clock;
    eval.deadline = options.deadline;
    auto results = t->violation->Eval(eval);
    if (!results) {
      out.violations.push_back({&c, results.error().message, rego::Value::EmptyObject(),
                                ErrorCode(AdmissionError::kEvaluation)});
      continue;
    }
    for (const rego::QueryResult& r : *results) {
      for (const rego::Value& violations : r.expressions) {
        for (const rego::Value& v : violations.Items()) {
          const rego::Value* msg = v.Find(msg_key);
          if (msg == nullptr) continue;  // Gatekeeper keeps only violations with a msg
          Violation found;
          found.constraint = &c;
          found.message = msg->is_string() ? std::string(msg->AsString()) : rego::ToJsonText(*msg);
          const rego::Value* details = v.Find(details_key);
          found.details = details != nullptr ? *details : rego::Value::EmptyObject();
          out.violations.push_back(std::move(found));
        }
      }
    }
  }
  std::stable_sort(out.violations.begin(), out.violations.end(),
                   [](const Violation& a, const Violation& b) {
                     const std::string_view aa = EnforcementActionName(a.constraint->action);
                     const std::string_view ba = EnforcementActionName(b.constraint->action);
                     return aa != ba ? aa < ba : a.message < b.message;
                   });
  return out;
}

}  // namespace gatehouse::admission
