// What one Conftest-style check produces: per (file, namespace) pair, the count of passed rules
// and the failures, warnings, exceptions and skipped results, with their messages, locations and
// metadata, as Conftest's output.CheckResult holds them (docs/conftest-compat.md sections 3-4).
// Plain data; the order of each list is the order the results were found in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rego/value.h"

namespace gatehouse::admission::bundle {

// Where a policy says a result comes from (an object result's `_loc`). As in Conftest's
// parseLocation, a location is only set when it names a file or a line; "" is no file and 0 no
// line (json then leaves them out, as Go's omitempty does).
struct ResultLocation {
  std::string file;
  std::int64_t line = 0;
};

struct CheckMessage {
  std::string msg;
  std::optional<ResultLocation> loc;
  // An object of the result's other keys plus "query" (failures and warnings), or null when
  // there is none (exceptions, verify results).
  rego::Value metadata;
};

struct CheckResult {
  std::string filename;    // as given on the command line; "-" for stdin; "Combined"
  std::string namespace_;  // the package path without "data." ("" for verify results)
  std::int64_t successes = 0;
  std::vector<CheckMessage> skipped;
  std::vector<CheckMessage> warnings;
  std::vector<CheckMessage> failures;
  std::vector<CheckMessage> exceptions;

  std::int64_t tests() const {
    return successes + static_cast<std::int64_t>(skipped.size() + warnings.size() +
                                                 failures.size() + exceptions.size());
  }
};

}  // namespace gatehouse::admission::bundle
