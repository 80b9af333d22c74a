// Value: the JSON document model shared by the codecs, the policies and (later) Rego.
//
// A Value is null, bool, integer (int64), floating number, string, array or object; a number
// that neither int64 nor double holds exactly (18446744073709551617, 2e308) is a BigNumber that
// keeps its JSON text, so nothing is lost on the way through. Objects keep
// insertion order (so a review echoed back reads like the request) and hold unique keys: Set()
// replaces an existing member. Values are plain, deeply-copied data; a const Value may be read
// from many threads at once, a mutable one belongs to one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gatehouse::value {

class Value;
struct Member;
using Array = std::vector<Value>;
using Object = std::vector<Member>;

// A JSON number kept as its text (valid JSON number syntax).
struct BigNumber {
  std::string text;
  friend bool operator==(const BigNumber&, const BigNumber&) = default;
};

enum class Kind { kNull, kBool, kInt, kDouble, kString, kArray, kObject, kBigNumber };

// The JSON name of a kind ("null", "boolean", "number", "string", "array", "object").
std::string_view KindName(Kind kind);

class Value {
 public:
  // Constructors are defined after Member: clang instantiates the variant where they are
  // defined, and Member must be complete by then.
  Value();
  Value(std::nullptr_t);      // NOLINT: implicit by design
  Value(bool b);              // NOLINT
  Value(int i);               // NOLINT
  Value(std::int64_t i);      // NOLINT
  Value(double d);            // NOLINT
  Value(std::string s);       // NOLINT
  Value(std::string_view s);  // NOLINT
  Value(const char* s);       // NOLINT
  Value(Array a);             // NOLINT
  Value(Object o);            // NOLINT
  Value(BigNumber n);         // NOLINT

  static Value MakeArray();
  static Value MakeObject();

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const {
    return kind() == Kind::kInt || kind() == Kind::kDouble || kind() == Kind::kBigNumber;
  }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }

  // Typed views: nullopt / nullptr when the value has another kind.
  std::optional<bool> AsBool() const;
  std::optional<std::int64_t> AsInt() const;  // also an integral double within range
  std::optional<double> AsDouble() const;     // any number (a BigNumber rounded, maybe to inf)
  const BigNumber* AsBigNumber() const { return std::get_if<BigNumber>(&data_); }
  const std::string* AsString() const { return std::get_if<std::string>(&data_); }
  const Array* AsArray() const { return std::get_if<Array>(&data_); }
  const Object* AsObject() const { return std::get_if<Object>(&data_); }
  Array* MutableArray() { return std::get_if<Array>(&data_); }
  Object* MutableObject() { return std::get_if<Object>(&data_); }

  // Object member lookup; nullptr when absent or when this is not an object.
  const Value* Find(std::string_view key) const;
  Value* FindMutable(std::string_view key);
  // Object member write: replaces an existing key, else appends. Turns a non-object into {}.
  Value& Set(std::string key, Value v);
  // Removes a member; false when absent or not an object.
  bool Erase(std::string_view key);
  // Array append; turns a non-array into [].
  Value& Append(Value v);

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object, BigNumber>
      data_;
};

struct Member {
  std::string key;
  Value value;
  friend bool operator==(const Member& a, const Member& b) {
    return a.key == b.key && a.value == b.value;
  }
};

inline Value::Value() = default;
inline Value::Value(std::nullptr_t) {}
inline Value::Value(bool b) : data_(b) {}
inline Value::Value(int i) : data_(static_cast<std::int64_t>(i)) {}
inline Value::Value(std::int64_t i) : data_(i) {}
inline Value::Value(double d) : data_(d) {}
inline Value::Value(std::string s) : data_(std::move(s)) {}
inline Value::Value(std::string_view s) : data_(std::string(s)) {}
inline Value::Value(const char* s) : data_(std::string(s)) {}
inline Value::Value(Array a) : data_(std::move(a)) {}
inline Value::Value(Object o) : data_(std::move(o)) {}
inline Value::Value(BigNumber n) : data_(std::move(n)) {}
inline Value Value::MakeArray() { return Value(Array{}); }
inline Value Value::MakeObject() { return Value(Object{}); }

// An array of strings, or nullopt if `v` is not an array or holds a non-string.
std::optional<std::vector<std::string>> AsStringList(const Value& v);
Value FromStringList(const std::vector<std::string>& items);

}  // namespace gatehouse::value
