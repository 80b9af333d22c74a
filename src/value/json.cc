#include "value/json.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "value/decimal.h"
#include "value/value_errors.h"

namespace gatehouse::value {
namespace {

// Collects one object's members in order; a later duplicate replaces the earlier value (Go's
// encoding/json), or is refused when the limits say so. Small objects look duplicates up
// linearly, larger ones through an index, so a body with many members stays linear. Keys are
// views into the parser's buffers, which outlive the sink.
class MemberSink {
 public:
  explicit MemberSink(const JsonLimits& limits) : limits_(limits) {}

  Result<bool> Add(std::string_view key, Value v) {
    constexpr std::size_t kIndexFrom = 16;
    std::size_t existing = members_.size();
    if (members_.size() >= kIndexFrom && index_.empty()) {
      for (std::size_t i = 0; i < keys_.size(); ++i) index_.emplace(keys_[i], i);
    }
    if (!index_.empty()) {
      auto [it, inserted] = index_.emplace(key, members_.size());
      if (!inserted) existing = it->second;
    } else {
      for (std::size_t i = 0; i < keys_.size(); ++i) {
        if (keys_[i] == key) {
          existing = i;
          break;
        }
      }
    }
    if (existing != members_.size()) {
      if (limits_.reject_duplicate_keys) {
        return MakeError(ValueError::kDuplicateKey,
                         "duplicate object key \"" + std::string(key.substr(0, 64)) + "\"");
      }
      members_[existing].value = std::move(v);
      return true;
    }
    keys_.push_back(key);
    members_.push_back(Member{std::string(key), std::move(v)});
    return true;
  }

  // Room for `n` members (the DOM knows each object's size): no regrowth while adding.
  void Reserve(std::size_t n) {
    members_.reserve(n);
    keys_.reserve(n);
  }

  Value Finish() { return Value(std::move(members_)); }

 private:
  const JsonLimits& limits_;
  Object members_;
  std::vector<std::string_view> keys_;
  std::unordered_map<std::string_view, std::size_t> index_;
};

Result<Value> Convert(simdjson::dom::element element, const JsonLimits& limits) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::NULL_VALUE:
      return Value();
    case element_type::BOOL:
      return Value(bool(element.get_bool().value_unsafe()));
    case element_type::INT64:
      return Value(std::int64_t(element.get_int64().value_unsafe()));
    case element_type::UINT64:  // above int64's range: exact, as OPA keeps it
      return Value(BigNumber{std::to_string(element.get_uint64().value_unsafe())});
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
      MemberSink members(limits);
      members.Reserve(fields.size());
      for (simdjson::dom::key_value_pair field : fields) {
        Result<Value> converted = Convert(field.value, limits);
        if (!converted) return converted.error();
        if (auto added = members.Add(field.key, std::move(converted).value()); !added) {
          return added.error();
        }
      }
      return members.Finish();
    }
  }
  return MakeError(ValueError::kInvalidJson, "unknown element type");
}

Error ParseError(simdjson::error_code ec, const JsonLimits& limits) {
  if (ec == simdjson::DEPTH_ERROR) {
    return MakeError(ValueError::kJsonTooDeep, "JSON nesting exceeds the limit of " +
                                                   std::to_string(limits.max_depth) + " levels");
  }
  return MakeError(ValueError::kInvalidJson,
                   std::string("invalid JSON: ") + simdjson::error_message(ec));
}

