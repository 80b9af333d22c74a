// ConstraintTemplate: a Gatekeeper template (templates.gatekeeper.sh v1, v1beta1, v1alpha1) read
// from its document, checked as Gatekeeper checks it, with its Rego compiled.
//
// The Rego comes from `spec.targets[0].rego` + `libs`, or from the `code` list's `engine: Rego`
// entry (`source.rego` + `source.libs`); it is Rego v0, as Gatekeeper's. Errors carry
// Gatekeeper's wording ("invalid ConstraintTemplate: ..."). Pure: no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rego/engine.h"
#include "value/value.h"

namespace gatehouse::admission {

// The one target Gatekeeper's admission side knows.
inline constexpr std::string_view kAdmissionTarget = "admission.k8s.gatekeeper.sh";

struct ConstraintTemplate {
  std::string name;         // metadata.name: the kind in lower case
  std::string kind;         // spec.crd.spec.names.kind: the constraint kind it defines
  std::string api_version;  // as written, e.g. "templates.gatekeeper.sh/v1"
  std::string package;      // the Rego package: violations are data.<package>.violation
  std::vector<rego::SourceFile> modules;  // the template's Rego first, then its libs
  // spec.targets[0].operations: the admission operations it judges (empty or "*": all).
  std::vector<std::string> operations;
  // spec.crd.spec.validation.openAPIV3Schema (null when absent): the parameters' schema.
  value::Value parameters_schema;
};

// Reads and checks one template document. `source` names it in messages and module names.
Result<ConstraintTemplate> ParseConstraintTemplate(const value::Value& doc,
                                                   std::string_view source);

// The template's Rego compiled (v0) with `data` beside it, or a template_compile_error that
// carries the compiler's position and message.
Result<std::shared_ptr<const rego::CompiledPolicy>> CompileTemplate(const ConstraintTemplate& t,
                                                                    const rego::Value& data);

}  // namespace gatehouse::admission
