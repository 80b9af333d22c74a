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

void CheckRoundTrip(const value::Value& parsed, value::JsonStyle style,
                    const value::JsonLimits& limits) {
  const std::string text = value::ToJson(parsed, style);
  value::JsonLimits again = limits;
  // Escaping may grow a string up to six times (a control byte becomes \u00XX).
  again.max_bytes = 8 * limits.max_bytes + 64;
  again.reject_duplicate_keys = true;  // the writer never repeats a key
  gatehouse::Result<value::Value> reparsed = value::ParseJson(text, again);
  if (!reparsed) {
    std::fprintf(stderr, "ToJson output does not parse (%s): %s\n",
                 std::string(reparsed.error().code.wire()).c_str(), text.substr(0, 400).c_str());
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
    if (parsed.error().code.wire().empty()) std::abort();
    return 0;
  }
  CheckRoundTrip(*parsed, value::JsonStyle::kCompact, limits);
  CheckRoundTrip(*parsed, value::JsonStyle::kPretty, limits);
  return 0;
}
