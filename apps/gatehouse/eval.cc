// `gatehouse eval` and `gatehouse bench`: the Rego engine on files, in the manner of `opa eval`
// and `opa bench`. Both load policies and data with LoadPolicyFiles (-d), compile once, prepare
// the query once; eval prints the result set, bench evaluates it --count times and prints the
// mean time and allocations per evaluation.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "gatehouse/allocation_counter.h"
#include "gatehouse/app_errors.h"
#include "gatehouse/commands.h"
#include "gatehouse/policy_files.h"
#include "rego/engine.h"
#include "rego/parser.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::app {
namespace {

struct EvalFlags {
  std::vector<std::string> data_paths;
  std::string input_path;
  std::string rego_version = "v1";
  std::string format = "json";
  std::string query;
  bool strict_builtin_errors = false;
  long count = 1000;
};

// Inputs and data documents may be large (cluster inventories): more room than a webhook body.
value::JsonLimits DocumentLimits() {
  value::JsonLimits limits;
  limits.max_bytes = 64 << 20;
  limits.max_depth = 512;
  return limits;
}

Result<rego::Value> LoadInput(const std::string& path) {
  Result<std::string> text = ReadWholeFile(path);
  if (!text) return text.error();
  const bool yaml = path.ends_with(".yaml") || path.ends_with(".yml");
  Result<value::Value> parsed =
      yaml ? value::ParseYaml(*text, DocumentLimits()) : value::ParseJson(*text, DocumentLimits());
  if (!parsed) return MakeError(parsed.error().code, path + ": " + parsed.error().message);
  return rego::FromJson(*parsed);
}

// The policy, the prepared query and the input, ready to evaluate.
struct Prepared {
  std::optional<rego::PreparedQuery> query;
  std::optional<rego::Value> input;
};

Result<Prepared> Prepare(const EvalFlags& flags) {
  rego::RegoVersion version;
  if (flags.rego_version == "v1" || flags.rego_version == "1") {
    version = rego::RegoVersion::kV1;
  } else if (flags.rego_version == "v0" || flags.rego_version == "0") {
    version = rego::RegoVersion::kV0;
  } else {
    return MakeError(AppError::kInvalidFlag, "--rego-version must be v0 or v1");
  }
  Result<PolicyFiles> files = LoadPolicyFiles(flags.data_paths);
  if (!files) return files.error();
  Result<rego::Value> data = rego::LoadDataDocuments(files->data);
  if (!data) return data.error();
  rego::CompileOptions options;
  options.version = version;
  Result<std::shared_ptr<const rego::CompiledPolicy>> policy =
      rego::ParseAndCompilePolicy(files->modules, std::move(*data), options);
  if (!policy) return policy.error();
  Result<rego::PreparedQuery> query =
      rego::PreparedQuery::Prepare(std::move(*policy), flags.query, version);
  if (!query) return query.error();
  Prepared prepared;
  prepared.query.emplace(std::move(*query));
  if (!flags.input_path.empty()) {
    Result<rego::Value> input = LoadInput(flags.input_path);
    if (!input) return input.error();
    prepared.input = std::move(*input);
  }
  return prepared;
}

int Fail(const Error& error) {
  // Evaluation errors already carry their code in OPA's form ("file:row: code: message").
  const bool has_code = error.message.find(error.code.wire()) != std::string::npos;
  std::cerr << "1 error occurred: " << (has_code ? error.message : error.ToString()) << "\n";
  return 1;
}

void PrintPretty(const rego::ResultSet& results) {
  if (results.empty()) {
    std::cout << "undefined\n";
    return;
  }
  // One solution with one expression and no variables: just its value, as `opa eval -f pretty`.
  if (results.size() == 1 && results[0].bindings.empty() && results[0].expressions.size() == 1) {
    std::cout << value::ToJson(rego::ToJson(results[0].expressions[0]), value::JsonStyle::kPretty)
              << "\n";
    return;
  }
  for (const rego::QueryResult& result : results) {
    std::string line;
    for (const auto& [name, bound] : result.bindings) {
      if (!line.empty()) line += "  ";
      line += name + "=" + rego::ToRegoText(bound);
    }
    if (line.empty()) {
      for (const rego::Value& expression : result.expressions) {
        if (!line.empty()) line += "  ";
        line += rego::ToRegoText(expression);
      }
    }
    std::cout << line << "\n";
  }
}

int RunEval(const EvalFlags& flags) {
  if (flags.format != "json" && flags.format != "pretty") {
    return Fail(MakeError(AppError::kInvalidFlag, "--format must be json or pretty"));
  }
  Result<Prepared> prepared = Prepare(flags);
  if (!prepared) return Fail(prepared.error());
  rego::EvalOptions options;
  options.input = prepared->input;
  options.strict_builtin_errors = flags.strict_builtin_errors;
  options.print = [](std::string_view line) { std::cerr << line << "\n"; };
  Result<rego::ResultSet> results = prepared->query->Eval(options);
  if (!results) return Fail(results.error());
  if (flags.format == "pretty") {
    PrintPretty(*results);
    return 0;
  }
  std::vector<rego::Value> items;
  items.reserve(results->size());
  for (const rego::QueryResult& result : *results) items.push_back(result.ToValue());
  rego::Value document = results->empty()
                             ? rego::Value::EmptyObject()
                             : rego::Value::Object({{rego::Value::String("result"),
                                                     rego::Value::Array(std::move(items))}});
  std::cout << value::ToJson(rego::ToJson(document), value::JsonStyle::kPretty) << "\n";
  return 0;
}

}  // namespace

