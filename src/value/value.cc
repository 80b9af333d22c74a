#include "value/value.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "value/decimal.h"

namespace gatehouse::value {
namespace {

// A number's exact value (an invalid BigNumber text reads as zero; the parsers never make one).
Decimal ExactValue(const Value& v) {
  if (const BigNumber* n = v.AsBigNumber()) return ParseDecimal(n->text).value_or(Decimal{});
  if (v.kind() == Kind::kInt) return DecimalOf(*v.AsInt());
  return DecimalOf(*v.AsDouble());
}

}  // namespace

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kInt:
    case Kind::kDouble:
    case Kind::kBigNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "unknown";
}

std::optional<bool> Value::AsBool() const {
  if (const bool* b = std::get_if<bool>(&data_)) return *b;
  return std::nullopt;
}

std::optional<std::int64_t> Value::AsInt() const {
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return *i;
  if (const auto* d = std::get_if<double>(&data_)) {
    // Only integral doubles that round-trip exactly: 2^63 itself is out of range.
    if (std::isfinite(*d) && std::floor(*d) == *d && *d >= -9223372036854775808.0 &&
        *d < 9223372036854775808.0) {
      return static_cast<std::int64_t>(*d);
    }
  }
  return std::nullopt;
}

std::optional<double> Value::AsDouble() const {
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&data_)) return *d;
  if (const auto* n = std::get_if<BigNumber>(&data_)) return std::strtod(n->text.c_str(), nullptr);
  return std::nullopt;
}

const Value* Value::Find(std::string_view key) const {
  const Object* object = AsObject();
  if (object == nullptr) return nullptr;
  for (const Member& m : *object) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

Value* Value::FindMutable(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->Find(key));
}

Value& Value::Set(std::string key, Value v) {
  if (!is_object()) data_ = Object{};
  Object& object = std::get<Object>(data_);
  for (Member& m : object) {
    if (m.key == key) {
      m.value = std::move(v);
      return m.value;
    }
  }
  object.push_back(Member{std::move(key), std::move(v)});
  return object.back().value;
}

bool Value::Erase(std::string_view key) {
  Object* object = MutableObject();
  if (object == nullptr) return false;
  for (auto it = object->begin(); it != object->end(); ++it) {
    if (it->key == key) {
      object->erase(it);
      return true;
    }
  }
  return false;
}

Value& Value::Append(Value v) {
  if (!is_array()) data_ = Array{};
  Array& array = std::get<Array>(data_);
  array.push_back(std::move(v));
  return array.back();
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.kind() == Kind::kInt && b.kind() == Kind::kInt) return *a.AsInt() == *b.AsInt();
    if (a.kind() == Kind::kBigNumber || b.kind() == Kind::kBigNumber) {
      return Compare(ExactValue(a), ExactValue(b)) == 0;
    }
    return *a.AsDouble() == *b.AsDouble();
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    // Objects are equal regardless of member order.
    const Object& x = *a.AsObject();
    const Object& y = *b.AsObject();
    if (x.size() != y.size()) return false;
    for (const Member& m : x) {
      const Value* other = b.Find(m.key);
      if (other == nullptr || !(*other == m.value)) return false;
    }
    return true;
  }
  return a.data_ == b.data_;
}

std::optional<std::vector<std::string>> AsStringList(const Value& v) {
  const Array* array = v.AsArray();
  if (array == nullptr) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(array->size());
  for (const Value& item : *array) {
    const std::string* s = item.AsString();
    if (s == nullptr) return std::nullopt;
    out.push_back(*s);
  }
  return out;
}

Value FromStringList(const std::vector<std::string>& items) {
  Array array;
  array.reserve(items.size());
  for (const std::string& s : items) array.emplace_back(s);
  return Value(std::move(array));
}

}  // namespace gatehouse::value
