// Helpers shared by the Rego compiler/evaluator/engine unit tests: compile modules (v1 unless
// told otherwise) and evaluate a query, returning the result set or the error.
#pragma once

#include <string>
#include <vector>

#include "rego/engine.h"
#include "rego/parser.h"

namespace gatehouse::rego::testing {

inline Result<std::shared_ptr<const CompiledPolicy>> Compile(
    const std::vector<std::string>& modules, Value data = Value::EmptyObject(),
    RegoVersion version = RegoVersion::kV1) {
  std::vector<SourceFile> files;
  for (std::size_t i = 0; i < modules.size(); ++i) {
    files.push_back({"m" + std::to_string(i) + ".rego", modules[i]});
  }
  CompileOptions opts;
  opts.version = version;
  return ParseAndCompilePolicy(files, std::move(data), opts);
}

inline Result<ResultSet> EvalQuery(const std::vector<std::string>& modules,
                                   const std::string& query, EvalOptions opts = {},
                                   Value data = Value::EmptyObject()) {
  auto policy = Compile(modules, std::move(data));
  if (!policy) return policy.error();
  auto q = PreparedQuery::Prepare(*policy, query);
  if (!q) return q.error();
  return q->Eval(opts);
}

// The value bound to `var` in the only solution; "<error: ...>" / "<n solutions>" otherwise.
inline std::string One(const Result<ResultSet>& rs, const std::string& var = "x") {
  if (!rs) return "<error: " + rs.error().ToString() + ">";
  if (rs->size() != 1) return "<" + std::to_string(rs->size()) + " solutions>";
  for (const auto& [name, v] : rs->front().bindings) {
    if (name == var) return ToRegoText(v);
  }
  return "<unbound>";
}

inline Value Json(const std::string& text) { return *ParseJsonText(text); }

inline EvalOptions WithInput(Value input) {
  EvalOptions opts;
  opts.input = std::move(input);
  return opts;
}

}  // namespace gatehouse::rego::testing
