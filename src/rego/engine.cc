#include "rego/engine.h"

#include <algorithm>
#include <tuple>

#include "common/common_errors.h"
#include "rego/annotations.h"
#include "rego/compiler.h"
#include "rego/eval.h"
#include "rego/parser.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::rego {

Result<std::shared_ptr<const CompiledPolicy>> CompilePolicy(std::vector<Module> modules, Value data,
                                                            const CompileOptions& options) {
  if (!data.is_object()) data = Value::EmptyObject();
  ir::CompileSettings settings;
  settings.builtins = options.builtins;
  auto program = ir::CompileModules(std::move(modules), data, settings);
  if (!program) return program.error();
  return std::shared_ptr<const CompiledPolicy>(
      std::make_shared<CompiledPolicy>(std::move(*program), options));
}

Result<std::shared_ptr<const CompiledPolicy>> ParseAndCompilePolicy(
    const std::vector<SourceFile>& files, Value data, const CompileOptions& options) {
  std::vector<Module> modules;
  modules.reserve(files.size());
  for (const SourceFile& f : files) {
    auto m = ParseModule(f.filename, f.text, options.version);
    if (!m) return m.error();
    modules.push_back(std::move(*m));
  }
  return CompilePolicy(std::move(modules), std::move(data), options);
}

Value QueryResult::ToValue() const {
  std::vector<Value> exprs;
  exprs.reserve(expressions.size());
  for (const Value& v : expressions) {
    exprs.push_back(Value::Object({{Value::String("value"), v}}));
  }
  std::vector<Member> b;
  for (const auto& [name, v] : bindings) b.emplace_back(Value::String(name), v);
  std::vector<Member> out;
  out.emplace_back(Value::String("expressions"), Value::Array(std::move(exprs)));
  if (!b.empty()) out.emplace_back(Value::String("bindings"), Value::Object(std::move(b)));
  return Value::Object(std::move(out));
}

Result<PreparedQuery> PreparedQuery::Prepare(std::shared_ptr<const CompiledPolicy> policy,
                                             std::string_view query, RegoVersion version) {
  auto parsed = ParseQuery("query", query, version);
  if (!parsed) return parsed.error();
  ir::CompileSettings settings;
  settings.builtins = policy->options().builtins;
  auto compiled = ir::CompileQuery(policy->program(), *parsed, "query", settings);
  if (!compiled) return compiled.error();
  PreparedQuery q;
  q.policy_ = std::move(policy);
  q.query_ = std::shared_ptr<const ir::CompiledQuery>(std::move(*compiled));
  return q;
}

Result<ResultSet> PreparedQuery::Eval(const EvalOptions& options) const {
  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Instance();
  BuiltinContext ctx;
  ctx.now_ns =
      options.now_ns != 0
          ? options.now_ns
          : std::chrono::duration_cast<std::chrono::nanoseconds>(clock.Now().time_since_epoch())
                .count();
  ctx.strict_errors = options.strict_builtin_errors;
  ctx.print = options.print;
  ctx.print_location = options.print_location;
  ir::EvalLimits limits;
  limits.max_steps = options.max_steps;
  limits.max_depth = options.max_depth;
  limits.clock = &clock;
  limits.deadline = options.deadline;
  ir::Evaluator ev(policy_->program(), ctx, limits);
  ev.SetInput(options.input);
  for (const DataOverlay& overlay : options.data) {
    std::vector<Value> path;
    path.reserve(overlay.path.size());
    for (const std::string& segment : overlay.path) path.push_back(Value::String(segment));
    ev.OverlayData(std::move(path), overlay.value);
  }
  ResultSet rs;
  const ir::CompiledQuery& q = *query_;
  Status st = ev.Run(q, [&] {
    QueryResult r;
    r.expressions.reserve(q.expr_count);
    for (std::size_t i = 0; i < q.expr_count; ++i) {
      r.expressions.push_back(ev.ExprValue(i).value_or(Value::Bool(true)));
    }
    for (const auto& [name, slot] : q.vars) {
      std::optional<Value> v = ev.SlotValue(slot);
      if (v) r.bindings.emplace_back(name, std::move(*v));
    }
    rs.push_back(std::move(r));
    return rs.size() < 1'000'000;
  });
  if (!st) return st.error();
  return rs;
}

namespace {

Result<Value> MergeData(const Value& a, const Value& b, const std::string& where) {
  if (!a.is_object() || !b.is_object()) {
    return MakeError(CommonError::kConflict, "data documents conflict at " + where);
  }
  std::vector<Member> members(a.Members().begin(), a.Members().end());
  for (const Member& m : b.Members()) {
    bool found = false;
    for (Member& x : members) {
      if (x.first == m.first) {
        auto merged = MergeData(x.second, m.second, where + "." + std::string(m.first.AsString()));
        if (!merged) return merged.error();
        x.second = std::move(*merged);
        found = true;
      }
    }
    if (!found) members.push_back(m);
  }
  return Value::Object(std::move(members));
}

}  // namespace

Result<Value> LoadDataDocuments(const std::vector<SourceFile>& files) {
  Value root = Value::EmptyObject();
  for (const SourceFile& f : files) {
    std::string_view name = f.filename;
    bool yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    Value doc;
    if (yaml) {
      auto y = value::ParseYaml(f.text);
      if (!y) return y.error();
      doc = FromJson(*y);
    } else {
      auto j = value::ParseJson(f.text);
      if (!j) return j.error();
      doc = FromJson(*j);
    }
    // Nest under the file's directory path.
    std::vector<std::string> dirs;
    std::size_t start = 0;
    while (true) {
      std::size_t slash = name.find('/', start);
      if (slash == std::string_view::npos) break;
      if (slash > start) dirs.emplace_back(name.substr(start, slash - start));
      start = slash + 1;
    }
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      if (*it == ".") continue;
      doc = Value::Object({{Value::String(*it), doc}});
    }
    auto merged = MergeData(root, doc, "data");
    if (!merged) return merged.error();
    root = std::move(*merged);
  }
  return root;
}

std::vector<AnnotationRef> ListAnnotations(const CompiledPolicy& policy) {
  std::vector<AnnotationRef> out;
  for (const Module& m : policy.program().modules) {
    for (const Annotation& a : m.annotations) {
      AnnotationRef ref;
      const bool on_rule =
          a.scope == Annotation::Scope::kRule || a.scope == Annotation::Scope::kDocument;
      ref.path = on_rule ? RulePath(m, m.rules[a.rule]) : m.package.segments;
      ref.file = m.filename;
      ref.loc = a.loc;
      ref.annotations = a.document;
      out.push_back(std::move(ref));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const AnnotationRef& x, const AnnotationRef& y) {
    return std::tie(x.path, x.file, x.loc.row, x.loc.col) <
           std::tie(y.path, y.file, y.loc.row, y.loc.col);
  });
  return out;
}

}  // namespace gatehouse::rego
