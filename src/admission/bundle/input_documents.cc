#include "admission/bundle/input_documents.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "admission/admission_errors.h"
#include "common/go_text.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::admission::bundle {
namespace {

std::string_view BaseName(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Conftest's parser names (parser/parser.go), beyond yaml and json.
constexpr std::array<std::string_view, 22> kOtherParsers = {
    "toml",      "cue",    "ini",        "hocon",     "hcl1", "hcl2",   "jsonc",      "jsonnet",
    "nginx",     "edn",    "groovy",     "vcl",       "xml",  "ignore", "properties", "spdx",
    "cyclonedx", "dotenv", "dockerfile", "textproto", "hcl",  "env"};

bool IsOtherParser(std::string_view name) {
  return std::find(kOtherParsers.begin(), kOtherParsers.end(), name) != kOtherParsers.end();
}

// The parser name Conftest derives from a file name ("" when none).
std::string DerivedParserName(std::string_view path) {
  if (path == "-") return "yaml";
  const std::string base = GoToLower(BaseName(path));  // Conftest's strings.ToLower
  const std::size_t dot = base.find_last_of('.');
  const std::string ext = dot == std::string::npos ? "" : base.substr(dot + 1);
  if (base == "dockerfile" || base.starts_with("dockerfile.") || ext == "dockerfile") {
    return "dockerfile";
  }
  if (ext == "yml" || ext == "yaml") return "yaml";
  if (ext == "json") return "json";
  if (ext == "hcl" || ext == "tf" || ext == "tfvars") return "hcl2";
  if (ext == "gitignore" || ext == "dockerignore") return "ignore";
  if (base == ".env" || base.starts_with(".env.") || ext == "env") return "dotenv";
  if (base == "nginx.conf") return "nginx";
  if (base == "jenkinsfile" || base.starts_with("jenkinsfile.")) return "groovy";
  if (ext == "textproto" || ext == "textpb") return "textproto";
  return ext;
}

Result<InputParser> FromName(const std::string& name, std::string_view path_suffix) {
  if (name == "yaml") return InputParser::kYaml;
  if (name == "json") return InputParser::kJson;
  if (IsOtherParser(name)) {
    return MakeError(AdmissionError::kInvalidInput, "parser " + name +
                                                        " is not supported by gatehouse (yaml "
                                                        "and json are)" +
                                                        std::string(path_suffix));
  }
  return MakeError(AdmissionError::kInvalidInput,
                   "unknown parser: " + name + std::string(path_suffix));
}

// The 1-based line of byte `offset` in `text`.
std::size_t LineAt(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(
                 text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Rewrites "line N" in a YAML error of a part starting at line `first_line` of the file.
std::string ShiftLine(std::string message, std::size_t first_line) {
  if (first_line <= 1) return message;
  const std::string key = "line ";
  const std::size_t at = message.find(key);
  if (at == std::string::npos) return message;
  std::size_t end = at + key.size();
  std::size_t n = 0;
  bool digits = false;
  while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) {
    n = n * 10 + static_cast<std::size_t>(message[end] - '0');
    ++end;
    digits = true;
  }
  if (!digits) return message;
  return message.substr(0, at + key.size()) + std::to_string(n + first_line - 1) +
         message.substr(end);
}

void AddDocument(rego::Value doc, InputDocuments& out) {
  if (doc.is_array()) {
    for (const rego::Value& item : doc.Items()) out.documents.push_back(item);
    return;
  }
  out.documents.push_back(std::move(doc));
}

}  // namespace

Result<InputParser> ParserForPath(std::string_view path) {
  return FromName(DerivedParserName(path), ", path: " + std::string(path));
}

Result<InputParser> ParserByName(std::string_view name) { return FromName(std::string(name), ""); }

bool InputFileSupported(std::string_view path) {
  const std::string name = DerivedParserName(path);
  return name == "yaml" || name == "json" || IsOtherParser(name);
}

InputDocuments ParseInputDocuments(std::string_view text, InputParser parser,
                                   const InputLimits& limits) {
  InputDocuments out;
  value::JsonLimits json_limits;
  json_limits.max_bytes = limits.max_bytes;
  json_limits.max_depth = limits.max_depth;
  if (text.size() > limits.max_bytes) {
    out.errors.push_back({1, "input of " + std::to_string(text.size()) +
                                 " bytes exceeds the limit of " +
                                 std::to_string(limits.max_bytes)});
    return out;
  }
  if (parser == InputParser::kJson) {
    std::string_view body = text;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // Go's json strips a BOM
    auto parsed = value::ParseJson(body, json_limits);
    if (!parsed) {
      out.errors.push_back({1, parsed.error().message});
      return out;
    }
    AddDocument(rego::FromJson(*parsed), out);
    return out;
  }
  // Conftest splits the bytes, not the YAML stream.
  const std::string_view separator =
      text.find("\r\n") != std::string_view::npos ? "\r\n---\r\n" : "\n---\n";
  std::vector<std::pair<std::size_t, std::string_view>> parts;  // (offset, text)
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.emplace_back(start, text.substr(start));
      break;
    }
    parts.emplace_back(start, text.substr(start, at - start));
    start = at + separator.size();
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto parsed = value::ParseYaml(parts[i].second, json_limits);
    if (!parsed) {
      out.errors.push_back(
          {i + 1, ShiftLine(parsed.error().message, LineAt(text, parts[i].first))});
      continue;
    }
    rego::Value doc = rego::FromJson(*parsed);
    if (parts.size() == 1) {
      AddDocument(std::move(doc), out);
    } else {
      // A part that is itself a list is one document: Conftest splits only the outer list.
      out.documents.push_back(std::move(doc));
    }
  }
  return out;
}

}  // namespace gatehouse::admission::bundle
