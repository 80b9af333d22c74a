// Fuzzes the YAML reader (configuration files, sync configs): any input must give a Value or an
// Error within the limits, never a crash, hang or sanitizer report. The first byte picks the
// entry point (single document or stream) and the depth limit; a parsed document must also be
// writable as JSON (nothing libyaml hands us may leave the Value model inconsistent).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "value/json.h"
#include "value/value.h"
#include "value/yaml.h"

namespace {}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  namespace value = gatehouse::value;
  const std::uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  value::YamlLimits limits;
  limits.max_bytes = 1 << 16;
  limits.max_depth = (mode & 2) != 0 ? 8 : 64;
  limits.reject_duplicate_keys = (mode & 4) != 0;
  if ((mode & 1) != 0) {
    gatehouse::Result<std::vector<value::Value>> docs = value::ParseYamlStream(text, limits);
    if (!docs) {
      if (docs.error().code.wire().empty()) std::abort();
      return 0;
    }
    for (const value::Value& doc : *docs) (void)value::ToJson(doc);
    return 0;
  }
  gatehouse::Result<value::Value> doc = value::ParseYaml(text, limits);
  if (!doc) {
    if (doc.error().code.wire().empty()) std::abort();
    return 0;
  }
  (void)value::ToJson(doc.value());
  return 0;
}
