#include "admission/bundle/policy_bundle.h"

#include <algorithm>
#include <cctype>
#include <span>
#include <utility>

#include "admission/admission_errors.h"
#include "admission/bundle/conftest_builtins.h"
#include "rego/parser.h"
#include "rego/rego_errors.h"

namespace gatehouse::admission::bundle {
namespace {

// `^(deny|violation)(_[a-zA-Z0-9]+)*$` and `^warn(_[a-zA-Z0-9]+)*$` after the given head.
bool SuffixesValid(std::string_view rest) {
  while (!rest.empty()) {
    if (rest.front() != '_') return false;
    rest.remove_prefix(1);
    std::size_t n = 0;
    while (n < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[n])) != 0)) ++n;
    if (n == 0) return false;
    rest.remove_prefix(n);
  }
  return true;
}

bool StartsWithHead(std::string_view name, std::string_view head) {
  return name.starts_with(head) && SuffixesValid(name.substr(head.size()));
}

// The head name of a rule that Conftest sees (`deny`, `warn_x`), or "" for ref heads and
// functions.
std::string_view RuleName(const rego::Module& m, const rego::Rule& r) {
  if (r.kind == rego::RuleKind::kFunction) return {};
  const rego::Term& ref = m.ast.term(r.ref);
  auto parts = m.ast.Children(ref);
  if (parts.size() != 1) return {};
  const rego::Term& head = m.ast.term(parts[0]);
  if (head.kind != rego::TermKind::kVar) return {};
  return m.ast.VarName(head);
}

// Conftest's problematicIf: `deny[msg] if { ... }` in v1 is a single-value rule with value
// true, not the partial set its author meant.
std::optional<std::size_t> ProblematicIfLine(const rego::Module& m) {
  for (const rego::Rule& r : m.rules) {
    if (r.kind != rego::RuleKind::kSingleValue || !r.uses_if || r.uses_contains ||
        !r.value_generated) {
      continue;
    }
    const rego::Term& ref = m.ast.term(r.ref);
    auto parts = m.ast.Children(ref);
    if (parts.size() < 2) continue;
    const rego::Term& head = m.ast.term(parts[0]);
    if (head.kind != rego::TermKind::kVar) continue;
    const std::string_view name = m.ast.VarName(head);
    if (IsFailureRule(name) || IsWarningRule(name)) return r.loc.row;
  }
  return std::nullopt;
}

std::string JoinPackage(const rego::Package& p) {
  std::string out;
  for (const std::string& s : p.segments) {
    if (!out.empty()) out += '.';
    out += s;
  }
  return out;
}

// One result of a rule value's element, or nothing for elements Conftest ignores.
Status AddElement(const rego::Value& v, const std::string& query, std::vector<CheckMessage>* out,
                  std::int64_t* passed) {
  CheckMessage message;
  if (v.is_string()) {
    message.msg = std::string(v.AsString());
    message.metadata =
        rego::Value::Object({{rego::Value::String("query"), rego::Value::String(query)}});
  } else if (v.is_object()) {
    const rego::Value* msg = v.Find("msg");
    if (msg == nullptr || !msg->is_string()) {
      return MakeError(AdmissionError::kBundleEvaluation,
                       "query rule: new result: \"msg\" field must be present and a string");
    }
    message.msg = std::string(msg->AsString());
    std::vector<rego::Member> meta;
    for (const rego::Member& m : v.Members()) {
      if (m.first.is_string() && (m.first.AsString() == "msg" || m.first.AsString() == "_loc" ||
                                  m.first.AsString() == "query")) {
        continue;
      }
      meta.push_back(m);
    }
    meta.emplace_back(rego::Value::String("query"), rego::Value::String(query));
    message.metadata = rego::Value::Object(std::move(meta));
    if (const rego::Value* loc = v.Find("_loc"); loc != nullptr && loc->is_object()) {
      const rego::Value* file = loc->Find("file");
      const rego::Value* line = loc->Find("line");
      if (file != nullptr && file->is_string() && line != nullptr && line->is_number()) {
        message.loc = ResultLocation{std::string(file->AsString()),
                                     static_cast<std::int64_t>(line->AsDouble().value_or(0))};
      }
    }
  } else {
    return Ok();  // numbers, booleans, arrays: ignored
  }
  if (message.msg.empty()) {
    ++*passed;  // a result without a message passes
    return Ok();
  }
  out->push_back(std::move(message));
  return Ok();
}

