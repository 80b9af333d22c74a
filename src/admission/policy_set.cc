#include "admission/policy_set.h"

#include <algorithm>
#include <cctype>

#include "admission/admission_errors.h"
#include "admission/document_fields.h"

namespace gatehouse::admission {
namespace {

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool IsTemplateDocument(const value::Value& doc) {
  return StringAt(doc, {"kind"}) == "ConstraintTemplate" &&
         StringAt(doc, {"apiVersion"}).starts_with("templates.gatekeeper.sh/");
}

Result<LoadedTemplate> LoadTemplate(const SourcedDocument& d) {
  auto t = ParseConstraintTemplate(d.doc, d.source);
  if (!t) return t.error();
  LoadedTemplate out;
  auto policy = CompileTemplate(*t, rego::Value::EmptyObject());
  if (!policy) return policy.error();
  auto query = rego::PreparedQuery::Prepare(*policy, "data." + t->package + ".violation");
  if (!query)
    return MakeError(AdmissionError::kTemplateCompile,
                     "unable to compile modules: " + query.error().ToString());
  out.policy = std::move(*policy);
  out.violation = std::move(*query);
  out.reads_inventory = std::any_of(t->modules.begin(), t->modules.end(), [](const auto& m) {
    return m.text.find("inventory") != std::string::npos;
  });
  out.tmpl = std::move(*t);
  return out;
}

}  // namespace

std::shared_ptr<const PolicySet> PolicySet::Build(const std::vector<SourcedDocument>& docs,
                                                  const PolicySet* previous) {
  auto set = std::make_shared<PolicySet>();
  auto problem = [&](const SourcedDocument& d, ResourceKind r, std::string kind, Error e) {
    set->problems_.push_back(
        {d.source, r, std::move(kind), StringAt(d.doc, {"metadata", "name"}), std::move(e)});
  };
  // Templates first: constraints need their kinds.
  for (const SourcedDocument& d : docs) {
    if (!IsTemplateDocument(d.doc)) continue;
    auto t = LoadTemplate(d);
    if (!t) {
      problem(d, ResourceKind::kTemplate, "ConstraintTemplate", t.error());
      if (previous == nullptr) continue;
      const std::string name = StringAt(d.doc, {"metadata", "name"});
      for (const auto& [kind, old] : previous->templates_) {
        if (old.tmpl.name == name && set->templates_.count(kind) == 0) {
          set->templates_.emplace(kind, old);  // the last good version keeps serving
        }
      }
      continue;
    }
    const std::string kind = t->tmpl.kind;
    if (set->templates_.count(kind) != 0) {
      problem(d, ResourceKind::kTemplate, "ConstraintTemplate",
              MakeError(AdmissionError::kInvalidTemplate,
                        "ConstraintTemplate " + t->tmpl.name + " is defined twice (also in " +
                            set->templates_.at(kind).tmpl.modules.front().filename + ")"));
      continue;
    }
    set->templates_.emplace(kind, std::move(*t));
  }
  bool have_config = false;
  for (const SourcedDocument& d : docs) {
    if (GatekeeperConfig::IsConfigDocument(d.doc)) {
      auto c = GatekeeperConfig::Parse(d.doc);
      if (!c) {
        problem(d, ResourceKind::kConfig, "Config", c.error());
      } else if (have_config) {
        problem(
            d, ResourceKind::kConfig, "Config",
            MakeError(AdmissionError::kInvalidConfig, "a second Config; the first one is used"));
      } else {
        set->config_ = std::move(*c);
        have_config = true;
      }
      continue;
    }
    if (!IsConstraintDocument(d.doc)) continue;
    const std::string kind = StringAt(d.doc, {"kind"});
    auto c = ParseConstraint(d.doc);
    if (!c) {
      problem(d, ResourceKind::kConstraint, kind, c.error());
      continue;
    }
    const LoadedTemplate* t = set->FindTemplate(c->kind);
    if (t == nullptr) {
      problem(d, ResourceKind::kConstraint, kind,
              MakeError(AdmissionError::kNoTemplate, "missing ConstraintTemplate: template \"" +
                                                         Lower(c->kind) + "\" not found"));
      continue;
    }
    if (Status ok = ValidateParameters(*c, t->tmpl); !ok) {
      problem(d, ResourceKind::kConstraint, kind, ok.error());
      continue;
    }
    const bool duplicate =
        std::any_of(set->constraints_.begin(), set->constraints_.end(),
                    [&](const Constraint& o) { return o.kind == c->kind && o.name == c->name; });
    if (duplicate) {
      problem(d, ResourceKind::kConstraint, kind,
              MakeError(AdmissionError::kInvalidConstraint,
                        c->kind + " " + c->name + " is defined twice"));
      continue;
    }
    set->constraints_.push_back(std::move(*c));
  }
  std::sort(set->constraints_.begin(), set->constraints_.end(),
            [](const Constraint& a, const Constraint& b) {
              return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
            });
  return set;
}

const LoadedTemplate* PolicySet::FindTemplate(std::string_view kind) const {
  auto it = templates_.find(kind);
  return it == templates_.end() ? nullptr : &it->second;
}

}  // namespace gatehouse::admission
