#include "rego/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>

#include "value/json.h"

namespace gatehouse::rego {
namespace {

struct StringNode : detail::Node {
  explicit StringNode(std::string s) : text(std::move(s)) {}
  std::string text;
};
struct ItemsNode : detail::Node {  // arrays and sets
  explicit ItemsNode(std::vector<Value> v) : items(std::move(v)) {}
  std::vector<Value> items;
};
struct ObjectNode : detail::Node {
  explicit ObjectNode(std::vector<Member> m) : members(std::move(m)) {}
  std::vector<Member> members;
};
struct BigNumberNode : detail::Node {
  BigNumberNode(std::string t, value::Decimal d) : text(std::move(t)), decimal(std::move(d)) {}
  std::string text;
  value::Decimal decimal;
};

int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    auto x = *a.AsInt(), y = *b.AsInt();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_big_number() || b.is_big_number()) {
    // An infinity (which only builtins' doubles can be) is beyond every finite number.
    double x = *a.AsDouble(), y = *b.AsDouble();
    if (std::isinf(x) && !a.is_big_number()) return x < 0 ? -1 : 1;
    if (std::isinf(y) && !b.is_big_number()) return y < 0 ? 1 : -1;
    return value::Compare(a.ExactValue(), b.ExactValue());
  }
  long double x = *a.AsDouble(), y = *b.AsDouble();
  if (a.is_int()) x = static_cast<long double>(*a.AsInt());
  if (b.is_int()) y = static_cast<long double>(*b.AsInt());
  return x < y ? -1 : (x > y ? 1 : 0);
}

template <typename T>
int CompareInts(T x, T y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

int CompareStringTo(const Value& key, std::string_view s) {
  if (key.kind() != ValueKind::kString) {
    return key.kind() < ValueKind::kString ? -1 : 1;
  }
  int c = key.AsString().compare(s);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::size_t Mix(std::size_t seed, std::size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

}  // namespace

// Grants value.cc access to the private representation.
struct ValueAccess {
  static Value Make(ValueKind kind, const detail::Node* node) {
    Value v;
    v.kind_ = kind;
    v.heap_ = true;
    v.bits_.node = node;
    return v;
  }
  static const StringNode& Str(const Value& v) { return *static_cast<const StringNode*>(v.node()); }
  static const ItemsNode& Items(const Value& v) { return *static_cast<const ItemsNode*>(v.node()); }
  static const ObjectNode& Obj(const Value& v) { return *static_cast<const ObjectNode*>(v.node()); }
  static const BigNumberNode& Big(const Value& v) {
    return *static_cast<const BigNumberNode*>(v.node());
  }
  static Value MakeBig(std::string text, value::Decimal d) {
    Value v;
    v.kind_ = ValueKind::kNumber;
    v.rep_ = Value::kBig;
    v.heap_ = true;
    v.bits_.node = new BigNumberNode(std::move(text), std::move(d));
    return v;
  }
  static void SetBool(Value& v, bool b) {
    v.kind_ = ValueKind::kBool;
    v.bits_.b = b;
  }
  static void SetInt(Value& v, std::int64_t i) {
    v.kind_ = ValueKind::kNumber;
    v.rep_ = Value::kInt;
    v.bits_.i = i;
  }
  static void SetDouble(Value& v, double d) {
    v.kind_ = ValueKind::kNumber;
    v.rep_ = Value::kDouble;
    v.bits_.d = d;
  }
  static double Double(const Value& v) { return v.bits_.d; }
  static std::int64_t Int(const Value& v) { return v.bits_.i; }
  static bool BoolOf(const Value& v) { return v.bits_.b; }
};

std::string_view TypeName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "boolean";
    case ValueKind::kNumber:
      return "number";
    case ValueKind::kString:
      return "string";
    case ValueKind::kArray:
      return "array";
    case ValueKind::kObject:
      return "object";
    case ValueKind::kSet:
      return "set";
  }
  return "unknown";
}

Value Value::Bool(bool b) {
  Value v;
  ValueAccess::SetBool(v, b);
  return v;
}

Value Value::Int(std::int64_t i) {
  Value v;
  ValueAccess::SetInt(v, i);
  return v;
}

Value Value::Number(double d) {
  Value v;
  // 2^63 is not representable as int64; the range check must exclude it.
  if (std::isfinite(d) && d == std::trunc(d) && d >= -9223372036854775808.0 &&
      d < 9223372036854775808.0) {
    ValueAccess::SetInt(v, static_cast<std::int64_t>(d));
  } else {
    ValueAccess::SetDouble(v, d);
  }
  return v;
}

