// base64*, hex.*, json.* (marshal, unmarshal, is_valid, filter, remove, patch), yaml.* and
// urlquery.* builtins.
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "common/codec/base64.h"
#include "common/codec/hex.h"
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/go_json.h"
#include "rego/builtins/json_patch.h"
#include "rego/builtins/url_query.h"
#include "rego/builtins/yaml_writer.h"
#include "value/yaml.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;
using builtins::StringArg;

BuiltinResult Base64Encode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("base64.encode", args, 1);
  if (!s) return s.error();
  return Return(Value::String(codec::EncodeBase64(*s)));
}

BuiltinResult Base64Decode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("base64.decode", args, 1);
  if (!s) return s.error();
  auto out =
      codec::DecodeBase64Go(*s, codec::Base64Alphabet::kStandard, codec::Base64Padding::kPadded);
  if (!out) return BuiltinError("base64.decode", out.error().message);
  return Return(Value::String(std::move(*out)));
}

BuiltinResult Base64IsValid(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("base64.is_valid", args, 1);
  if (!s) return s.error();
  return Return(Value::Bool(
      codec::DecodeBase64Go(*s, codec::Base64Alphabet::kStandard, codec::Base64Padding::kPadded)
          .has_value()));
}

BuiltinResult Base64UrlEncode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("base64url.encode", args, 1);
  if (!s) return s.error();
  return Return(Value::String(
      codec::EncodeBase64(*s, codec::Base64Alphabet::kUrl, codec::Base64Padding::kPadded)));
}

BuiltinResult Base64UrlEncodeNoPad(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("base64url.encode_no_pad", args, 1);
  if (!s) return s.error();
  return Return(Value::String(codec::EncodeBase64Url(*s)));
}

BuiltinResult Base64UrlDecode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("base64url.decode", args, 1);
  if (!s) return s.error();
  // Padding is optional, as RFC 7515 Appendix C suggests (OPA adds it back).
  std::string text(*s);
  if (text.empty() || text.back() != '=') {
    switch (text.size() % 4) {
      case 0:
        break;
      case 2:
        text += "==";
        break;
      case 3:
        text += "=";
        break;
      default:
        // OPA repeats the input here; we do not, as it may be a token.
        return BuiltinError("base64url.decode", "illegal base64url string");
    }
  }
  auto out =
      codec::DecodeBase64Go(text, codec::Base64Alphabet::kUrl, codec::Base64Padding::kPadded);
  if (!out) return BuiltinError("base64url.decode", out.error().message);
  return Return(Value::String(std::move(*out)));
}

BuiltinResult HexEncode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("hex.encode", args, 1);
  if (!s) return s.error();
  return Return(Value::String(codec::EncodeHex(*s)));
}

BuiltinResult HexDecode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("hex.decode", args, 1);
  if (!s) return s.error();
  auto out = codec::DecodeHex(*s);
  if (!out) return BuiltinError("hex.decode", out.error().message);
  return Return(Value::String(std::move(*out)));
}

BuiltinResult JsonMarshal(BuiltinContext&, std::span<const Value> args) {
  return Return(Value::String(builtins::GoJson(args[0])));
}

BuiltinResult JsonMarshalWithOptions(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "json.marshal_with_options";
  if (!args[1].is_object()) return OperandTypeError(kName, 2, "object", args[1]);
  std::string prefix;
  std::string indent = "\t";
  bool pretty = false;
  bool pretty_explicit = false;
  for (const auto& [k, v] : args[1].Members()) {
    if (!k.is_string()) return OperandTypeError(kName, 2, "object with string keys", k);
    const std::string_view key = k.AsString();
    if (key == "prefix" || key == "indent") {
      if (!v.is_string()) {
        return builtins::TypeError(std::string(kName) + ": operand 2 \"" + std::string(key) +
                                   "\" must be string but got " + std::string(TypeName(v.kind())));
      }
      (key == "prefix" ? prefix : indent) = std::string(v.AsString());
      pretty = true;
    } else if (key == "pretty") {
      if (!v.is_bool()) {
        return builtins::TypeError(std::string(kName) +
                                   ": operand 2 \"pretty\" must be boolean but got " +
                                   std::string(TypeName(v.kind())));
      }
      pretty_explicit = true;
      pretty = *v.AsBool();
    } else {
      return builtins::TypeError(std::string(kName) +
                                 ": operand 2 object contained unknown key \"" + std::string(key) +
                                 "\"");
    }
  }
  if (pretty_explicit && !pretty) pretty = false;
  std::string compact = builtins::GoJson(args[0]);
  if (!pretty) return Return(Value::String(std::move(compact)));
  return Return(Value::String(prefix + builtins::IndentJson(compact, prefix, indent)));
}

BuiltinResult JsonUnmarshal(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("json.unmarshal", args, 1);
  if (!s) return s.error();
  auto parsed = ParseJsonText(*s);
  if (!parsed) return BuiltinError("json.unmarshal", parsed.error().message);
  return Return(std::move(*parsed));
}

