// Fuzzes the template loader and the rest of Gatekeeper's resources as the directory source reads
// them: a YAML stream (the server's limits) → PolicySet::Build (ConstraintTemplates parsed,
// checked and compiled; constraints with their match criteria and parameters' schema; the
// Config). Any input must give a set, with what failed listed as problems, never a crash; every
// constraint kept must have its template.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "admission/policy_set.h"
#include "value/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;  // NOLINT: a fuzz target
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  value::YamlLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_depth = 64;
  auto docs = value::ParseYamlStream(text, limits);
  if (!docs) return 0;
  std::vector<admission::SourcedDocument> sourced;
  for (value::Value& d : *docs) sourced.push_back({"fuzz.yaml", std::move(d)});
  auto set = admission::PolicySet::Build(sourced);
  for (const admission::Constraint& c : set->constraints()) {
    if (set->FindTemplate(c.kind) == nullptr) std::abort();
  }
  auto again = admission::PolicySet::Build(sourced, set.get());
  if (again->constraints().size() < set->constraints().size()) std::abort();
  return 0;
}
