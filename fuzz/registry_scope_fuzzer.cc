// Fuzzes the registry token endpoint's request parsers: `scope` parameters (several, each with
// space-separated scopes, names with host:port) and robot login names. Any input must give a
// value or an Error, never a crash; a parsed scope must format and parse back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "registry/names.h"
#include "registry/scope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A NUL splits the input into several `scope` parameters, as a query string would.
  std::vector<std::string> params;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\0') {
      params.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  auto scopes = gatehouse::registry::ParseScopes(params);
  if (scopes) {
    for (const auto& scope : *scopes) {
      auto again = gatehouse::registry::ParseResourceScope(gatehouse::registry::FormatScope(scope));
      if (!again || again->name != scope.name || again->type != scope.type) std::abort();
    }
  }
  (void)gatehouse::registry::ParseRobotLoginName(text, gatehouse::registry::kDefaultRobotPrefix);
  return 0;
}
