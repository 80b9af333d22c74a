// rego::Value: the documents Rego evaluates over — null, boolean, number, string, array, set
// and object, with OPA's total order.
//
// A Value is 16 bytes: scalars are stored inline; strings and collections are immutable nodes
// shared by reference count, so copying a Value (binding a variable, reading `input.x`) never
// copies the document. Once built, a Value is immutable and may be read from many threads at
// once (the count is atomic).
//
// Numbers are int64 when integral and in range, else double; a double that is integral and in
// int64 range is stored as an int, so `1 == 1.0` and {1, 1.0} has one element, as in OPA. A
// double stands for its shortest decimal digits (0.1 is one tenth). A number neither holds
// (18446744073709551617, 2e308, 0.1000000000000000000000001) is a big number: its text and its
// exact decimal value, in a shared node. Each number has exactly one of the three forms, and
// numbers compare exactly by value across them.
// Sets hold their elements sorted and unique; objects hold members sorted by key and unique
// (keys may be any value). That makes equality, ordering and printing canonical, and lookups
// O(log n). Order across kinds follows OPA: null < boolean < number < string < array < object
// < set; arrays compare element-wise, objects by their sorted (key, value) sequences, sets by
// their sorted elements.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "value/decimal.h"
#include "value/value.h"

namespace gatehouse::rego {

enum class ValueKind : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject, kSet };

// OPA's type name: "null", "boolean", "number", "string", "array", "object", "set".
std::string_view TypeName(ValueKind kind);

class Value;
using Member = std::pair<Value, Value>;

namespace detail {
struct Node {
  mutable std::atomic<std::uint32_t> refs{1};
  virtual ~Node() = default;
};
}  // namespace detail

class Value {
 public:
  Value() = default;  // null
  Value(const Value& other)
      : kind_(other.kind_), rep_(other.rep_), heap_(other.heap_), bits_(other.bits_) {
    Retain();
  }
  Value(Value&& other) noexcept
      : kind_(other.kind_), rep_(other.rep_), heap_(other.heap_), bits_(other.bits_) {
    other.kind_ = ValueKind::kNull;
    other.rep_ = kDouble;
    other.heap_ = false;
  }
  Value& operator=(const Value& other) {
    Value copy(other);
    Swap(copy);
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    Value moved(std::move(other));
    Swap(moved);
    return *this;
  }
  ~Value() { Release(); }

  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(std::int64_t i);
  // An int when `d` is integral and fits int64, else a double. NaN and infinities are stored
  // as doubles (builtins should refuse to make them).
  static Value Number(double d);
  // A JSON number's text (Rego number literals have the same syntax), in whichever form holds it
  // exactly; nullopt when `text` is not a number.
  static std::optional<Value> NumberFromText(std::string_view text);
  // An exact decimal, in the form that holds it.
  static Value FromDecimal(const value::Decimal& d);
  static Value String(std::string s);
  static Value String(std::string_view s) { return String(std::string(s)); }
  static Value String(const char* s) { return String(std::string(s)); }
  static Value Array(std::vector<Value> items);
  static Value EmptyArray() { return Array({}); }
  // Sorts and removes duplicates.
  static Value Set(std::vector<Value> items);
  static Value EmptySet() { return Set({}); }
  // Sorts by key; for duplicate keys the last one wins.
  static Value Object(std::vector<Member> members);
  static Value EmptyObject() { return Object({}); }

