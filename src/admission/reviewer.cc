#include "admission/reviewer.h"

#include "admission/admission_errors.h"

namespace gatehouse::admission {
namespace {

// Gatekeeper's autoreject text for a constraint that selects namespaces by label when the
// namespace is not known.
constexpr std::string_view kNamespaceNotCached = "Namespace is not cached in OPA.";

}  // namespace

ReviewOutcome Review(const PolicySet& set, const ReviewRequest& request,
                     const ReviewOptions& options) {
  ReviewOutcome out;
  const bool is_namespace = request.group.empty() && request.kind == "Namespace";
  const std::string& own_namespace = is_namespace ? request.name : request.namespace_name;
  if (!own_namespace.empty() && set.config().Excluded(options.process, own_namespace)) {
    out.excluded = true;
    return out;
  }
  const value::Value* ns_object = options.namespace_object;
  if (ns_object == nullptr && options.inventory != nullptr && !request.namespace_name.empty()) {
    ns_object = options.inventory->FindNamespace(request.namespace_name);
  }
  MatchTarget target;
  target.group = request.group;
  target.kind = request.kind;
  target.name = request.name;
  target.namespace_name = request.namespace_name;
  target.labels = &request.labels;
  target.namespace_object = ns_object;

  const rego::Value review_key = rego::Value::String("review");
  const rego::Value parameters_key = rego::Value::String("parameters");
  const rego::Value msg_key = rego::Value::String("msg");
  const rego::Value details_key = rego::Value::String("details");
  for (const Constraint& c : set.constraints()) {
    const MatchOutcome m = c.match.Evaluate(target);
    if (m == MatchOutcome::kNoMatch) continue;
    if (m == MatchOutcome::kNamespaceUnknown) {
      out.violations.push_back({&c, std::string(kNamespaceNotCached), rego::Value::EmptyObject()});
      continue;
    }
    const LoadedTemplate* t = set.FindTemplate(c.kind);
    if (t == nullptr || !t->violation) continue;  // Build keeps only constraints with templates
    ++out.constraints_evaluated;
    rego::EvalOptions eval;
    eval.input =
        rego::Value::Object({{review_key, request.review}, {parameters_key, c.parameters_value}});
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
      out.errors.push_back(
          {&c, MakeError(AdmissionError::kEvaluation,
                         c.kind + " " + c.name + ": " + results.error().ToString())});
      continue;
    }
    for (const rego::QueryResult& r : *results) {
      for (const rego::Value& violations : r.expressions) {
        for (const rego::Value& v : violations.Items()) {
          const rego::Value* msg = v.Find(msg_key);
          if (msg == nullptr) continue;  // Gatekeeper keeps only violations with a msg
          Violation out_v;
          out_v.constraint = &c;
          out_v.message = msg->is_string() ? std::string(msg->AsString()) : rego::ToJsonText(*msg);
          const rego::Value* details = v.Find(details_key);
          out_v.details = details != nullptr ? *details : rego::Value::EmptyObject();
          out.violations.push_back(std::move(out_v));
        }
      }
    }
  }
  return out;
}

}  // namespace gatehouse::admission