BuiltinResult JsonIsValid(BuiltinContext&, std::span<const Value> args) {
  if (!args[0].is_string()) return Return(Value::Bool(false));
  return Return(Value::Bool(ParseJsonText(args[0].AsString()).has_value()));
}

// Go's yaml.v2 error text for the YAML reader's "invalid YAML at line L, column C: <problem>".
// Both read with libyaml (yaml.v2 is its port), so the problem words are the same, but yaml.v2
// prints libyaml's 0-based mark line for a parser error, that line + 1 for a scanner error, and
// no line when the mark is on the first line. Other errors keep their words.
std::string YamlErrorText(const Error& e) {
  const std::string& m = e.message;
  constexpr std::string_view kAt = "invalid YAML at line ";
  const std::size_t colon = m.find(": ");
  std::size_t line = 0;  // 1-based
  if (!m.starts_with(kAt) || colon == std::string::npos ||
      std::from_chars(m.data() + kAt.size(), m.data() + m.size(), line).ec != std::errc() ||
      line == 0) {
    return "yaml: line 1: " + m;
  }
  const std::string what = m.substr(colon + 2);
  // libyaml's parser (not scanner) problems (src/parser.c).
  static constexpr std::string_view kParserProblems[] = {
      "did not find expected <stream-start>", "did not find expected <document start>",
      "found undefined tag handle",           "did not find expected node content",
      "did not find expected '-' indicator",  "did not find expected key",
      "did not find expected ',' or ']'",     "did not find expected ',' or '}'",
      "found duplicate %YAML directive",      "found incompatible YAML document",
      "found duplicate %TAG directive"};
  bool parser = false;
  for (std::string_view problem : kParserProblems) parser = parser || what == problem;
  const std::size_t mark = line - 1;
  if (mark == 0) return "yaml: " + what;
  return "yaml: line " + std::to_string(parser ? mark : mark + 1) + ": " + what;
}

BuiltinResult YamlMarshal(BuiltinContext&, std::span<const Value> args) {
  return Return(Value::String(builtins::ToYamlText(args[0])));
}

BuiltinResult YamlUnmarshal(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("yaml.unmarshal", args, 1);
  if (!s) return s.error();
  auto parsed = value::ParseYaml(*s);
  if (!parsed) return BuiltinError("yaml.unmarshal", YamlErrorText(parsed.error()));
  return Return(FromJson(*parsed));
}

BuiltinResult YamlIsValid(BuiltinContext&, std::span<const Value> args) {
  if (!args[0].is_string()) return Return(Value::Bool(false));
  return Return(Value::Bool(value::ParseYaml(args[0].AsString()).has_value()));
}

BuiltinResult UrlQueryEncode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("urlquery.encode", args, 1);
  if (!s) return s.error();
  return Return(Value::String(builtins::QueryEscape(*s)));
}

BuiltinResult UrlQueryDecode(BuiltinContext&, std::span<const Value> args) {
  auto s = StringArg("urlquery.decode", args, 1);
  if (!s) return s.error();
  auto out = builtins::QueryUnescape(*s);
  if (!out) return BuiltinError("urlquery.decode", out.error().message);
  return Return(Value::String(std::move(*out)));
}

BuiltinResult UrlQueryEncodeObject(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "urlquery.encode_object";
  if (!args[0].is_object()) return OperandTypeError(kName, 1, "object", args[0]);
  std::vector<std::pair<std::string, std::vector<std::string>>> values;
  for (const auto& [k, v] : args[0].Members()) {
    if (!k.is_string()) return OperandTypeError(kName, 1, "object[string, any]", k);
    std::vector<std::string> items;
    if (v.is_string()) {
      items.emplace_back(v.AsString());
    } else if (v.is_array() || v.is_set()) {
      for (const auto& item : v.Items()) {
        if (!item.is_string()) {
          return BuiltinError(kName, "array or set values must be strings");
        }
        items.emplace_back(item.AsString());
      }
    } else {
      return BuiltinError(kName, "values must be string, array[string], or set[string]");
    }
    values.emplace_back(std::string(k.AsString()), std::move(items));
  }
  std::string out;
  for (const auto& [key, items] : values) {  // already sorted by key
    for (const auto& item : items) {
      if (!out.empty()) out += '&';
      out += builtins::QueryEscape(key);
      out += '=';
      out += builtins::QueryEscape(item);
    }
  }
  return Return(Value::String(std::move(out)));
}