  ValueKind kind() const { return kind_; }
  bool is_null() const { return kind_ == ValueKind::kNull; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_number() const { return kind_ == ValueKind::kNumber; }
  bool is_string() const { return kind_ == ValueKind::kString; }
  bool is_array() const { return kind_ == ValueKind::kArray; }
  bool is_object() const { return kind_ == ValueKind::kObject; }
  bool is_set() const { return kind_ == ValueKind::kSet; }
  bool is_collection() const { return kind_ >= ValueKind::kArray; }

  // Typed views; nullopt / empty when the kind differs.
  std::optional<bool> AsBool() const;
  bool is_int() const { return kind_ == ValueKind::kNumber && rep_ == kInt; }
  bool is_big_number() const { return kind_ == ValueKind::kNumber && rep_ == kBig; }
  std::optional<std::int64_t> AsInt() const;  // integral numbers in int64 range only
  std::optional<double> AsDouble() const;     // any number (a big one rounded, maybe to inf)
  // A big number's text and exact value; "" and nullptr for any other value.
  std::string_view BigNumberText() const;
  const value::Decimal* BigNumberValue() const;
  // Any number's exact value (a double's shortest digits).
  value::Decimal ExactValue() const;
  // For a string: its text. Check is_string() first; other kinds give "".
  std::string_view AsString() const;
  // Elements of an array or a set (sorted); empty for other kinds.
  std::span<const Value> Items() const;
  // Members of an object, sorted by key; empty for other kinds.
  std::span<const Member> Members() const;
  // Elements of an array or set, members of an object, bytes of a string; 0 for scalars.
  std::size_t size() const;

  // Object member by key, array element by integer index: nullptr when absent.
  const Value* Find(const Value& key) const;
  const Value* Find(std::string_view key) const;  // objects only
  // Set membership.
  bool Contains(const Value& element) const;

  // OPA's order; 0 when equal.
  friend int Compare(const Value& a, const Value& b);
  friend bool operator==(const Value& a, const Value& b) { return Compare(a, b) == 0; }
  friend bool operator!=(const Value& a, const Value& b) { return Compare(a, b) != 0; }
  friend bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }
  std::size_t Hash() const;

  void Swap(Value& other) noexcept {
    std::swap(kind_, other.kind_);
    std::swap(rep_, other.rep_);
    std::swap(heap_, other.heap_);
    std::swap(bits_, other.bits_);
  }

 private:
  friend struct ValueAccess;
  // How a number is held; kDouble for every other kind.
  enum NumberRep : std::uint8_t { kDouble, kInt, kBig };
  bool has_node() const { return heap_; }
  const detail::Node* node() const { return bits_.node; }
  void Retain() const {
    if (has_node()) bits_.node->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Release() {
    if (has_node() && bits_.node->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete bits_.node;
    }
  }

  ValueKind kind_ = ValueKind::kNull;
  NumberRep rep_ = kDouble;
  bool heap_ = false;  // bits_.node is a node: strings, collections, big numbers
  union Bits {
    bool b;
    std::int64_t i;
    double d;
    const detail::Node* node;
  } bits_{.i = 0};
};

// Incremental builders: collect, then Finish() once (sorting happens there).
class SetBuilder {
 public:
  void Add(Value v) { items_.push_back(std::move(v)); }
  std::size_t pending() const { return items_.size(); }
  Value Finish() { return Value::Set(std::move(items_)); }

 private:
  std::vector<Value> items_;
};

class ObjectBuilder {
 public:
  void Add(Value key, Value v) { members_.emplace_back(std::move(key), std::move(v)); }
  Value Finish() { return Value::Object(std::move(members_)); }

 private:
  std::vector<Member> members_;
};

// Conversions to and from the project's JSON model (value::Value). Sets become arrays; object
// keys that are not strings become their JSON text, as OPA does when it serialises.
Value FromJson(const value::Value& json);
value::Value ToJson(const Value& v);

// JSON text (compact, keys sorted; numbers as Go's encoding/json writes float64). Sets are
// written as arrays. Used for results and `json.marshal`.
std::string ToJsonText(const Value& v);
// Parses JSON text (limits of value/json.h).
Result<Value> ParseJsonText(std::string_view text);

// Rego literal text, as OPA prints terms: strings quoted, sets as `{1, 2}` (`set()` when
// empty), objects as `{"a": 1}`. Used in error messages, `sprintf("%v")` and `print`.
std::string ToRegoText(const Value& v);

// Number text as OPA prints it: integers in decimal, other doubles in the shortest form that
// reads back, `1e+21` style beyond Go's 'f' range; a big number's own text.
std::string NumberText(const Value& number);

}  // namespace gatehouse::rego
