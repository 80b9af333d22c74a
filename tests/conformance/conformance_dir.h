// Where the third-party conformance suites live: OPA's Rego conformance cases and the
// Gatekeeper library. One setting for every test, runner and benchmark: the environment
// variable GATEHOUSE_CONFORMANCE_DIR, read at run time, else the compiled-in default
// GATEHOUSE_CONFORMANCE_DIR_DEFAULT (<repo>/../shared/conformance). A suite whose folder is
// absent is reported as skipped, with the path and this variable's name, never as passed.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace gatehouse::conformance {

inline std::filesystem::path ConformanceDir() {
  const char* env = std::getenv("GATEHOUSE_CONFORMANCE_DIR");
  if (env != nullptr && *env != '\0') return std::filesystem::path(env);
  return std::filesystem::path(GATEHOUSE_CONFORMANCE_DIR_DEFAULT);
}

// OPA's cases for Rego v1 syntax: <dir>/opa-v1/cases/<folder>/*.json.
inline std::filesystem::path OpaCasesDir() { return ConformanceDir() / "opa-v1" / "cases"; }

// The Gatekeeper library: <dir>/gatekeeper-library/library/**/{template,suite}.yaml.
inline std::filesystem::path GatekeeperLibraryDir() {
  return ConformanceDir() / "gatekeeper-library" / "library";
}

// Empty when the folder exists, else why the suite is skipped.
inline std::string MissingReason(const std::filesystem::path& dir, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return "";
  return what + " not found at " + dir.string() + "; set GATEHOUSE_CONFORMANCE_DIR";
}

inline std::string OpaCasesMissing() {
  return MissingReason(OpaCasesDir(), "OPA conformance cases");
}

inline std::string GatekeeperLibraryMissing() {
  return MissingReason(GatekeeperLibraryDir(), "Gatekeeper library");
}

// The exit code ctest's SKIP_RETURN_CODE property maps to "Skipped" for the runners.
inline constexpr int kSkipExitCode = 77;

}  // namespace gatehouse::conformance

// In a GoogleTest body: skip the test (reported as SKIPPED, with the reason) when the suite's
// folder is absent.
#define GATEHOUSE_REQUIRE_OPA_CASES()                                                   \
  do {                                                                                  \
    const std::string gatehouse_missing_ = ::gatehouse::conformance::OpaCasesMissing(); \
    if (!gatehouse_missing_.empty()) GTEST_SKIP() << gatehouse_missing_;                \
  } while (0)

#define GATEHOUSE_REQUIRE_GATEKEEPER_LIBRARY()                                                   \
  do {                                                                                           \
    const std::string gatehouse_missing_ = ::gatehouse::conformance::GatekeeperLibraryMissing(); \
    if (!gatehouse_missing_.empty()) GTEST_SKIP() << gatehouse_missing_;                         \
  } while (0)
