// time.* builtins with Go's time semantics (go_time.h) and IANA zones (tz_database.h).
#include <cmath>
#include <limits>
#include <string>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/go_time.h"
#include "rego/builtins/tz_database.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

constexpr std::string_view kOutOfRange = "time outside of valid range";

struct Instant {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  std::shared_ptr<const builtins::TimeZone> tz;  // UTC when not given
  std::string layout;                            // time.format's optional third element
};

Result<std::int64_t> NanosOf(std::string_view name, const Value& v) {
  if (auto i = v.AsInt()) return *i;
  const double d = *v.AsDouble();
  // Beyond int64 (a big number always is; big.Float.Int64 is not exact there in OPA).
  if (v.is_big_number() || !std::isfinite(d) || d >= 9223372036854775808.0 ||
      d < -9223372036854775808.0) {
    return BuiltinError(name, "timestamp too big");
  }
  return static_cast<std::int64_t>(d);
}

Instant FromNanos(std::int64_t ns) {
  Instant t;
  t.seconds = ns / 1000000000;
  std::int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    t.seconds -= 1;
  }
  t.nanos = static_cast<std::int32_t>(rem);
  return t;
}

// A number of nanoseconds, or [ns, "Zone"] (and for time.format [ns, "Zone", "layout"]).
Result<Instant> InstantArg(std::string_view name, const Value& v, int n, bool allow_layout) {
  const Value* ns_value = &v;
  const Value* zone = nullptr;
  const Value* layout = nullptr;
  if (v.is_array()) {
    const auto items = v.Items();
    const std::size_t max = allow_layout ? 3 : 2;
    if (items.empty() || items.size() > max) {
      return BuiltinError(name, "array argument must have 2 elements (or 3 for time.format)");
    }
    ns_value = &items[0];
    if (items.size() > 1) zone = &items[1];
    if (items.size() > 2) layout = &items[2];
  } else if (!v.is_number()) {
    return OperandTypeError(name, n, "one of {number, array}", v);
  }
  if (!ns_value->is_number()) return OperandTypeError(name, n, "number", *ns_value);
  auto ns = NanosOf(name, *ns_value);
  if (!ns) return ns.error();
  Instant t = FromNanos(*ns);
  if (zone != nullptr) {
    if (!zone->is_string()) return OperandTypeError(name, n, "string", *zone);
    auto tz = builtins::CurrentTzDatabase().Find(zone->AsString());
    if (!tz) return BuiltinError(name, tz.error().message);
    t.tz = std::move(*tz);
  }
  if (layout != nullptr) {
    if (!layout->is_string()) return OperandTypeError(name, n, "string", *layout);
    t.layout = std::string(layout->AsString());
  }
  return t;
}

builtins::Civil CivilOf(const Instant& t) {
  return builtins::ToCivil(t.seconds, t.nanos, t.tz.get());
}

BuiltinResult NowNs(BuiltinContext& ctx, std::span<const Value>) {
  return Return(Value::Int(ctx.now_ns));
}

BuiltinResult ParseNs(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "time.parse_ns";
  auto layout = builtins::StringArg(kName, args, 1);
  if (!layout) return layout.error();
  auto value = builtins::StringArg(kName, args, 2);
  if (!value) return value.error();
  auto parsed = builtins::ParseGoTime(*layout, *value);
  if (!parsed) return BuiltinError(kName, parsed.error().message);
  auto ns = builtins::ToUnixNanos(parsed->first, parsed->second);
  if (!ns) return BuiltinError(kName, kOutOfRange);
  return Return(Value::Int(*ns));
}

BuiltinResult ParseRfc3339Ns(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "time.parse_rfc3339_ns";
  auto value = builtins::StringArg(kName, args, 1);
  if (!value) return value.error();
  auto parsed = builtins::ParseGoTime("2006-01-02T15:04:05Z07:00", *value);
  if (!parsed) return BuiltinError(kName, parsed.error().message);
  auto ns = builtins::ToUnixNanos(parsed->first, parsed->second);
  if (!ns) return BuiltinError(kName, kOutOfRange);
  return Return(Value::Int(*ns));
}

BuiltinResult ParseDurationNs(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "time.parse_duration_ns";
  auto value = builtins::StringArg(kName, args, 1);
  if (!value) return value.error();
  auto ns = builtins::ParseGoDuration(*value);
  if (!ns) return BuiltinError(kName, ns.error().message);
  return Return(Value::Int(*ns));
}

BuiltinResult Date(BuiltinContext&, std::span<const Value> args) {
  auto t = InstantArg("time.date", args[0], 1, false);
  if (!t) return t.error();
  const builtins::Civil c = CivilOf(*t);
  return Return(Value::Array({Value::Int(c.year), Value::Int(c.month), Value::Int(c.day)}));
}