Error EvaluationError(std::string_view what, const Error& e, bool builtin_errors) {
  if (builtin_errors && e.code == rego::RegoError::kEvalBuiltin) {
    return MakeError(AdmissionError::kBundleEvaluation,
                     std::string(what) + ": built-in error: [" + e.message + "]");
  }
  return MakeError(AdmissionError::kBundleEvaluation,
                   std::string(what) + ": evaluating policy: " + e.message);
}

}  // namespace

bool IsFailureRule(std::string_view name) {
  return StartsWithHead(name, "deny") || StartsWithHead(name, "violation");
}

bool IsWarningRule(std::string_view name) { return StartsWithHead(name, "warn"); }

std::string ExceptionName(std::string_view rule) {
  if (rule == "deny" || rule == "violation" || rule == "warn") return "";
  std::string out(rule);
  for (std::string_view prefix : {"violation_", "deny_", "warn_"}) {
    if (std::string_view(out).starts_with(prefix)) out.erase(0, prefix.size());
  }
  return out;
}

bool HasWildcard(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

bool NamespacePatternMatches(std::string_view pattern, std::string_view ns) {
  std::size_t p = 0;
  std::size_t s = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_s = 0;
  while (s < ns.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_s = s;
      continue;
    }
    if (p < pattern.size() && pattern[p] == '[') {
      std::size_t q = p + 1;
      const bool negate = q < pattern.size() && pattern[q] == '^';
      if (negate) ++q;
      bool matched = false;
      bool closed = false;
      bool first = true;
      while (q < pattern.size()) {
        if (pattern[q] == ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        char lo = pattern[q];
        if (lo == '\\' && q + 1 < pattern.size()) lo = pattern[++q];
        char hi = lo;
        if (q + 2 < pattern.size() && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
          hi = pattern[q + 2];
          if (hi == '\\' && q + 3 < pattern.size()) {
            hi = pattern[q + 3];
            ++q;
          }
          q += 2;
        }
        if (ns[s] >= lo && ns[s] <= hi) matched = true;
        ++q;
      }
      if (!closed) return false;  // Go: ErrBadPattern, which matches nothing
      if (matched != negate) {
        p = q + 1;
        ++s;
        continue;
      }
    } else if (p < pattern.size() &&
               (pattern[p] == '?' || pattern[p] == ns[s] ||
                (pattern[p] == '\\' && p + 1 < pattern.size() && pattern[p + 1] == ns[s]))) {
      p += pattern[p] == '\\' ? 2 : 1;
      ++s;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    s = ++star_s;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<std::shared_ptr<const PolicyBundle>> PolicyBundle::Load(std::vector<rego::SourceFile> files,
                                                               rego::Value data,
                                                               const BundleOptions& options) {
  std::sort(files.begin(), files.end(), [](const rego::SourceFile& a, const rego::SourceFile& b) {
    return a.filename < b.filename;
  });
  std::vector<rego::Module> modules;
  modules.reserve(files.size());
  for (const rego::SourceFile& f : files) {
    auto m = rego::ParseModule(f.filename, f.text, options.version);
    if (!m) return m.error();
    modules.push_back(std::move(*m));
  }
  auto bundle = std::shared_ptr<PolicyBundle>(new PolicyBundle());
  // Conftest checks this after compiling: a compile error is reported first.
  std::optional<Error> problematic_if;
  for (const rego::Module& m : modules) {
    if (auto line = ProblematicIfLine(m); line && !problematic_if) {
      problematic_if = MakeError(AdmissionError::kInvalidBundle,
                                 "rule is using 'if' keyword without 'contains' keyword: rule in " +
                                     m.filename + " at line " + std::to_string(*line));
    }
  }
  for (const rego::Module& m : modules) {
    const std::string ns = JoinPackage(m.package);
    if (std::find(bundle->namespaces_.begin(), bundle->namespaces_.end(), ns) ==
        bundle->namespaces_.end()) {
      bundle->namespaces_.push_back(ns);
    }
    Namespace& entry = bundle->rules_[ns];
    for (const rego::Rule& r : m.rules) {
      const std::string_view name = RuleName(m, r);
      const bool failure = IsFailureRule(name);
      if (!failure && !IsWarningRule(name)) continue;
      ++entry.definitions;
      auto known = std::find_if(entry.rules.begin(), entry.rules.end(),
                                [&](const Rule& x) { return x.name == name; });
      if (known != entry.rules.end()) continue;
      Rule rule;
      rule.name = std::string(name);
      rule.failure = failure;
      rule.rule_query = "data." + ns + "." + rule.name;
      rule.exception_query = "data." + ns + ".exception[_][_] == \"" + ExceptionName(name) + "\"";
      entry.rules.push_back(std::move(rule));
    }
  }
  rego::CompileOptions compile;
  compile.version = options.version;
  compile.strict = options.strict;
  compile.builtins = &BundleBuiltins();
  if (options.builtins) {
    auto allowed = std::make_shared<rego::BuiltinRegistry>();
    for (const std::string& name : *options.builtins) {
      if (const rego::Builtin* b = BundleBuiltins().Find(name)) allowed->Add(*b);
    }
    bundle->builtins_ = allowed;
    compile.builtins = bundle->builtins_.get();
  }
  auto compiled = rego::CompilePolicy(std::move(modules), std::move(data), compile);
  if (!compiled) return compiled.error();
  bundle->policy_ = std::move(*compiled);
  if (problematic_if) return *problematic_if;
  for (auto& [ns, entry] : bundle->rules_) {
    for (Rule& rule : entry.rules) {
      auto q = rego::PreparedQuery::Prepare(bundle->policy_, rule.rule_query);
      if (!q) return q.error();
      rule.rule.emplace(std::move(*q));
      auto e = rego::PreparedQuery::Prepare(bundle->policy_, rule.exception_query);
      if (!e) return e.error();
      rule.exception.emplace(std::move(*e));
    }
  }
  return std::shared_ptr<const PolicyBundle>(std::move(bundle));
}

std::vector<std::string> PolicyBundle::SelectNamespaces(const std::vector<std::string>& patterns,
                                                        bool all) const {
  if (all) return namespaces_;
  const bool wildcard = std::any_of(patterns.begin(), patterns.end(),
                                    [](const std::string& p) { return HasWildcard(p); });
  if (!wildcard) return patterns;
  std::vector<std::string> out;
  for (const std::string& ns : namespaces_) {
    for (const std::string& p : patterns) {
      if (NamespacePatternMatches(p, ns)) {
        out.push_back(ns);
        break;
      }
    }
  }
  return out;
}

Status PolicyBundle::AddRuleResults(const Rule& rule, std::size_t exceptions,
                                    std::span<const rego::Value> values, CheckResult* result,
                                    std::int64_t* results, std::int64_t* successes) {
  if (exceptions > 0) {
    for (std::size_t i = 0; i < exceptions; ++i) {
      result->exceptions.push_back({rule.exception_query, std::nullopt, rego::Value()});
    }
    *results += static_cast<std::int64_t>(exceptions);
    return Ok();
  }
  std::vector<CheckMessage>& out = rule.failure ? result->failures : result->warnings;
  for (const rego::Value& v : values) {
    if ((!v.is_array() && !v.is_set()) || v.size() == 0) {
      ++*successes;
      continue;
    }
    const std::size_t before = out.size();
    for (const rego::Value& item : v.Items()) {
      if (Status s = AddElement(item, rule.rule_query, &out, successes); !s) return s;
    }
    *results += static_cast<std::int64_t>(out.size() - before);
  }
  return Ok();
}

namespace {

rego::EvalOptions EvalOptionsFor(const rego::Value& input, const CheckOptions& options) {
  rego::EvalOptions eval;
  eval.input = input;
  eval.data = options.data;
  eval.print = options.print;
  eval.print_location = true;
  eval.strict_builtin_errors = options.show_builtin_errors;
  eval.max_steps = options.max_steps;
  eval.clock = options.clock;
  eval.deadline = options.deadline;
  return eval;
}

}  // namespace

Status PolicyBundle::Check(std::string_view ns, const rego::Value& input,
                           const CheckOptions& options, CheckResult* result) const {
  auto found = rules_.find(ns);
  if (found == rules_.end()) return Ok();
  const Namespace& entry = found->second;
  const rego::EvalOptions eval = EvalOptionsFor(input, options);
  std::int64_t results = 0;
  std::int64_t successes = 0;
  for (const Rule& rule : entry.rules) {
    auto exceptions = rule.exception->Eval(eval);
    if (!exceptions) {
      return EvaluationError("query exception", exceptions.error(), options.show_builtin_errors);
    }
    auto values = rule.rule->Eval(eval);
    if (!values) return EvaluationError("query rule", values.error(), options.show_builtin_errors);
    std::vector<rego::Value> rule_values;
    for (const rego::QueryResult& r : *values) {
      if (!r.expressions.empty()) rule_values.push_back(r.expressions.front());
    }
    if (Status s =
            AddRuleResults(rule, exceptions->size(), rule_values, result, &results, &successes);
        !s) {
      return s;
    }
  }
  results += successes;
  if (results < entry.definitions) successes += entry.definitions - results;
  result->successes += successes;
  return Ok();
}

Result<std::shared_ptr<const NamespaceChecker>> NamespaceChecker::Prepare(
    std::shared_ptr<const PolicyBundle> bundle, std::vector<std::string> namespaces) {
  auto checker = std::shared_ptr<NamespaceChecker>(new NamespaceChecker());
  std::string query;
  std::size_t binding = 0;
  for (std::size_t i = 0; i < namespaces.size(); ++i) {
    auto found = bundle->rules_.find(namespaces[i]);
    if (found == bundle->rules_.end()) continue;
    for (const PolicyBundle::Rule& rule : found->second.rules) {
      Part part;
      part.ns = i;
      part.rule = &rule;
      // Each query of Conftest's as a comprehension: its solutions (exceptions), or the rule's
      // value when defined; undefined parts are empty, so the whole query has one solution.
      const std::string e = "gh_e" + std::to_string(checker->parts_.size());
      const std::string r = "gh_r" + std::to_string(checker->parts_.size());
      if (!query.empty()) query += "; ";
      query += e + " := [true | " + rule.exception_query + "]; " + r +
               " := [v | v := " + rule.rule_query + "]";
      part.exception_binding = binding++;
      part.value_binding = binding++;
      checker->parts_.push_back(part);
    }
  }
  if (!query.empty()) {
    auto q = rego::PreparedQuery::Prepare(bundle->policy_, query);
    if (!q) return q.error();
    checker->query_.emplace(std::move(*q));
  }
  checker->bundle_ = std::move(bundle);
  checker->namespaces_ = std::move(namespaces);
  return std::shared_ptr<const NamespaceChecker>(std::move(checker));
}

Status NamespaceChecker::Check(const rego::Value& input, const CheckOptions& options,
                               std::vector<CheckResult>* results) const {
  if (!query_) return Ok();
  std::vector<std::string> prints;
  rego::EvalOptions eval = EvalOptionsFor(input, options);
  if (options.print) eval.print = [&prints](std::string_view l) { prints.emplace_back(l); };
  auto rs = query_->Eval(eval);
  if (!rs || rs->size() != 1) {
    // Conftest's words for the failure: the namespaces one by one, up to the failing query.
    for (std::size_t i = 0; i < namespaces_.size(); ++i) {
      CheckResult scratch;
      if (Status s = bundle_->Check(namespaces_[i], input, options, &scratch); !s) return s;
    }
    return rs ? MakeError(AdmissionError::kBundleEvaluation, "query rule: no single solution")
              : EvaluationError("query rule", rs.error(), options.show_builtin_errors);
  }
  if (options.print) {
    for (const std::string& l : prints) options.print(l);
  }
  const auto& bindings = rs->front().bindings;
  std::vector<std::int64_t> counted(namespaces_.size(), 0);
  std::vector<std::int64_t> passed(namespaces_.size(), 0);
  for (const Part& part : parts_) {
    const rego::Value& exceptions = bindings[part.exception_binding].second;
    const rego::Value& values = bindings[part.value_binding].second;
    if (Status s =
            PolicyBundle::AddRuleResults(*part.rule, exceptions.size(), values.Items(),
                                         &(*results)[part.ns], &counted[part.ns], &passed[part.ns]);
        !s) {
      return s;
    }
  }
  for (std::size_t i = 0; i < namespaces_.size(); ++i) {
    auto found = bundle_->rules_.find(namespaces_[i]);
    if (found == bundle_->rules_.end()) continue;
    std::int64_t total = counted[i] + passed[i];
    if (total < found->second.definitions) passed[i] += found->second.definitions - total;
    (*results)[i].successes += passed[i];
  }
  return Ok();
}

}  // namespace gatehouse::admission::bundle
