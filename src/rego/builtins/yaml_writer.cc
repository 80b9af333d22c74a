#include "rego/builtins/yaml_writer.h"

#include <cctype>
#include <string_view>

#include "value/json.h"

namespace gatehouse::rego::builtins {
namespace {

bool LooksLikeNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i == s.size()) return false;
  bool digit = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+' && c != '_' && c != 'x' &&
               c != 'o') {
      return false;
    }
  }
  return digit;
}

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  static constexpr std::string_view kReserved[] = {
      "null", "Null", "NULL", "~",  "true", "True", "TRUE", "false", "False", "FALSE", "yes",
      "Yes",  "YES",  "no",   "No", "NO",   "on",   "On",   "ON",    "off",   "Off",   "OFF",
      "y",    "Y",    "n",    "N",  ".inf", ".Inf", ".INF", "-.inf", ".nan",  ".NaN",  "<<"};
  for (auto r : kReserved) {
    if (s == r) return true;
  }
  if (LooksLikeNumber(s)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return true;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 || u == 0x7F) return true;
    if (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return true;
    if (s[i] == '#' && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

void AppendScalarString(std::string& out, std::string_view s) {
  if (NeedsQuotes(s)) {
    value::AppendJsonString(out, s);  // a JSON string is a valid YAML double-quoted scalar
  } else {
    out += s;
  }
}

void AppendKey(std::string& out, const Value& k) {
  if (k.is_string()) {
    AppendScalarString(out, k.AsString());
  } else {
    AppendScalarString(out, ToJsonText(k));
  }
}

bool IsEmptyCollection(const Value& v) { return v.is_collection() && v.size() == 0; }

void AppendScalar(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kBool:
      out += *v.AsBool() ? "true" : "false";
      return;
    case ValueKind::kNumber:
      out += NumberText(v);
      return;
    case ValueKind::kString:
      AppendScalarString(out, v.AsString());
      return;
    case ValueKind::kObject:
      out += "{}";
      return;
    default:
      out += "[]";
      return;
  }
}

void Indent(std::string& out, int n) { out.append(static_cast<std::size_t>(n), ' '); }

// Writes `v` as a block node whose first line continues the current line (after "- " or "k:").
void AppendNode(std::string& out, const Value& v, int indent, bool after_dash);

void AppendMapping(std::string& out, const Value& v, int indent, bool first_inline) {
  bool first = true;
  for (const auto& [k, val] : v.Members()) {
    if (!(first && first_inline)) Indent(out, indent);
    first = false;
    AppendKey(out, k);
    out += ':';
    if (val.is_collection() && !IsEmptyCollection(val)) {
      out += '\n';
      // yaml.v2 does not indent a sequence under a mapping key.
      AppendNode(out, val, val.is_object() ? indent + 2 : indent, false);
    } else {
      out += ' ';
      AppendScalar(out, val);
      out += '\n';
    }
  }
}

void AppendSequence(std::string& out, const Value& v, int indent, bool first_inline) {
  bool first = true;
  for (const auto& item : v.Items()) {
    if (!(first && first_inline)) Indent(out, indent);
    first = false;
    out += "- ";
    if (item.is_collection() && !IsEmptyCollection(item)) {
      AppendNode(out, item, indent + 2, true);
    } else {
      AppendScalar(out, item);
      out += '\n';
    }
  }
}

void AppendNode(std::string& out, const Value& v, int indent, bool after_dash) {
  if (v.is_object()) {
    AppendMapping(out, v, indent, after_dash);
  } else {
    AppendSequence(out, v, indent, after_dash);
  }
}

}  // namespace

std::string ToYamlText(const Value& v) {
  std::string out;
  if (v.is_collection() && !IsEmptyCollection(v)) {
    AppendNode(out, v, 0, false);
  } else {
    AppendScalar(out, v);
    out += '\n';
  }
  return out;
}

}  // namespace gatehouse::rego::builtins