// The second reading, for documents with numbers the DOM parser cannot hold (integers beyond
// 64 bits, magnitudes beyond double): simdjson's on-demand parser hands out each number's raw
// text, which becomes a BigNumber. Everything is visited, so everything is validated.
Result<Value> ConvertOnDemand(simdjson::ondemand::value element, const JsonLimits& limits,
                              std::size_t depth) {
  using simdjson::ondemand::json_type;
  auto invalid = [&limits](simdjson::error_code ec) { return ParseError(ec, limits); };
  json_type type;
  if (auto ec = element.type().get(type)) return invalid(ec);
  switch (type) {
    case json_type::null: {
      bool is_null = false;
      if (auto ec = element.is_null().get(is_null)) return invalid(ec);
      if (!is_null) return invalid(simdjson::N_ATOM_ERROR);
      return Value();
    }
    case json_type::boolean: {
      bool b = false;
      if (auto ec = element.get_bool().get(b)) return invalid(ec);
      return Value(b);
    }
    case json_type::number: {
      // From the raw text, read once, as the DOM reader would have where it can: an int64; a
      // double for any fraction or exponent in double's range (rounded, tiny ones to zero);
      // else, for an integer beyond int64 or a magnitude beyond double, a BigNumber.
      std::string_view raw = element.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                              raw.back() == '\t')) {
        raw.remove_suffix(1);
      }
      if (!ParseDecimal(raw)) return invalid(simdjson::NUMBER_ERROR);
      std::int64_t i = 0;
      auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), i);
      if (ec == std::errc() && end == raw.data() + raw.size()) return Value(i);
      if (raw.find_first_of(".eE") != std::string_view::npos) {
        const double d = std::strtod(std::string(raw).c_str(), nullptr);
        if (std::isfinite(d)) return Value(d);
      }
      return Value(BigNumber{std::string(raw)});
    }
    case json_type::string: {
      std::string_view text;
      if (auto ec = element.get_string().get(text)) return invalid(ec);
      return Value(std::string(text));
    }
    case json_type::array: {
      if (depth + 1 > limits.max_depth) return invalid(simdjson::DEPTH_ERROR);
      simdjson::ondemand::array items;
      if (auto ec = element.get_array().get(items)) return invalid(ec);
      Array array;
      for (auto item : items) {
        simdjson::ondemand::value v;
        if (auto ec = item.get(v)) return invalid(ec);
        Result<Value> converted = ConvertOnDemand(v, limits, depth + 1);
        if (!converted) return converted.error();
        array.push_back(std::move(converted).value());
      }
      return Value(std::move(array));
    }
    case json_type::object: {
      if (depth + 1 > limits.max_depth) return invalid(simdjson::DEPTH_ERROR);
      simdjson::ondemand::object fields;
      if (auto ec = element.get_object().get(fields)) return invalid(ec);
      MemberSink members(limits);
      for (auto field_result : fields) {
        simdjson::ondemand::field field;
        if (auto ec = std::move(field_result).get(field)) return invalid(ec);
        std::string_view key;
        if (auto ec = field.unescaped_key().get(key)) return invalid(ec);
        Result<Value> converted = ConvertOnDemand(field.value(), limits, depth + 1);
        if (!converted) return converted.error();
        if (auto added = members.Add(key, std::move(converted).value()); !added) {
          return added.error();
        }
      }
      return members.Finish();
    }
  }
  return MakeError(ValueError::kInvalidJson, "unknown element type");
}

// The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not
// count). simdjson's on-demand parser must never meet more than it was allocated for.
std::size_t NestingDepth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<Value> ParseWithBigNumbers(std::string_view text, const JsonLimits& limits) {
  if (NestingDepth(text) > limits.max_depth) return ParseError(simdjson::DEPTH_ERROR, limits);
  // Wrapped in an array so that a scalar document is a value like any other.
  std::string wrapped;
  wrapped.reserve(text.size() + 2);
  wrapped += '[';
  wrapped += text;
  wrapped += ']';
  simdjson::padded_string padded(wrapped);
  simdjson::ondemand::parser parser;
  if (parser.allocate(padded.size(), limits.max_depth + 2) != simdjson::SUCCESS) {
    return MakeError(ValueError::kJsonTooLarge, "cannot allocate a parser for this document");
  }
  simdjson::ondemand::document doc;
  auto invalid = [&limits](simdjson::error_code ec) { return ParseError(ec, limits); };
  if (auto ec = parser.iterate(padded).get(doc)) return invalid(ec);
  simdjson::ondemand::array outer;
  if (auto ec = doc.get_array().get(outer)) return invalid(ec);
  std::optional<Value> only;
  for (auto item : outer) {
    simdjson::ondemand::value v;
    if (auto ec = item.get(v)) return invalid(ec);
    if (only) return invalid(simdjson::TAPE_ERROR);
    Result<Value> converted = ConvertOnDemand(v, limits, 0);
    if (!converted) return converted.error();
    only = std::move(converted).value();
  }
  // Anything after the wrapping array is text the document did not end with.
  if (!only || doc.current_location().error() == simdjson::SUCCESS) {
    return invalid(simdjson::TAPE_ERROR);
  }
  return std::move(*only);
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
    case Kind::kBigNumber:
      out += v.AsBigNumber()->text;
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
  if (ec == simdjson::NUMBER_ERROR) {
    // Every result is checked; should an unchecked conversion throw all the same, the document
    // is still only invalid.
    try {
      return ParseWithBigNumbers(text, limits);
    } catch (const simdjson::simdjson_error& e) {
      return ParseError(e.error(), limits);
    }
  }
  if (ec != simdjson::SUCCESS) return ParseError(ec, limits);
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
