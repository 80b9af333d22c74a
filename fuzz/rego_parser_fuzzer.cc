// Fuzzes the Rego lexer and parser: any input must give a module/query or an error, never a
// crash, hang or sanitizer report. The first byte picks the mode (module or query, v0 or v1);
// a v1 module that parses must print and re-parse to the same text (an AST oracle).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rego/format.h"
#include "rego/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using gatehouse::rego::RegoVersion;
  const std::uint8_t mode = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  RegoVersion version = (mode & 1) != 0 ? RegoVersion::kV1 : RegoVersion::kV0;
  gatehouse::rego::ParseLimits limits;
  limits.max_bytes = 1 << 16;
  limits.max_depth = 200;
  if ((mode & 2) != 0) {
    auto query = gatehouse::rego::ParseQuery("fuzz", text, version, limits);
    if (query) {
      std::string printed = gatehouse::rego::FormatBody(query->ast, query->body);
      (void)printed;
    }
    return 0;
  }
  auto module = gatehouse::rego::ParseModule("fuzz.rego", text, version, limits);
  if (!module || version != RegoVersion::kV1) return 0;
  // A v1 module (no keyword-named vars) printed, with all future keywords, re-parses to the
  // same text; anything else means the printer or the parser lost structure.
  std::string printed = gatehouse::rego::FormatModule(*module);
  // `import rego.v1` would demand v1 syntax of the v0 text.
  for (std::size_t at; (at = printed.find("import rego.v1\n")) != std::string::npos;) {
    printed.erase(at, 15);
  }
  std::size_t eol = printed.find('\n');
  const std::string kImport = "import future.keywords\n";
  std::string again = printed.substr(0, eol + 1) + kImport + printed.substr(eol + 1);
  limits.max_bytes = 1 << 20;
  auto reparsed = gatehouse::rego::ParseModule("printed.rego", again, RegoVersion::kV0, limits);
  if (!reparsed) {
    std::fprintf(stderr, "printed module does not parse: %s\n%s\n",
                 reparsed.error().message.c_str(), again.c_str());
    std::abort();
  }
  std::string second = gatehouse::rego::FormatModule(*reparsed);
  second.erase(second.find(kImport), kImport.size());
  if (second != printed) {
    std::fprintf(stderr, "round trip differs:\n%s---\n%s", printed.c_str(), second.c_str());
    std::abort();
  }
  return 0;
}