Value Value::FromDecimal(const value::Decimal& d) {
  // An integer in int64 range is an int; a double's shortest digits are a double.
  if (std::string digits = value::IntegerDigits(d, 19); !digits.empty()) {
    std::int64_t i = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
    if (ec == std::errc() && end == digits.data() + digits.size()) return Int(i);
  }
  if (value::FitsDouble(d)) return Number(value::ToDouble(d));
  return ValueAccess::MakeBig(value::DecimalText(d), d);
}

std::optional<Value> Value::NumberFromText(std::string_view text) {
  auto d = value::ParseDecimal(text);
  if (!d) return std::nullopt;
  Value v = FromDecimal(*d);
  if (!v.is_big_number()) return v;
  return ValueAccess::MakeBig(std::string(text), std::move(*d));  // keeps the text as written
}

Value Value::String(std::string s) {
  return ValueAccess::Make(ValueKind::kString, new StringNode(std::move(s)));
}

Value Value::Array(std::vector<Value> items) {
  return ValueAccess::Make(ValueKind::kArray, new ItemsNode(std::move(items)));
}

Value Value::Set(std::vector<Value> items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return ValueAccess::Make(ValueKind::kSet, new ItemsNode(std::move(items)));
}

Value Value::Object(std::vector<Member> members) {
  // Stable, so that among equal keys the last written stays last; then keep that one. Keys are
  // nearly always strings, which compare as their bytes (as Compare orders them).
  const auto less = [](const Member& a, const Member& b) {
    if (a.first.is_string() && b.first.is_string()) return a.first.AsString() < b.first.AsString();
    return a.first < b.first;
  };
  if (!std::is_sorted(members.begin(), members.end(), less)) {
    std::stable_sort(members.begin(), members.end(), less);
  }
  // Equal keys are adjacent now: compact in place, the last of each run winning.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (kept > 0 && members[kept - 1].first == members[i].first) {
      members[kept - 1].second = std::move(members[i].second);
    } else {
      if (kept != i) members[kept] = std::move(members[i]);
      ++kept;
    }
  }
  members.erase(members.begin() + static_cast<std::ptrdiff_t>(kept), members.end());
  return ValueAccess::Make(ValueKind::kObject, new ObjectNode(std::move(members)));
}

std::optional<bool> Value::AsBool() const {
  if (kind_ != ValueKind::kBool) return std::nullopt;
  return bits_.b;
}

std::optional<std::int64_t> Value::AsInt() const {
  if (!is_int()) return std::nullopt;
  return bits_.i;
}

std::optional<double> Value::AsDouble() const {
  if (kind_ != ValueKind::kNumber) return std::nullopt;
  if (rep_ == kBig) return std::strtod(ValueAccess::Big(*this).text.c_str(), nullptr);
  return rep_ == kInt ? static_cast<double>(bits_.i) : bits_.d;
}

std::string_view Value::BigNumberText() const {
  if (!is_big_number()) return {};
  return ValueAccess::Big(*this).text;
}

const value::Decimal* Value::BigNumberValue() const {
  if (!is_big_number()) return nullptr;
  return &ValueAccess::Big(*this).decimal;
}

value::Decimal Value::ExactValue() const {
  if (rep_ == kBig) return ValueAccess::Big(*this).decimal;
  if (rep_ == kInt) return value::DecimalOf(bits_.i);
  if (kind_ == ValueKind::kNumber) return value::DecimalOf(bits_.d);
  return {};
}

std::string_view Value::AsString() const {
  if (kind_ != ValueKind::kString) return {};
  return ValueAccess::Str(*this).text;
}

std::span<const Value> Value::Items() const {
  if (kind_ != ValueKind::kArray && kind_ != ValueKind::kSet) return {};
  return ValueAccess::Items(*this).items;
}

std::span<const Member> Value::Members() const {
  if (kind_ != ValueKind::kObject) return {};
  return ValueAccess::Obj(*this).members;
}

std::size_t Value::size() const {
  switch (kind_) {
    case ValueKind::kString:
      return AsString().size();
    case ValueKind::kArray:
    case ValueKind::kSet:
      return Items().size();
    case ValueKind::kObject:
      return Members().size();
    default:
      return 0;
  }
}

