#include "value/json.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "value/value_errors.h"

namespace gatehouse::value {
namespace {

Result<Value> Convert(simdjson::dom::element element, const JsonLimits& limits) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::NULL_VALUE:
      return Value();
    case element_type::BOOL:
      return Value(bool(element.get_bool().value_unsafe()));
    case element_type::INT64:
      return Value(std::int64_t(element.get_int64().value_unsafe()));
    case element_type::UINT64:
      // Above int64's range: keep the magnitude as a double, as Go's float64 would.
      return Value(static_cast<double>(element.get_uint64().value_unsafe()));
    case element_type::DOUBLE:
      return Value(double(element.get_double().value_unsafe()));
    case element_type::STRING:
      return Value(std::string(element.get_string().value_unsafe()));
    case element_type::ARRAY: {
      Array array;
      simdjson::dom::array items;
      if (element.get(items) != simdjson::SUCCESS)
        return MakeError(ValueError::kInvalidJson, "bad array");
      array.reserve(items.size());
      for (simdjson::dom::element item : items) {
        Result<Value> converted = Convert(item, limits);
        if (!converted) return converted.error();
        array.push_back(std::move(converted).value());
      }
      return Value(std::move(array));
    }
    case element_type::OBJECT: {
      simdjson::dom::object fields;
      if (element.get(fields) != simdjson::SUCCESS)
        return MakeError(ValueError::kInvalidJson, "bad object");
      // Small objects look duplicates up linearly; larger ones through an index, so a body
      // with many members stays linear, not quadratic.
      constexpr std::size_t kIndexFrom = 16;
      Object members;
      members.reserve(fields.size());
      std::unordered_map<std::string_view, std::size_t> index;
      const bool indexed = fields.size() > kIndexFrom;
      for (simdjson::dom::key_value_pair field : fields) {
        Result<Value> converted = Convert(field.value, limits);
        if (!converted) return converted.error();
        std::size_t existing = members.size();
        if (indexed) {
          auto [it, inserted] = index.emplace(field.key, members.size());
          if (!inserted) existing = it->second;
        } else {
          for (std::size_t i = 0; i < members.size(); ++i) {
            if (members[i].key == field.key) {
              existing = i;
              break;
            }
          }
        }
        if (existing != members.size()) {
          if (limits.reject_duplicate_keys) {
            return MakeError(
                ValueError::kDuplicateKey,
                "duplicate object key \"" + std::string(field.key.substr(0, 64)) + "\"");
          }
          members[existing].value = std::move(converted).value();
          continue;
        }
        members.push_back(Member{std::string(field.key), std::move(converted).value()});
      }
      return Value(std::move(members));
    }
  }
  return MakeError(ValueError::kInvalidJson, "unknown element type");
}

void AppendNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {  // JSON has no NaN/Inf; null is what Go's encoders refuse to write
    out += "null";
    return;
  }
  char buffer[32];
  // Integral doubles beyond int64 in plain digits would read back as integers out of range;
  // the exponent form keeps them doubles.
  auto [end, ec] = std::fabs(d) >= 9.2e18 ? std::to_chars(buffer, buffer + sizeof(buffer), d,
                                                          std::chars_format::scientific)
                                          : std::to_chars(buffer, buffer + sizeof(buffer), d);
  out.append(buffer, end);
}

void Write(std::string& out, const Value& v, JsonStyle style, int indent) {
  auto newline = [&](int level) {
    if (style == JsonStyle::kPretty) {
      out += '\n';
      out.append(static_cast<std::size_t>(level) * 2, ' ');
    }
  };
  switch (v.kind()) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kBool:
      out += *v.AsBool() ? "true" : "false";
      return;
    case Kind::kInt: {
      char buffer[24];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), *v.AsInt());
      out.append(buffer, end);
      return;
    }
    case Kind::kDouble:
      AppendNumber(out, *v.AsDouble());
      return;
    case Kind::kString:
      AppendJsonString(out, *v.AsString());
      return;
    case Kind::kArray: {
      const Array& array = *v.AsArray();
      out += '[';
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (i > 0) out += ',';
        newline(indent + 1);
        Write(out, array[i], style, indent + 1);
      }
      if (!array.empty()) newline(indent);
      out += ']';
      return;
    }
    case Kind::kObject: {
      const Object& object = *v.AsObject();
      out += '{';
      for (std::size_t i = 0; i < object.size(); ++i) {
        if (i > 0) out += ',';
        newline(indent + 1);
        AppendJsonString(out, object[i].key);
        out += style == JsonStyle::kPretty ? ": " : ":";
        Write(out, object[i].value, style, indent + 1);
      }
      if (!object.empty()) newline(indent);
      out += '}';
      return;
    }
  }
}

}  // namespace

Result<Value> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(ValueError::kJsonTooLarge, "JSON document of " + std::to_string(text.size()) +
                                                    " bytes exceeds the limit of " +
                                                    std::to_string(limits.max_bytes));
  }
  simdjson::dom::parser parser;
  if (parser.allocate(text.size() + 1, limits.max_depth) != simdjson::SUCCESS) {
    return MakeError(ValueError::kJsonTooLarge, "cannot allocate a parser for this document");
  }
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  simdjson::error_code ec = parser.parse(padded).get(root);
  if (ec == simdjson::DEPTH_ERROR) {
    return MakeError(ValueError::kJsonTooDeep, "JSON nesting exceeds the limit of " +
                                                   std::to_string(limits.max_depth) + " levels");
  }
  if (ec != simdjson::SUCCESS) {
    return MakeError(ValueError::kInvalidJson,
                     std::string("invalid JSON: ") + simdjson::error_message(ec));
  }
  return Convert(root, limits);
}

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
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
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string ToJson(const Value& v, JsonStyle style) {
  std::string out;
  Write(out, v, style, 0);
  return out;
}

}  // namespace gatehouse::value