namespace {

int RunBench(const EvalFlags& flags) {
  if (flags.count <= 0) return Fail(MakeError(AppError::kInvalidFlag, "--count must be positive"));
  Result<Prepared> prepared = Prepare(flags);
  if (!prepared) return Fail(prepared.error());
  rego::EvalOptions options;
  options.input = prepared->input;
  options.strict_builtin_errors = flags.strict_builtin_errors;
  // Warm-up: the first evaluation may fill caches (regex, glob) that later ones reuse.
  Result<rego::ResultSet> first = prepared->query->Eval(options);
  if (!first) return Fail(first.error());
  const std::uint64_t allocations_before = ThreadAllocations();
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < flags.count; ++i) {
    Result<rego::ResultSet> results = prepared->query->Eval(options);
    if (!results) return Fail(results.error());
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  const double per_op = ns / static_cast<double>(flags.count);
  const double allocs = static_cast<double>(ThreadAllocations() - allocations_before) /
                        static_cast<double>(flags.count);
  std::printf("%-24s %12s\n", "metric", "value");
  std::printf("%-24s %12ld\n", "evaluations", flags.count);
  std::printf("%-24s %12.0f\n", "ns/op", per_op);
  std::printf("%-24s %12.1f\n", "allocs/op", allocs);
  std::printf("%-24s %12zu\n", "results", first->size());
  return 0;
}

void AddCommonFlags(CLI::App* cmd, EvalFlags* flags) {
  cmd->add_option("-d,--data", flags->data_paths,
                  "policy or data file or directory (repeatable): .rego, .json, .yaml");
  cmd->add_option("-i,--input", flags->input_path, "input document (JSON or YAML)");
  cmd->add_option("--rego-version", flags->rego_version, "Rego syntax of the modules: v0 or v1")
      ->capture_default_str();
  cmd->add_flag("--strict-builtin-errors", flags->strict_builtin_errors,
                "halt on the first builtin error instead of treating the call as undefined");
  cmd->add_option("query", flags->query, "the Rego query, e.g. data.k8s.deny")->required();
}

}  // namespace

void RegisterEvalCommands(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* eval = app.add_subcommand("eval", "evaluate a Rego query (like `opa eval`)");
  AddCommonFlags(eval, flags.get());
  eval->add_option("-f,--format", flags->format, "output format: json or pretty")
      ->capture_default_str();
  eval->callback([flags, exit_code] { *exit_code = RunEval(*flags); });

  auto bench_flags = std::make_shared<EvalFlags>();
  CLI::App* bench = app.add_subcommand(
      "bench", "time a prepared Rego query (like `opa bench`): ns/op, allocs/op");
  AddCommonFlags(bench, bench_flags.get());
  bench->add_option("--count", bench_flags->count, "evaluations to time")->capture_default_str();
  bench->callback([bench_flags, exit_code] { *exit_code = RunBench(*bench_flags); });
}

}  // namespace gatehouse::app
