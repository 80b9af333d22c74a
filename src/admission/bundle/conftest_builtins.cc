#include "admission/bundle/conftest_builtins.h"

#include "admission/bundle/input_documents.h"
#include "rego/builtins/builtin_helpers.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::admission::bundle {
namespace {

rego::BuiltinResult ParseConfig(rego::BuiltinContext&, std::span<const rego::Value> args) {
  auto name = rego::builtins::StringArg("parse_config", args, 1);
  if (!name) return name.error();
  auto content = rego::builtins::StringArg("parse_config", args, 2);
  if (!content) return content.error();
  auto parser = ParserByName(*name);
  if (!parser) {
    return rego::BuiltinError("parse_config", "create config parser: " + parser.error().message);
  }
  value::JsonLimits limits;
  limits.max_bytes = 16 << 20;
  limits.max_depth = 512;
  const std::string_view text = *content;
  const bool several = text.find("\n---\n") != std::string_view::npos ||
                       text.find("\r\n---\r\n") != std::string_view::npos;
  // Conftest's parsers give one value, or for a multi-document YAML text the list of its
  // documents (split as input files are).
  if (*parser == InputParser::kYaml && several) {
    InputLimits input_limits;
    input_limits.max_bytes = limits.max_bytes;
    input_limits.max_depth = limits.max_depth;
    InputDocuments docs = ParseInputDocuments(text, *parser, input_limits);
    if (!docs.errors.empty()) {
      return rego::BuiltinError("parse_config", "parser unmarshal: " + docs.errors.front().message);
    }
    return std::optional<rego::Value>(rego::Value::Array(std::move(docs.documents)));
  }
  auto parsed = *parser == InputParser::kJson ? value::ParseJson(text, limits)
                                              : value::ParseYaml(text, limits);
  if (!parsed)
    return rego::BuiltinError("parse_config", "parser unmarshal: " + parsed.error().message);
  return std::optional<rego::Value>(rego::FromJson(*parsed));
}

}  // namespace

const rego::BuiltinRegistry& BundleBuiltins() {
  static const rego::BuiltinRegistry registry = [] {
    rego::BuiltinRegistry r;
    for (const rego::Builtin* b : rego::StandardBuiltins().All()) r.Add(*b);
    rego::builtins::Add(r, "parse_config", {rego::kTString, rego::kTString}, rego::kTAny,
                        ParseConfig);
    return r;
  }();
  return registry;
}

}  // namespace gatehouse::admission::bundle
