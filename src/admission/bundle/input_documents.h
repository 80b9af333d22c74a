// The documents of one input file, as Conftest's parsers read them (docs/conftest-compat.md
// section 2): the parser chosen by the file's name or forced by --parser, YAML split literally
// on "\n---\n" (or "\r\n---\r\n") with empty parts kept as null documents, JSON read whole, and a
// top-level array split into its elements. Unlike Conftest, a part that does not parse does not
// abort the file: it is reported with its document number and line, and the other documents are
// still returned. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::admission::bundle {

enum class InputParser { kYaml, kJson };

// The parser Conftest derives from a path's name: "-" and .yaml/.yml are yaml, .json json.
// Names Conftest knows for other formats (toml, hcl2, dockerfile, ...) are invalid_policy_input
// "parser <name> is not supported by gatehouse (yaml and json are), path: <path>"; a name it does
// not know is "unknown parser: <ext>, path: <path>" in Conftest's words.
Result<InputParser> ParserForPath(std::string_view path);
// --parser NAME: "yaml" or "json"; other names are errors as above (without the path).
Result<InputParser> ParserByName(std::string_view name);
// Whether walking a directory keeps this file (Conftest keeps every file it has a parser for,
// so formats gatehouse lacks are kept too, to be refused rather than silently skipped).
bool InputFileSupported(std::string_view path);

struct DocumentError {
  std::size_t document = 0;  // 1-based, in file order
  std::string message;       // the parser's error, lines counted in the whole file
};

struct InputDocuments {
  // Every document that parsed, top-level arrays already split, in file order.
  std::vector<rego::Value> documents;
  std::vector<DocumentError> errors;
};

struct InputLimits {
  std::size_t max_bytes = 64 << 20;  // the whole file
  std::size_t max_depth = 512;
};

InputDocuments ParseInputDocuments(std::string_view text, InputParser parser,
                                   const InputLimits& limits = {});

}  // namespace gatehouse::admission::bundle
