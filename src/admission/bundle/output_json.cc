// `-o json` (Conftest's output/json.go): the results as Go's json.Marshal writes Conftest's
// CheckResult structs (fields in declaration order, empty lists and maps left out), indented
// with one tab per level by json.Indent. Also the Go JSON encoding the sarif format shares.
#include <algorithm>
#include <string>
#include <utility>

#include "admission/bundle/output_formats.h"
#include "common/codec/utf8.h"
#include "rego/builtins/go_json.h"

namespace gatehouse::admission::bundle {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendMessage(std::string& out, const CheckMessage& message) {
  out += "{\"msg\":";
  AppendGoJsonString(out, message.msg);
  if (message.loc) {
    // Conftest's Location: both fields omitempty.
    out += ",\"loc\":{";
    bool first = true;
    if (!message.loc->file.empty()) {
      out += "\"file\":";
      AppendGoJsonString(out, message.loc->file);
      first = false;
    }
    if (message.loc->line != 0) {
      if (!first) out += ',';
      out += "\"line\":" + std::to_string(message.loc->line);
    }
    out += '}';
  }
  if (HasMetadata(message.metadata)) {
    out += ",\"metadata\":";
    AppendGoJsonValue(out, message.metadata);
  }
  out += '}';
}

void AppendMessages(std::string& out, std::string_view key,
                    const std::vector<CheckMessage>& messages) {
  if (messages.empty()) return;  // omitempty
  out += ",\"";
  out += key;
  out += "\":[";
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i > 0) out += ',';
    AppendMessage(out, messages[i]);
  }
  out += ']';
}

}  // namespace

// Go's encodeState.appendString with escapeHTML, as of Go 1.22 (which writes \b and \f short).
void AppendGoJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      switch (b) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (b < 0x20 || b == '<' || b == '>' || b == '&') {
            out += "\\u00";
            out += kHex[b >> 4];
            out += kHex[b & 0xF];
          } else {
            out += static_cast<char>(b);
          }
      }
      continue;
    }
    const std::size_t start = i;
    const char32_t cp = codec::DecodeUtf8(s, i);
    if (cp == codec::kReplacementChar && i == start + 1) {
      out += "\\ufffd";
    } else if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out += '"';
}

void AppendGoJsonValue(std::string& out, const rego::Value& v) {
  switch (v.kind()) {
    case rego::ValueKind::kNull:
    case rego::ValueKind::kBool:
    case rego::ValueKind::kNumber:
      out += rego::ToJsonText(v);
      return;
    case rego::ValueKind::kString:
      AppendGoJsonString(out, v.AsString());
      return;
    case rego::ValueKind::kArray:
    case rego::ValueKind::kSet: {
      out += '[';
      bool first = true;
      for (const rego::Value& item : v.Items()) {
        if (!first) out += ',';
        first = false;
        AppendGoJsonValue(out, item);
      }
      out += ']';
      return;
    }
    case rego::ValueKind::kObject: {
      // Go sorts map keys as strings; a non-string key is its JSON text, as OPA hands it over.
      std::vector<std::pair<std::string, const rego::Value*>> members;
      members.reserve(v.Members().size());
      for (const auto& [key, value] : v.Members()) {
        members.emplace_back(key.is_string() ? std::string(key.AsString()) : rego::ToJsonText(key),
                             &value);
      }
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (const auto& [key, value] : members) {
        if (!first) out += ',';
        first = false;
        AppendGoJsonString(out, key);
        out += ':';
        AppendGoJsonValue(out, *value);
      }
      out += '}';
      return;
    }
  }
}

bool HasMetadata(const rego::Value& metadata) {
  return metadata.is_object() && metadata.size() > 0;
}

std::string RenderJson(const std::vector<CheckResult>& results) {
  // Conftest's results are a nil slice when nothing was checked, which Go writes as null.
  if (results.empty()) return "null\n";
  std::string compact = "[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const CheckResult& result = results[i];
    if (i > 0) compact += ',';
    compact += "{\"filename\":";
    // Conftest blanks the stdin name in json only.
    AppendGoJsonString(compact, result.filename == "-" ? "" : result.filename);
    compact += ",\"namespace\":";
    AppendGoJsonString(compact, result.namespace_);
    compact += ",\"successes\":" + std::to_string(result.successes);
    AppendMessages(compact, "skipped", result.skipped);
    AppendMessages(compact, "warnings", result.warnings);
    AppendMessages(compact, "failures", result.failures);
    AppendMessages(compact, "exceptions", result.exceptions);
    compact += '}';
  }
  compact += ']';
  std::string out = rego::builtins::IndentJson(compact, "", "\t");
  out += '\n';
  return out;
}

}  // namespace gatehouse::admission::bundle
