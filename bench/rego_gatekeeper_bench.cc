// Rego engine benchmarks on the Gatekeeper library (issue 4):
//  1. the `containerlimits` template with its lib, on its `example_disallowed` sample, the
//     sample constraint's parameters as input.parameters and the object under
//     input.review.object: one prepared query, evaluated again and again. The reference is
//     OPA 0.60 on this machine type, about 550 µs per evaluation (from the issue; OPA cannot be
//     built here); the target is 10 times faster.
//  2. every case of all the library's suites, each query prepared once, evaluated in turn.
// The last lines print the per-evaluation times and the speed-up over the reference.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "conformance/conformance_dir.h"
#include "conformance/gatekeeper_suite.h"

namespace {

using namespace gatehouse;  // NOLINT: a benchmark program
namespace gk = gatehouse::testing::gatekeeper;

constexpr double kOpaContainerLimitsMicros = 550.0;

struct PreparedCase {
  std::string name;
  std::optional<rego::PreparedQuery> query;
  rego::Value input;
};

struct Library {
  std::vector<PreparedCase> cases;
  std::optional<PreparedCase> container_limits;
  std::string error;
};

Result<PreparedCase> Prepare(const gk::Test& test, const gk::Case& c) {
  rego::CompileOptions options;
  options.version = rego::RegoVersion::kV0;
  rego::Value data = rego::Value::Object({{rego::Value::String("inventory"), c.inventory}});
  auto policy = rego::ParseAndCompilePolicy(test.modules, data, options);
  if (!policy) return policy.error();
  auto query = rego::PreparedQuery::Prepare(*policy, "data." + test.package + ".violation");
  if (!query) return query.error();
  PreparedCase prepared;
  prepared.name = test.suite + "/" + test.name + "/" + c.name;
  prepared.query.emplace(std::move(*query));
  prepared.input = c.input;
  return prepared;
}

Library& TheLibrary() {
  static Library library = [] {
    Library lib;
    // $GATEHOUSE_CONFORMANCE_DIR/gatekeeper-library/library, or the compiled-in default.
    if (std::string missing = conformance::GatekeeperLibraryMissing(); !missing.empty()) {
      lib.error = missing;
      return lib;
    }
    auto tests = gk::LoadLibrary(conformance::GatekeeperLibraryDir().string());
    if (!tests) {
      lib.error = tests.error().ToString();
      return lib;
    }
    for (const gk::Test& test : *tests) {
      for (const gk::Case& c : test.cases) {
        auto prepared = Prepare(test, c);
        if (!prepared) {
          lib.error = test.suite + "/" + c.name + ": " + prepared.error().ToString();
          return lib;
        }
        if (test.suite == "containerlimits" && test.name == "container-limits" &&
            c.name == "example-disallowed") {
          lib.container_limits = *prepared;
        }
        lib.cases.push_back(std::move(*prepared));
      }
    }
    if (!lib.container_limits) lib.error = "containerlimits example-disallowed not found";
    return lib;
  }();
  return library;
}

void BM_ContainerLimitsDisallowed(benchmark::State& state) {
  Library& lib = TheLibrary();
  if (!lib.error.empty()) {
    state.SkipWithError(lib.error.c_str());
    return;
  }
  rego::EvalOptions options;
  options.input = lib.container_limits->input;
  std::size_t violations = 0;
  for (auto _ : state) {
    auto results = lib.container_limits->query->Eval(options);
    if (!results) {
      state.SkipWithError(results.error().ToString().c_str());
      return;
    }
    violations = results->empty() ? 0 : (*results)[0].expressions[0].size();
    benchmark::DoNotOptimize(results);
  }
  state.counters["violations"] = static_cast<double>(violations);
}
BENCHMARK(BM_ContainerLimitsDisallowed)->Unit(benchmark::kMicrosecond);

// One iteration evaluates every case of every suite once; the time per evaluation is the
// iteration time divided by the number of cases.
void BM_AllLibraryCases(benchmark::State& state) {
  Library& lib = TheLibrary();
  if (!lib.error.empty()) {
    state.SkipWithError(lib.error.c_str());
    return;
  }
  std::vector<rego::EvalOptions> options(lib.cases.size());
  for (std::size_t i = 0; i < lib.cases.size(); ++i) options[i].input = lib.cases[i].input;
  for (auto _ : state) {
    for (std::size_t i = 0; i < lib.cases.size(); ++i) {
      auto results = lib.cases[i].query->Eval(options[i]);
      benchmark::DoNotOptimize(results);
    }
  }
  state.counters["cases"] = static_cast<double>(lib.cases.size());
}
BENCHMARK(BM_AllLibraryCases)->Unit(benchmark::kMicrosecond);

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      const double us = run.GetAdjustedRealTime();  // in the benchmark's unit: µs
      if (run.benchmark_name().find("ContainerLimits") != std::string::npos) limits_us_ = us;
      if (run.benchmark_name().find("AllLibraryCases") != std::string::npos) {
        all_us_ = us;
        cases_ = run.counters.count("cases") ? run.counters.at("cases").value : 0;
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    if (limits_us_ > 0) {
      std::printf(
          "containerlimits example_disallowed: %.2f us per evaluation; OPA 0.60 "
          "reference %.0f us: %.1fx faster (target 10x)\n",
          limits_us_, kOpaContainerLimitsMicros, kOpaContainerLimitsMicros / limits_us_);
    }
    if (all_us_ > 0 && cases_ > 0) {
      std::printf("all %.0f library cases: %.2f us per evaluation on average\n", cases_,
                  all_us_ / cases_);
    }
  }

 private:
  double limits_us_ = 0, all_us_ = 0, cases_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