BuiltinResult UrlQueryDecodeObject(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "urlquery.decode_object";
  auto s = StringArg(kName, args, 1);
  if (!s) return s.error();
  std::vector<std::pair<std::string, std::vector<Value>>> values;
  std::string_view rest = *s;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (part.find(';') != std::string_view::npos) {
      return BuiltinError(kName, "invalid semicolon separator in query");
    }
    if (part.empty()) continue;
    const auto eq = part.find('=');
    auto key = builtins::QueryUnescape(part.substr(0, eq));
    if (!key) return BuiltinError(kName, key.error().message);
    auto val = builtins::QueryUnescape(eq == std::string_view::npos ? "" : part.substr(eq + 1));
    if (!val) return BuiltinError(kName, val.error().message);
    bool found = false;
    for (auto& [k, list] : values) {
      if (k == *key) {
        list.push_back(Value::String(std::move(*val)));
        found = true;
        break;
      }
    }
    if (!found) values.emplace_back(std::move(*key), std::vector<Value>{Value::String(*val)});
  }
  std::vector<Member> members;
  for (auto& [k, list] : values) {
    members.emplace_back(Value::String(k), Value::Array(std::move(list)));
  }
  return Return(Value::Object(std::move(members)));
}

// Paths operand of json.filter / json.remove.
Result<std::vector<builtins::JsonPath>> PathsArg(std::string_view name, const Value& paths) {
  if (!paths.is_array() && !paths.is_set()) {
    return OperandTypeError(name, 2, "one of {set, array}", paths);
  }
  std::vector<builtins::JsonPath> out;
  for (const auto& p : paths.Items()) {
    auto parsed = builtins::ParseJsonPath(p);
    if (!parsed) {
      return builtins::TypeError(
          std::string(name) +
          ": operand 2 must be one of {set, array} containing string paths or "
          "array of path segments but got " +
          std::string(TypeName(p.kind())));
    }
    out.push_back(std::move(*parsed));
  }
  return out;
}

BuiltinResult JsonFilter(BuiltinContext&, std::span<const Value> args) {
  if (!args[0].is_object()) return OperandTypeError("json.filter", 1, "object", args[0]);
  auto paths = PathsArg("json.filter", args[1]);
  if (!paths) return paths.error();
  return Return(builtins::FilterPaths(args[0], *paths));
}

BuiltinResult JsonRemove(BuiltinContext&, std::span<const Value> args) {
  if (!args[0].is_object()) return OperandTypeError("json.remove", 1, "object", args[0]);
  auto paths = PathsArg("json.remove", args[1]);
  if (!paths) return paths.error();
  return Return(builtins::RemovePaths(args[0], *paths));
}

BuiltinResult JsonPatch(BuiltinContext&, std::span<const Value> args) {
  if (!args[1].is_array()) return OperandTypeError("json.patch", 2, "array", args[1]);
  auto out = builtins::ApplyJsonPatch(args[0], args[1].Items());
  if (!out) return builtins::Undefined();
  return Return(std::move(*out));
}

}  // namespace

void RegisterEncodingBuiltins(BuiltinRegistry& r) {
  using builtins::Add;
  Add(r, "base64.encode", {kTString}, kTString, Base64Encode);
  Add(r, "base64.decode", {kTString}, kTString, Base64Decode);
  Add(r, "base64.is_valid", {kTString}, kTBool, Base64IsValid);
  Add(r, "base64url.encode", {kTString}, kTString, Base64UrlEncode);
  Add(r, "base64url.encode_no_pad", {kTString}, kTString, Base64UrlEncodeNoPad);
  Add(r, "base64url.decode", {kTString}, kTString, Base64UrlDecode);
  Add(r, "hex.encode", {kTString}, kTString, HexEncode);
  Add(r, "hex.decode", {kTString}, kTString, HexDecode);
  Add(r, "json.marshal", {kTAny}, kTString, JsonMarshal);
  Add(r, "json.marshal_with_options", {kTAny, kTObject}, kTString, JsonMarshalWithOptions);
  Add(r, "json.unmarshal", {kTString}, kTAny, JsonUnmarshal);
  Add(r, "json.is_valid", {kTAny}, kTBool, JsonIsValid);
  Add(r, "yaml.marshal", {kTAny}, kTString, YamlMarshal);
  Add(r, "yaml.unmarshal", {kTString}, kTAny, YamlUnmarshal);
  Add(r, "yaml.is_valid", {kTAny}, kTBool, YamlIsValid);
  Add(r, "urlquery.encode", {kTString}, kTString, UrlQueryEncode);
  Add(r, "urlquery.decode", {kTString}, kTString, UrlQueryDecode);
  Add(r, "urlquery.encode_object", {kTObject}, kTString, UrlQueryEncodeObject);
  Add(r, "urlquery.decode_object", {kTString}, kTObject, UrlQueryDecodeObject);
  Add(r, "json.filter", {kTObject, kTArray | kTSet}, kTAny, JsonFilter);
  Add(r, "json.remove", {kTObject, kTArray | kTSet}, kTAny, JsonRemove);
  Add(r, "json.patch", {kTAny, kTArray}, kTAny, JsonPatch);
}

}  // namespace gatehouse::rego
