// PolicySet: one consistent set of Gatekeeper resources — templates compiled, constraints read
// and checked against their templates, and the Config — built from documents in one go and never
// changed afterwards (publish it through a Snapshot; reloads build a new one).
//
// A document that fails (a template that does not compile, a constraint without a template or
// with parameters its schema refuses, a second Config) is left out and listed in `problems()`
// with its source; every other document keeps working. Pure; thread-safe once built.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admission/constraint.h"
#include "admission/constraint_template.h"
#include "admission/gatekeeper_config.h"
#include "common/result.h"
#include "rego/engine.h"
#include "value/value.h"

namespace gatehouse::admission {

// A document and where it came from ("dir/file.yaml#2", "K8sRequiredLabels/owner").
struct SourcedDocument {
  std::string source;
  value::Value doc;
};

struct LoadedTemplate {
  ConstraintTemplate tmpl;
  std::shared_ptr<const rego::CompiledPolicy> policy;
  std::optional<rego::PreparedQuery> violation;  // data.<package>.violation
  bool reads_inventory = false;                  // its Rego names `inventory`
};

// What kind of resource a problem is about.
enum class ResourceKind { kTemplate, kConstraint, kConfig, kOther };

struct PolicyProblem {
  std::string source;
  ResourceKind resource = ResourceKind::kOther;
  std::string kind;  // ConstraintTemplate, the constraint kind, Config
  std::string name;
  Error error;
};

class PolicySet {
 public:
  // Documents of other kinds are ignored (a directory may hold other manifests). With `previous`
  // (the set in force), a template whose new version fails keeps its last good version, as
  // Gatekeeper keeps serving a template whose update it could not compile; the failure is still
  // listed in problems().
  static std::shared_ptr<const PolicySet> Build(const std::vector<SourcedDocument>& docs,
                                                const PolicySet* previous = nullptr);

  const std::map<std::string, LoadedTemplate, std::less<>>& templates() const {
    return templates_;
  }  // by constraint kind
  const LoadedTemplate* FindTemplate(std::string_view kind) const;
  const std::vector<Constraint>& constraints() const { return constraints_; }  // by kind, name
  const GatekeeperConfig& config() const { return config_; }
  const std::vector<PolicyProblem>& problems() const { return problems_; }

 private:
  std::map<std::string, LoadedTemplate, std::less<>> templates_;
  std::vector<Constraint> constraints_;
  GatekeeperConfig config_;
  std::vector<PolicyProblem> problems_;
};

}  // namespace gatehouse::admission