BuiltinResult Clock(BuiltinContext&, std::span<const Value> args) {
  auto t = InstantArg("time.clock", args[0], 1, false);
  if (!t) return t.error();
  const builtins::Civil c = CivilOf(*t);
  return Return(Value::Array({Value::Int(c.hour), Value::Int(c.minute), Value::Int(c.second)}));
}

BuiltinResult Weekday(BuiltinContext&, std::span<const Value> args) {
  static constexpr const char* kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};
  auto t = InstantArg("time.weekday", args[0], 1, false);
  if (!t) return t.error();
  return Return(Value::String(kNames[CivilOf(*t).weekday]));
}

BuiltinResult AddDate(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "time.add_date";
  for (std::size_t i = 0; i < 4; ++i) {
    if (!args[i].is_number()) {
      return OperandTypeError(kName, static_cast<int>(i + 1), "number", args[i]);
    }
  }
  auto ns = NanosOf(kName, args[0]);
  if (!ns) return ns.error();
  std::int64_t delta[3];
  for (std::size_t i = 0; i < 3; ++i) {
    auto v = args[i + 1].AsInt();
    if (!v || *v > 1000000000 || *v < -1000000000) {
      return BuiltinError(kName, "operand " + std::to_string(i + 2) + " must be an integer");
    }
    delta[i] = *v;
  }
  const Instant t = FromNanos(*ns);
  const builtins::Civil c = builtins::ToCivil(t.seconds, t.nanos, nullptr);
  const std::int64_t secs = builtins::FromCivil(c.year + delta[0], c.month + delta[1],
                                                c.day + delta[2], c.hour, c.minute, c.second, 0);
  auto out = builtins::ToUnixNanos(secs, t.nanos);
  if (!out) return BuiltinError(kName, kOutOfRange);
  return Return(Value::Int(*out));
}

BuiltinResult Diff(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "time.diff";
  auto a = InstantArg(kName, args[0], 1, false);
  if (!a) return a.error();
  auto b = InstantArg(kName, args[1], 2, false);
  if (!b) return b.error();
  // Both in the first operand's zone; then earlier first.
  b->tz = a->tz;
  Instant t1 = *a, t2 = *b;
  if (t1.seconds > t2.seconds || (t1.seconds == t2.seconds && t1.nanos > t2.nanos)) {
    std::swap(t1, t2);
  }
  const builtins::Civil c1 = CivilOf(t1), c2 = CivilOf(t2);
  std::int64_t year = c2.year - c1.year;
  std::int64_t month = c2.month - c1.month;
  std::int64_t day = c2.day - c1.day;
  std::int64_t hour = c2.hour - c1.hour;
  std::int64_t minute = c2.minute - c1.minute;
  std::int64_t second = c2.second - c1.second;
  if (second < 0) {
    second += 60;
    --minute;
  }
  if (minute < 0) {
    minute += 60;
    --hour;
  }
  if (hour < 0) {
    hour += 24;
    --day;
  }
  if (day < 0) {
    // Days in c1's month: day 32 of it normalises into the next month.
    const std::int64_t day32 = builtins::FromCivil(c1.year, c1.month, 32, 0, 0, 0, 0);
    day += 32 - builtins::ToCivil(day32, 0, nullptr).day;
    --month;
  }
  if (month < 0) {
    month += 12;
    --year;
  }
  return Return(Value::Array({Value::Int(year), Value::Int(month), Value::Int(day),
                              Value::Int(hour), Value::Int(minute), Value::Int(second)}));
}

BuiltinResult Format(BuiltinContext&, std::span<const Value> args) {
  auto t = InstantArg("time.format", args[0], 1, true);
  if (!t) return t.error();
  const std::string_view layout = t->layout.empty() ? "2006-01-02T15:04:05.999999999Z07:00"
                                                    : builtins::ResolveLayout(t->layout);
  return Return(Value::String(builtins::FormatGoTime(CivilOf(*t), layout)));
}

}  // namespace

void RegisterTimeBuiltins(BuiltinRegistry& r) {
  using builtins::Add;
  constexpr TypeMask kTime = kTNumber | kTArray;
  Add(r, "time.now_ns", {}, kTNumber, NowNs);
  Add(r, "time.parse_ns", {kTString, kTString}, kTNumber, ParseNs);
  Add(r, "time.parse_rfc3339_ns", {kTString}, kTNumber, ParseRfc3339Ns);
  Add(r, "time.parse_duration_ns", {kTString}, kTNumber, ParseDurationNs);
  Add(r, "time.date", {kTime}, kTArray, Date);
  Add(r, "time.clock", {kTime}, kTArray, Clock);
  Add(r, "time.weekday", {kTime}, kTString, Weekday);
  Add(r, "time.add_date", {kTNumber, kTNumber, kTNumber, kTNumber}, kTNumber, AddDate);
  Add(r, "time.diff", {kTime, kTime}, kTArray, Diff);
  Add(r, "time.format", {kTime}, kTString, Format);
}

}  // namespace gatehouse::rego
