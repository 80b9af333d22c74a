#include "rego/json_document.h"

#include <simdjson.h>

#include <string>
#include <vector>

namespace gatehouse::rego {
namespace {

// nullopt: this element needs value::ParseJson's path (a number beyond int64).
std::optional<Value> Convert(simdjson::dom::element element) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::NULL_VALUE:
      return Value::Null();
    case element_type::BOOL:
      return Value::Bool(element.get_bool().value_unsafe());
    case element_type::INT64:
      return Value::Int(element.get_int64().value_unsafe());
    case element_type::UINT64:
      return std::nullopt;
    case element_type::DOUBLE:
      return Value::Number(element.get_double().value_unsafe());
    case element_type::STRING:
      return Value::String(element.get_string().value_unsafe());
    case element_type::ARRAY: {
      simdjson::dom::array items = element.get_array().value_unsafe();
      std::vector<Value> out;
      out.reserve(items.size());
      for (simdjson::dom::element item : items) {
        std::optional<Value> v = Convert(item);
        if (!v) return std::nullopt;
        out.push_back(std::move(*v));
      }
      return Value::Array(std::move(out));
    }
    case element_type::OBJECT: {
      simdjson::dom::object fields = element.get_object().value_unsafe();
      std::vector<Member> members;
      members.reserve(fields.size());
      for (simdjson::dom::key_value_pair field : fields) {
        std::optional<Value> v = Convert(field.value);
        if (!v) return std::nullopt;
        members.emplace_back(Value::String(field.key), std::move(*v));
      }
      return Value::Object(std::move(members));  // sorted; the last of equal keys stays
    }
  }
  return std::nullopt;
}

Result<Value> SlowPath(std::string_view text, const value::JsonLimits& limits) {
  Result<value::Value> parsed = value::ParseJson(text, limits);
  if (!parsed) return parsed.error();
  return FromJson(*parsed);
}

}  // namespace

Result<Value> ParseJsonDocument(std::string_view text, const value::JsonLimits& limits) {
  if (text.size() > limits.max_bytes || limits.reject_duplicate_keys) {
    return SlowPath(text, limits);
  }
  // One parser per thread, grown to the largest document it has seen (within the limits).
  thread_local simdjson::dom::parser parser;
  if ((parser.capacity() < text.size() + 1 || parser.max_depth() != limits.max_depth) &&
      parser.allocate(text.size() + 1, limits.max_depth) != simdjson::SUCCESS) {
    return SlowPath(text, limits);
  }
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size(), true).get(root) != simdjson::SUCCESS) {
    return SlowPath(text, limits);
  }
  std::optional<Value> v = Convert(root);
  if (!v) return SlowPath(text, limits);
  return std::move(*v);
}

}  // namespace gatehouse::rego