const Value* Value::Find(const Value& key) const {
  if (kind_ == ValueKind::kObject) {
    auto members = Members();
    auto it = std::lower_bound(members.begin(), members.end(), key,
                               [](const Member& m, const Value& k) { return m.first < k; });
    if (it != members.end() && it->first == key) return &it->second;
    return nullptr;
  }
  if (kind_ == ValueKind::kArray) {
    auto index = key.AsInt();
    auto items = Items();
    if (!index || *index < 0 || static_cast<std::size_t>(*index) >= items.size()) return nullptr;
    return &items[static_cast<std::size_t>(*index)];
  }
  return nullptr;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != ValueKind::kObject) return nullptr;
  auto members = Members();
  auto it = std::lower_bound(
      members.begin(), members.end(), key,
      [](const Member& m, std::string_view k) { return CompareStringTo(m.first, k) < 0; });
  if (it != members.end() && CompareStringTo(it->first, key) == 0) return &it->second;
  return nullptr;
}

bool Value::Contains(const Value& element) const {
  if (kind_ != ValueKind::kSet) return false;
  auto items = Items();
  return std::binary_search(items.begin(), items.end(), element);
}

int Compare(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return a.kind_ < b.kind_ ? -1 : 1;
  switch (a.kind_) {
    case ValueKind::kNull:
      return 0;
    case ValueKind::kBool:
      return CompareInts<int>(a.bits_.b, b.bits_.b);
    case ValueKind::kNumber:
      return CompareNumbers(a, b);
    case ValueKind::kString: {
      if (a.bits_.node == b.bits_.node) return 0;
      int c = a.AsString().compare(b.AsString());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case ValueKind::kArray:
    case ValueKind::kSet: {
      if (a.bits_.node == b.bits_.node) return 0;
      auto x = a.Items(), y = b.Items();
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = Compare(x[i], y[i]); c != 0) return c;
      }
      return CompareInts(x.size(), y.size());
    }
    case ValueKind::kObject: {
      if (a.bits_.node == b.bits_.node) return 0;
      auto x = a.Members(), y = b.Members();
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = Compare(x[i].first, y[i].first); c != 0) return c;
        if (int c = Compare(x[i].second, y[i].second); c != 0) return c;
      }
      return CompareInts(x.size(), y.size());
    }
  }
  return 0;
}

std::size_t Value::Hash() const {
  std::size_t h = static_cast<std::size_t>(kind_) * 0x100000001b3ULL;
  switch (kind_) {
    case ValueKind::kNull:
      return h;
    case ValueKind::kBool:
      return Mix(h, bits_.b ? 1 : 2);
    case ValueKind::kNumber:
      if (rep_ == kBig) {
        const value::Decimal& d = ValueAccess::Big(*this).decimal;
        return Mix(Mix(h, std::hash<std::string_view>{}(d.digits)),
                   std::hash<std::int64_t>{}(d.exponent * 2 + (d.negative ? 1 : 0)));
      }
      return Mix(h,
                 rep_ == kInt ? std::hash<std::int64_t>{}(bits_.i) : std::hash<double>{}(bits_.d));
    case ValueKind::kString:
      return Mix(h, std::hash<std::string_view>{}(AsString()));
    case ValueKind::kArray:
    case ValueKind::kSet:
      for (const auto& item : Items()) h = Mix(h, item.Hash());
      return h;
    case ValueKind::kObject:
      for (const auto& [k, v] : Members()) h = Mix(Mix(h, k.Hash()), v.Hash());
      return h;
  }
  return h;
}

Value FromJson(const value::Value& json) {
  switch (json.kind()) {
    case value::Kind::kNull:
      return Value::Null();
    case value::Kind::kBool:
      return Value::Bool(*json.AsBool());
    case value::Kind::kInt:
      return Value::Int(*json.AsInt());
    case value::Kind::kDouble:
      return Value::Number(*json.AsDouble());
    case value::Kind::kBigNumber:
      return Value::NumberFromText(json.AsBigNumber()->text).value_or(Value::Null());
    case value::Kind::kString:
      return Value::String(*json.AsString());
    case value::Kind::kArray: {
      std::vector<Value> items;
      items.reserve(json.AsArray()->size());
      for (const auto& item : *json.AsArray()) items.push_back(FromJson(item));
      return Value::Array(std::move(items));
    }
    case value::Kind::kObject: {
      std::vector<Member> members;
      members.reserve(json.AsObject()->size());
      for (const auto& m : *json.AsObject()) {
        members.emplace_back(Value::String(m.key), FromJson(m.value));
      }
      return Value::Object(std::move(members));
    }
  }
  return Value::Null();
}

