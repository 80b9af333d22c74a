// METADATA annotations: OPA's `# METADATA` comment blocks, read as OPA's parser reads them.
//
// A block starts at a comment whose text is `METADATA` and runs over the comments on the rows
// right below it; its YAML (each line without the `#` and one space) gives scope, title,
// description, organizations, related_resources, authors, schemas, entrypoint and custom (other
// keys are ignored, as OPA ignores them). It belongs to the first package, import or rule that
// starts below it. The scope defaults to `package` on a package and to `rule` (`document` with
// `entrypoint: true`) on a rule; `rule`/`document` need a rule and `package`/`subpackages` a
// package. Mistakes are `rego_parse_error`s with OPA's messages (the YAML reader's own message
// for YAML that does not parse). Pure; the module is the only state.
//
// AnnotationSet is OPA's view of the annotations of all modules of a policy, from which the
// compiler answers rego.metadata.chain() and rego.metadata.rule() for each rule.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "rego/ast.h"

namespace gatehouse::rego {

// Fills module.annotations from module.comments, in source order.
Status AttachAnnotations(Module& module);

// The document path of rule r without `data` (package segments and the ground prefix of its ref).
std::vector<std::string> RulePath(const Module& m, const Rule& r);

class AnnotationSet {
 public:
  // Errors: a package, document or subpackages annotation declared twice for one path
  // (rego_type_error "<scope> annotation redeclared: <file>:<row>", as OPA).
  static Result<AnnotationSet> Build(const std::vector<Module>& modules);

  // rego.metadata.chain() inside rule `rule` of modules[module]: the rule's own annotations
  // (closest block first; an entry without annotations when it has none), then the document's,
  // the package's, and the subpackages annotations from the package outward. Each entry is
  // {"path": [...], "annotations": {...}}. The set must have been built from `modules`.
  value::Value Chain(const std::vector<Module>& modules, std::size_t module,
                     std::uint32_t rule) const;
  // rego.metadata.rule(): the rule's closest rule-scope annotations, or {}.
  value::Value RuleAnnotations(std::size_t module, std::uint32_t rule) const;

 private:
  struct Declared {
    const Annotation* a;
    const Module* module;
  };
  std::map<std::pair<std::size_t, std::uint32_t>, std::vector<const Annotation*>> by_rule_;
  std::map<std::vector<std::string>, Declared> document_;
  std::map<std::vector<std::string>, Declared> package_;
  std::map<std::vector<std::string>, Declared> subpackages_;
};

}  // namespace gatehouse::rego
