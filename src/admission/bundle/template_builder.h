// TemplateBuilder: a Conftest-style policy bundle turned into Gatekeeper ConstraintTemplates and
// Constraints that say what `gatehouse test` says (`gatehouse build-templates`).
//
// Each package with failure or warning rules (policy_bundle.h's naming), outside `lib.` and
// outside `*_test.rego` files, becomes a template named `gatehouse<id>` (id: the package's
// METADATA `custom.id`, else its last segment; lower case, without punctuation) whose constraint
// kind is `Gatehouse<CamelId>`, and a second template `gatehouse<id>warn` (kind
// `Gatehouse<CamelId>Warn`, constraint `enforcementAction: warn`) for its warning rules. The
// template's Rego is the package's module, rewritten token by token (strings and comments never
// touched, every other byte kept):
//   - `input` at the head of a reference becomes `input.review.object`;
//   - `data.gatehouse.request` (the AdmissionReview request the webhook gives a bundle) becomes
//     `input.review`; any other `data.<name>` but `data.lib` and `data.inventory` becomes
//     `input.parameters.<name>` (the constraint carries the data document as its parameters);
//   - the package becomes the template's name, and a rule of the policy's own named `violation`
//     becomes `_gatehouse_violation` (the name Gatekeeper reads is the generated one);
//   - Rego v1 text is made Rego v0 text with the same meaning, which is what Gatekeeper parses
//     from `rego`/`libs`: `import future.keywords` instead of `import rego.v1` or any keyword
//     import, and `p[x] if` written `p[x] := true if` (older v0 parsers read a partial set);
//   - appended: for each rule R the template runs, `violation` results
//     `{"msg": m, "details": {"rule": "R"}}` for R's results as Conftest reads them (strings, or
//     objects' string "msg"; empty messages pass; an object without a string msg is reported with
//     Conftest's error), none when Conftest's exception query for R holds in the package.
// Every non-test `lib.` module, rewritten the same way (package kept), goes into `libs`.
//
// The constraint (constraints.gatekeeper.sh/v1beta1, named after the id) matches METADATA
// `custom.kinds` (a kind, or "group/Kind"; well-known kinds get their API group, others "*"),
// every kind when there are none, and carries `spec.parameters`: the data document without `lib`
// and `inventory`, plus `gatehouse.annotation_domain` when one is given.
//
// Before returning, every template is read back from its YAML and checked as Gatekeeper checks
// it (imports only of data.lib.* and future.*, lib packages below `lib.`, data references only to
// data.lib and data.inventory, a `violation` rule, the Rego compiling as v0) and every constraint
// against its template. Pure: no I/O; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "rego/engine.h"
#include "rego/value.h"

namespace gatehouse::admission::bundle {

struct TemplateBuildOptions {
  rego::RegoVersion version = rego::RegoVersion::kV1;  // the syntax of the bundle's modules
  std::string annotation_domain;  // non-empty: parameters.gatehouse.annotation_domain
};

// One file to write, relative to the output directory ("gatehouseprivileged/template.yaml").
struct GeneratedFile {
  std::string path;
  std::string text;
};

struct GeneratedTemplate {
  std::string package;             // the bundle namespace it comes from ("policy.privileged")
  std::string name;                // the template's metadata.name ("gatehouseprivileged")
  std::string kind;                // the constraint kind ("GatehousePrivileged")
  std::string constraint_name;     // the constraint's metadata.name ("privileged")
  bool warn = false;               // the warning template (enforcementAction: warn)
  std::vector<std::string> rules;  // the Conftest rules its violations come from
};

struct TemplateBuild {
  std::vector<GeneratedTemplate> templates;  // in the bundle's namespace order
  std::vector<GeneratedFile> files;  // <name>/template.yaml and <name>/constraint.yaml, in order
};

// Builds the templates of a bundle (`files`: every module, test files included, as `gatehouse
// test -p` reads them; `data`: the merged data document). Errors: the bundle's own load errors
// (as PolicyBundle::Load gives them); invalid_policy_bundle for what a template cannot express
// (a package split over several files, a reference to the whole data document or to another
// package of the bundle, a bad `custom` METADATA entry, two packages with one template name, a
// name Kubernetes refuses); invalid_constraint_template / template_compile_error, prefixed with
// the package and template, for a template Gatekeeper would refuse.
Result<TemplateBuild> BuildTemplates(std::vector<rego::SourceFile> files, const rego::Value& data,
                                     const TemplateBuildOptions& options = {});

// How one module is rewritten for a template (see the header comment).
struct ModuleRewrite {
  rego::RegoVersion version = rego::RegoVersion::kV1;  // the module's syntax
  std::string package;  // the new package path; "" keeps the module's
  // The first segments of the bundle's other packages: `data.<root>` cannot be reached from a
  // template, so a reference to one is an error rather than a silent parameter lookup.
  std::vector<std::string> bundle_roots;
  bool rename_violation = false;  // `violation` → `_gatehouse_violation` (policy modules)
};

// The rewritten text; whether it is Rego v1 text made v0 is `*v1` (null: not wanted).
// Errors: the lexer's and parser's (rego_parse_error), invalid_policy_bundle for references a
// template cannot express, invalid_constraint_template for imports Gatekeeper refuses.
Result<std::string> RewriteModuleForTemplate(const rego::SourceFile& file,
                                             const ModuleRewrite& rewrite, bool* v1 = nullptr);

}  // namespace gatehouse::admission::bundle