value::Value ToJson(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return value::Value(nullptr);
    case ValueKind::kBool:
      return value::Value(*v.AsBool());
    case ValueKind::kNumber:
      if (v.is_int()) return value::Value(*v.AsInt());
      if (v.is_big_number()) return value::Value(value::BigNumber{std::string(v.BigNumberText())});
      return value::Value(*v.AsDouble());
    case ValueKind::kString:
      return value::Value(v.AsString());
    case ValueKind::kArray:
    case ValueKind::kSet: {
      value::Array items;
      items.reserve(v.Items().size());
      for (const auto& item : v.Items()) items.push_back(ToJson(item));
      return value::Value(std::move(items));
    }
    case ValueKind::kObject: {
      value::Object members;
      members.reserve(v.Members().size());
      for (const auto& [k, val] : v.Members()) {
        std::string key = k.is_string() ? std::string(k.AsString()) : ToJsonText(k);
        members.push_back(value::Member{std::move(key), ToJson(val)});
      }
      return value::Value(std::move(members));
    }
  }
  return value::Value(nullptr);
}

std::string NumberText(const Value& number) {
  if (number.is_int()) return std::to_string(*number.AsInt());
  if (number.is_big_number()) return std::string(number.BigNumberText());
  double d = number.AsDouble().value_or(0);
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[64];
  double magnitude = std::fabs(d);
  // Go's encoding/json: 'f' format, but 'e' below 1e-6 and from 1e21 on.
  bool exponent = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), d,
                    exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string text(buf, end);
  if (exponent) {  // "1e-07" -> "1e-7", as Go writes it
    auto e = text.find('e');
    if (e != std::string::npos && e + 2 < text.size() && text[e + 2] == '0') {
      text.erase(e + 2, 1);
    }
  }
  return text;
}

namespace {

void AppendJson(std::string& out, const Value& v) {
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
      value::AppendJsonString(out, v.AsString());
      return;
    case ValueKind::kArray:
    case ValueKind::kSet: {
      out += '[';
      bool first = true;
      for (const auto& item : v.Items()) {
        if (!first) out += ',';
        first = false;
        AppendJson(out, item);
      }
      out += ']';
      return;
    }
    case ValueKind::kObject: {
      // Non-string keys become their JSON text, then all keys are sorted as strings.
      std::vector<std::pair<std::string, const Value*>> members;
      bool all_strings = true;
      for (const auto& [k, val] : v.Members()) {
        all_strings = all_strings && k.is_string();
        members.emplace_back(k.is_string() ? std::string(k.AsString()) : ToJsonText(k), &val);
      }
      if (!all_strings) {
        std::stable_sort(members.begin(), members.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
      }
      out += '{';
      bool first = true;
      for (const auto& [key, val] : members) {
        if (!first) out += ',';
        first = false;
        value::AppendJsonString(out, key);
        out += ':';
        AppendJson(out, *val);
      }
      out += '}';
      return;
    }
  }
}

void AppendRego(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kArray: {
      out += '[';
      bool first = true;
      for (const auto& item : v.Items()) {
        if (!first) out += ", ";
        first = false;
        AppendRego(out, item);
      }
      out += ']';
      return;
    }
    case ValueKind::kSet: {
      if (v.Items().empty()) {
        out += "set()";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& item : v.Items()) {
        if (!first) out += ", ";
        first = false;
        AppendRego(out, item);
      }
      out += '}';
      return;
    }
    case ValueKind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [k, val] : v.Members()) {
        if (!first) out += ", ";
        first = false;
        AppendRego(out, k);
        out += ": ";
        AppendRego(out, val);
      }
      out += '}';
      return;
    }
    default:
      AppendJson(out, v);
  }
}

}  // namespace

std::string ToJsonText(const Value& v) {
  std::string out;
  AppendJson(out, v);
  return out;
}

Result<Value> ParseJsonText(std::string_view text) {
  auto parsed = value::ParseJson(text);
  if (!parsed) return parsed.error();
  return FromJson(*parsed);
}

std::string ToRegoText(const Value& v) {
  std::string out;
  AppendRego(out, v);
  return out;
}

}  // namespace gatehouse::rego
