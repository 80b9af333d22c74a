#include "rego/builtins/go_time.h"

#include <array>
#include <cctype>
#include <limits>

#include "rego/builtins/builtin_failure.h"

namespace gatehouse::rego::builtins {
namespace {

constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int month, std::int64_t year) {
  static constexpr int kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kLen[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

enum Std {
  kNone,
  kLongMonth,
  kMonth,
  kNumMonth,
  kZeroMonth,
  kLongWeekDay,
  kWeekDay,
  kDay,
  kUnderDay,
  kZeroDay,
  kUnderYearDay,
  kZeroYearDay,
  kHour,
  kHour12,
  kZeroHour12,
  kMinute,
  kZeroMinute,
  kSecond,
  kZeroSecond,
  kLongYear,
  kYear,
  kPM,
  kpm,
  kTZ,
  kISO8601TZ,
  kISO8601SecondsTZ,
  kISO8601ShortTZ,
  kISO8601ColonTZ,
  kISO8601ColonSecondsTZ,
  kNumTZ,
  kNumSecondsTz,
  kNumShortTZ,
  kNumColonTZ,
  kNumColonSecondsTZ,
  kFrac0,
  kFrac9,
};

struct Chunk {
  std::string_view prefix;
  Std std = kNone;
  std::string_view std_text;
  std::string_view suffix;
};

bool StartsWith(std::string_view s, std::size_t i, std::string_view p) {
  return s.substr(i, p.size()) == p;
}

// Go's nextStdChunk.
Chunk NextChunk(std::string_view layout) {
  for (std::size_t i = 0; i < layout.size(); ++i) {
    auto hit = [&](Std s, std::size_t len) {
      return Chunk{layout.substr(0, i), s, layout.substr(i, len), layout.substr(i + len)};
    };
    switch (layout[i]) {
      case 'J':
        if (StartsWith(layout, i, "January")) return hit(kLongMonth, 7);
        if (StartsWith(layout, i, "Jan")) return hit(kMonth, 3);
        break;
      case 'M':
        if (StartsWith(layout, i, "Monday")) return hit(kLongWeekDay, 6);
        if (StartsWith(layout, i, "Mon")) return hit(kWeekDay, 3);
        if (StartsWith(layout, i, "MST")) return hit(kTZ, 3);
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          static constexpr Std k0x[] = {kZeroMonth,  kZeroDay,    kZeroHour12,
                                        kZeroMinute, kZeroSecond, kYear};
          return hit(k0x[layout[i + 1] - '1'], 2);
        }
        if (StartsWith(layout, i, "002")) return hit(kZeroYearDay, 3);
        break;
      case '1':
        if (StartsWith(layout, i, "15")) return hit(kHour, 2);
        return hit(kNumMonth, 1);
      case '2':
        if (StartsWith(layout, i, "2006")) return hit(kLongYear, 4);
        return hit(kDay, 1);
      case '_':
        if (StartsWith(layout, i, "_2")) {
          if (StartsWith(layout, i + 1, "2006")) {
            return Chunk{layout.substr(0, i + 1), kLongYear, layout.substr(i + 1, 4),
                         layout.substr(i + 5)};
          }
          return hit(kUnderDay, 2);
        }
        if (StartsWith(layout, i, "__2")) return hit(kUnderYearDay, 3);
        break;
      case '3':
        return hit(kHour12, 1);
      case '4':
        return hit(kMinute, 1);
      case '5':
        return hit(kSecond, 1);
      case 'P':
        if (StartsWith(layout, i, "PM")) return hit(kPM, 2);
        break;
      case 'p':
        if (StartsWith(layout, i, "pm")) return hit(kpm, 2);
        break;
      case '-':
        if (StartsWith(layout, i, "-070000")) return hit(kNumSecondsTz, 7);
        if (StartsWith(layout, i, "-07:00:00")) return hit(kNumColonSecondsTZ, 9);
        if (StartsWith(layout, i, "-0700")) return hit(kNumTZ, 5);
        if (StartsWith(layout, i, "-07:00")) return hit(kNumColonTZ, 6);
        if (StartsWith(layout, i, "-07")) return hit(kNumShortTZ, 3);
        break;
      case 'Z':
        if (StartsWith(layout, i, "Z070000")) return hit(kISO8601SecondsTZ, 7);
        if (StartsWith(layout, i, "Z07:00:00")) return hit(kISO8601ColonSecondsTZ, 9);
        if (StartsWith(layout, i, "Z0700")) return hit(kISO8601TZ, 5);
        if (StartsWith(layout, i, "Z07:00")) return hit(kISO8601ColonTZ, 6);
        if (StartsWith(layout, i, "Z07")) return hit(kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          const char ch = layout[i + 1];
          std::size_t j = i + 1;
          while (j < layout.size() && layout[j] == ch) ++j;
          if (!(j < layout.size() && std::isdigit(static_cast<unsigned char>(layout[j])))) {
            return hit(ch == '0' ? kFrac0 : kFrac9, j - i);
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{layout, kNone, {}, {}};
}

void AppendInt(std::string& out, std::int64_t v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  out += digits;
}

bool IsTzStd(Std s) { return s >= kISO8601TZ && s <= kNumColonSecondsTZ; }
bool IsIsoStd(Std s) { return s >= kISO8601TZ && s <= kISO8601ColonSecondsTZ; }

// .000 / .999 (and their ',' forms) of `nanos`: .000 prints exactly that many digits; .999 at
// most that many, trailing zeros cut (nothing at all, not even the dot, when they are all zero).
void AppendFraction(std::string& out, std::int32_t nanos, const Chunk& c) {
  std::string digits = std::to_string(nanos);
  digits.insert(0, 9 - digits.size(), '0');
  const std::size_t n = c.std_text.size() - 1;
  if (c.std == kFrac0) {
    out += c.std_text[0];
    out += digits.substr(0, n);
  } else {
    digits = digits.substr(0, n);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    if (!digits.empty()) {
      out += c.std_text[0];
      out += digits;
    }
  }
}

// The numeric zones (-0700, -07:00, -07, -070000, -07:00:00 and their Z forms, which print "Z"
// for UTC) of `offset` seconds east of UTC.
void AppendZoneOffset(std::string& out, std::int32_t offset, Std std) {
  if (offset == 0 && IsIsoStd(std)) {
    out += 'Z';
    return;
  }
  int zone = offset / 60;
  int abs = offset;
  if (zone < 0) {
    out += '-';
    zone = -zone;
    abs = -abs;
  } else {
    out += '+';
  }
  AppendInt(out, zone / 60, 2);
  const bool colon = std == kISO8601ColonTZ || std == kNumColonTZ ||
                     std == kISO8601ColonSecondsTZ || std == kNumColonSecondsTZ;
  if (colon) out += ':';
  if (std != kNumShortTZ && std != kISO8601ShortTZ) AppendInt(out, zone % 60, 2);
  if (std == kISO8601SecondsTZ || std == kNumSecondsTz || std == kNumColonSecondsTZ ||
      std == kISO8601ColonSecondsTZ) {
    if (colon) out += ':';
    AppendInt(out, abs % 60, 2);
  }
}

Error ParseError(std::string_view layout, std::string_view value, std::string_view elem,
                 std::string_view elem_value, std::string_view message) {
  std::string m = "parsing time \"" + std::string(value) + "\"";
  if (!message.empty() && elem.empty()) {
    return MakeError(BuiltinFailure::kTimeParse, m + std::string(message));
  }
  if (!message.empty()) return MakeError(BuiltinFailure::kTimeParse, m + std::string(message));
  m += " as \"" + std::string(layout) + "\": cannot parse \"" + std::string(elem_value) +
       "\" as \"" + std::string(elem) + "\"";
  return MakeError(BuiltinFailure::kTimeParse, m);
}

bool IsDigitAt(std::string_view s, std::size_t i) {
  return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
}

// Go's getnum: one or two digits (exactly two when fixed).
std::optional<int> GetNum(std::string_view& s, bool fixed) {
  if (!IsDigitAt(s, 0)) return std::nullopt;
  if (!IsDigitAt(s, 1)) {
    if (fixed) return std::nullopt;
    const int v = s[0] - '0';
    s.remove_prefix(1);
    return v;
  }
  const int v = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return v;
}

std::optional<int> GetNum3(std::string_view& s, bool fixed) {
  int v = 0;
  std::size_t i = 0;
  for (; i < 3 && IsDigitAt(s, i); ++i) v = v * 10 + (s[i] - '0');
  if (i == 0 || (fixed && i != 3)) return std::nullopt;
  s.remove_prefix(i);
  return v;
}

std::optional<int> Lookup(std::string_view& s, bool months, bool long_names) {
  const std::size_t n = months ? 12 : 7;
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view name = months ? kMonths[i] : kDays[i];
    if (!long_names) name = name.substr(0, 3);
    if (s.size() >= name.size()) {
      bool eq = true;
      for (std::size_t k = 0; k < name.size(); ++k) {
        if (std::tolower(static_cast<unsigned char>(s[k])) !=
            std::tolower(static_cast<unsigned char>(name[k]))) {
          eq = false;
          break;
        }
      }
      if (eq) {
        s.remove_prefix(name.size());
        return static_cast<int>(i);
      }
    }
  }
  return std::nullopt;
}

// Go's skip: literal layout text; a space in the layout matches any run of spaces.
bool Skip(std::string_view& value, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!value.empty() && value[0] != ' ') return false;
      while (!prefix.empty() && prefix[0] == ' ') prefix.remove_prefix(1);
      while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
      continue;
    }
    if (value.empty() || value[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    value.remove_prefix(1);
  }
  return true;
}

std::optional<std::int32_t> ParseNanos(std::string_view digits) {
  // digits[0] is the separator.
  std::int32_t ns = 0;
  std::size_t i = 1;
  for (; i < digits.size() && i <= 9; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(digits[i]))) return std::nullopt;
    ns = ns * 10 + (digits[i] - '0');
  }
  for (std::size_t k = i; k <= 9; ++k) ns *= 10;
  return ns;
}

// Zone abbreviations Go's parseTimeZone accepts.
std::size_t ZoneNameLength(std::string_view v) {
  if (v.size() < 3) return 0;
  if (v.substr(0, 4) == "ChST" || v.substr(0, 4) == "MeST") return 4;
  if (v.substr(0, 3) == "GMT") {
    std::size_t n = 3;
    if (n < v.size() && (v[n] == '+' || v[n] == '-')) {
      std::size_t k = n + 1;
      while (k < v.size() && std::isdigit(static_cast<unsigned char>(v[k]))) ++k;
      if (k > n + 1) return k;
    }
    return 3;
  }
  std::size_t n = 0;
  while (n < v.size() && n < 6 && std::isupper(static_cast<unsigned char>(v[n]))) ++n;
  if (n < 3) return 0;
  if (n == 3) return 3;
  if (v[n - 1] == 'T' || n == 4) return n;
  return 0;
}

// --- time.Parse, one layout element at a time (Go's Parse, split into its steps) ---

// What Parse has read so far (Go's Parse locals); -1: not given.
struct ParsedFields {
  std::int64_t year = 0;
  int month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0;
  std::int32_t nsec = 0;
  bool pm_set = false, am_set = false;
  bool utc = false;                         // "UTC" or "Z"
  std::optional<std::int32_t> zone_offset;  // a numeric zone, seconds east of UTC
  std::string zone_name;                    // another abbreviation ("MST", "GMT+3")
};

// How reading one layout element went: it matched; the value does not hold that element (Go's
// errBad, reported as `cannot parse "<rest>" as "<element>"`); or it read a number outside the
// element's range (`out_of_range` names the field: "month", "hour", ...).
struct ElementOutcome {
  bool matched = true;
  std::string_view out_of_range;
};
constexpr ElementOutcome kMatched{};
constexpr ElementOutcome kNoMatch{false, {}};
constexpr ElementOutcome OutOfRange(std::string_view field) { return {true, field}; }

// "parsing time "<value>": <field> out of range".
Error OutOfRangeError(std::string_view layout, std::string_view value, std::string_view field) {
  return ParseError(layout, value, "", "", ": " + std::string(field) + " out of range");
}

// 06 (two digits: 69..99 are 19xx, 00..68 20xx) and 2006 (four digits).
ElementOutcome ReadYear(Std std, std::string_view& value, ParsedFields& f) {
  if (std == kYear) {
    if (value.size() < 2 || !IsDigitAt(value, 0) || !IsDigitAt(value, 1)) return kNoMatch;
    const int v = (value[0] - '0') * 10 + (value[1] - '0');
    value.remove_prefix(2);
    f.year = v >= 69 ? 1900 + v : 2000 + v;
    return kMatched;
  }
  if (value.size() < 4 || !IsDigitAt(value, 0) || !IsDigitAt(value, 1) || !IsDigitAt(value, 2) ||
      !IsDigitAt(value, 3)) {
    return kNoMatch;
  }
  f.year = std::stoll(std::string(value.substr(0, 4)));
  value.remove_prefix(4);
  return kMatched;
}

// Jan / January (any case), 1 / 01 (1..12).
ElementOutcome ReadMonth(Std std, std::string_view& value, ParsedFields& f) {
  if (std == kMonth || std == kLongMonth) {
    auto m = Lookup(value, true, std == kLongMonth);
    if (!m) return kNoMatch;
    f.month = *m + 1;
    return kMatched;
  }
  auto m = GetNum(value, std == kZeroMonth);
  if (!m) return kNoMatch;
  if (*m <= 0 || *m > 12) return OutOfRange("month");
  f.month = *m;
  return kMatched;
}

// Mon / Monday (any case): checked, then ignored, as in Go.
ElementOutcome ReadWeekday(Std std, std::string_view& value) {
  return Lookup(value, false, std == kLongWeekDay) ? kMatched : kNoMatch;
}

// 2, _2 (a leading space allowed), 02. The range is checked once the month is known.
ElementOutcome ReadDay(Std std, std::string_view& value, ParsedFields& f) {
  if (std == kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
  auto d = GetNum(value, std == kZeroDay);
  if (!d) return kNoMatch;
  f.day = *d;
  return kMatched;
}

// __2 (up to two leading spaces), 002.
ElementOutcome ReadYearDay(Std std, std::string_view& value, ParsedFields& f) {
  for (int k = 0; k < 2 && std == kUnderYearDay && !value.empty() && value[0] == ' '; ++k) {
    value.remove_prefix(1);
  }
  auto d = GetNum3(value, std == kZeroYearDay);
  if (!d) return kNoMatch;
  f.yday = *d;
  return kMatched;
}

// 15 (0..23), 3 / 03 (0..12; PM/AM adjusts it later).
ElementOutcome ReadHour(Std std, std::string_view& value, ParsedFields& f) {
  auto h = GetNum(value, std == kZeroHour12);
  if (!h) return kNoMatch;
  if (*h < 0 || *h > (std == kHour ? 23 : 12)) return OutOfRange("hour");
  f.hour = *h;
  return kMatched;
}

// 4 / 04 (0..59).
ElementOutcome ReadMinute(Std std, std::string_view& value, ParsedFields& f) {
  auto m = GetNum(value, std == kZeroMinute);
  if (!m) return kNoMatch;
  if (*m < 0 || *m > 59) return OutOfRange("minute");
  f.minute = *m;
  return kMatched;
}

// 5 / 05 (0..59), then a fraction the layout does not mention (Go accepts one after the
// seconds unless the next layout element is itself a fraction). `layout_rest`: the layout
// after this element.
ElementOutcome ReadSecond(Std std, std::string_view layout_rest, std::string_view& value,
                          ParsedFields& f) {
  auto s = GetNum(value, std == kZeroSecond);
  if (!s) return kNoMatch;
  if (*s < 0 || *s > 59) return OutOfRange("second");
  f.second = *s;
  if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && IsDigitAt(value, 1)) {
    const Chunk next = NextChunk(layout_rest);
    if (next.std == kFrac0 || next.std == kFrac9) return kMatched;
    std::size_t n = 2;
    while (IsDigitAt(value, n)) ++n;
    auto ns = ParseNanos(value.substr(0, n));
    if (!ns) return kNoMatch;
    f.nsec = *ns;
    value.remove_prefix(n);
  }
  return kMatched;
}

// PM / pm: exactly "PM" or "AM" in the layout's case.
ElementOutcome ReadAmPm(Std std, std::string_view& value, ParsedFields& f) {
  if (value.size() < 2) return kNoMatch;
  const std::string_view p = value.substr(0, 2);
  if (p == (std == kPM ? "PM" : "pm")) {
    f.pm_set = true;
  } else if (p == (std == kPM ? "AM" : "am")) {
    f.am_set = true;
  } else {
    return kNoMatch;
  }
  value.remove_prefix(2);
  return kMatched;
}

// MST: "UTC", or an abbreviation Go's parseTimeZone accepts (kept by name).
ElementOutcome ReadZoneName(std::string_view& value, ParsedFields& f) {
  if (value.size() >= 3 && value.substr(0, 3) == "UTC") {
    f.utc = true;
    value.remove_prefix(3);
    return kMatched;
  }
  const std::size_t n = ZoneNameLength(value);
  if (n == 0) return kNoMatch;
  f.zone_name = std::string(value.substr(0, n));
  value.remove_prefix(n);
  return kMatched;
}

// .000 (exactly that many digits) and .999 (optional, any number of digits); ',' works too.
ElementOutcome ReadFraction(const Chunk& c, std::string_view& value, ParsedFields& f) {
  std::size_t n = c.std_text.size();
  if (c.std == kFrac0) {
    if (value.size() < n || (value[0] != '.' && value[0] != ',')) return kNoMatch;
  } else {
    if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !IsDigitAt(value, 1)) {
      return kMatched;  // the fraction is optional
    }
    std::size_t digits = 0;
    while (IsDigitAt(value, digits + 1)) ++digits;
    n = 1 + digits;
  }
  auto ns = ParseNanos(value.substr(0, n));
  if (!ns) return kNoMatch;
  f.nsec = *ns;
  value.remove_prefix(n);
  return kMatched;
}

// -0700 -07:00 -07 -070000 -07:00:00, and their Z forms, which also accept "Z" for UTC.
ElementOutcome ReadZoneOffset(Std std, std::string_view& value, ParsedFields& f) {
  if (IsIsoStd(std) && !value.empty() && value[0] == 'Z') {
    value.remove_prefix(1);
    f.utc = true;
    return kMatched;
  }
  const bool colon = std == kISO8601ColonTZ || std == kNumColonTZ ||
                     std == kISO8601ColonSecondsTZ || std == kNumColonSecondsTZ;
  const bool short_tz = std == kNumShortTZ || std == kISO8601ShortTZ;
  const bool secs = std == kISO8601SecondsTZ || std == kNumSecondsTz ||
                    std == kISO8601ColonSecondsTZ || std == kNumColonSecondsTZ;
  const std::size_t need = short_tz ? 3 : colon ? (secs ? 9 : 6) : (secs ? 7 : 5);
  if (value.size() < need || (value[0] != '+' && value[0] != '-')) return kNoMatch;
  auto two = [&](std::size_t at) -> int {
    if (!IsDigitAt(value, at) || !IsDigitAt(value, at + 1)) return -1;
    return (value[at] - '0') * 10 + (value[at + 1] - '0');
  };
  const int hh = two(1);
  int mm = 0, ss = 0;
  if (!short_tz) {
    if (colon && value[3] != ':') return kNoMatch;
    mm = two(colon ? 4 : 3);
    if (secs) {
      if (colon && value[6] != ':') return kNoMatch;
      ss = two(colon ? 7 : 5);
    }
  }
  if (hh < 0 || mm < 0 || ss < 0) return kNoMatch;
  if (hh > 24 || mm > 60 || ss > 60) return OutOfRange("time zone offset");
  std::int32_t off = (hh * 60 + mm) * 60 + ss;
  if (value[0] == '-') off = -off;
  f.zone_offset = off;
  value.remove_prefix(need);
  return kMatched;
}

// Reads layout element `c` (never kNone) from the front of `value` into `f`.
ElementOutcome ReadElement(const Chunk& c, std::string_view& value, ParsedFields& f) {
  switch (c.std) {
    case kYear:
    case kLongYear:
      return ReadYear(c.std, value, f);
    case kMonth:
    case kLongMonth:
    case kNumMonth:
    case kZeroMonth:
      return ReadMonth(c.std, value, f);
    case kWeekDay:
    case kLongWeekDay:
      return ReadWeekday(c.std, value);
    case kDay:
    case kUnderDay:
    case kZeroDay:
      return ReadDay(c.std, value, f);
    case kUnderYearDay:
    case kZeroYearDay:
      return ReadYearDay(c.std, value, f);
    case kHour:
    case kHour12:
    case kZeroHour12:
      return ReadHour(c.std, value, f);
    case kMinute:
    case kZeroMinute:
      return ReadMinute(c.std, value, f);
    case kSecond:
    case kZeroSecond:
      return ReadSecond(c.std, c.suffix, value, f);
    case kPM:
    case kpm:
      return ReadAmPm(c.std, value, f);
    case kTZ:
      return ReadZoneName(value, f);
    case kFrac0:
    case kFrac9:
      return ReadFraction(c, value, f);
    default:
      return ReadZoneOffset(c.std, value, f);
  }
}

// Go: the month and day of a day of the year, which must agree with a month and day given too.
// Returns the error message suffix (": day-of-year ...") or "" when all is well.
std::string ResolveDayOfYear(ParsedFields& f) {
  static constexpr int kDaysBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
  int y = f.yday, m = 0, d = 0;
  if (IsLeap(f.year)) {
    if (y == 31 + 29) {
      m = 2;
      d = 29;
    } else if (y > 31 + 29) {
      --y;
    }
  }
  if (y < 1 || y > 365) return ": day-of-year out of range";
  if (m == 0) {
    m = (y - 1) / 31 + 1;
    if (kDaysBefore[m] < y) ++m;
    d = y - kDaysBefore[m - 1];
  }
  if (f.month >= 0 && f.month != m) return ": day-of-year does not match month";
  f.month = m;
  if (f.day >= 0 && f.day != d) return ": day-of-year does not match day";
  f.day = d;
  return "";
}

// The instant the fields name: 12-hour clock, day of the year, defaults (January, day 1), the
// day's range, then the zone (UTC, a numeric offset, "GMT+h", else offset 0).
Result<std::pair<std::int64_t, std::int32_t>> AssembleTime(std::string_view layout,
                                                           std::string_view value,
                                                           ParsedFields& f) {
  if (f.pm_set && f.hour < 12) {
    f.hour += 12;
  } else if (f.am_set && f.hour == 12) {
    f.hour = 0;
  }
  if (f.yday >= 0) {
    const std::string problem = ResolveDayOfYear(f);
    if (!problem.empty()) return ParseError(layout, value, "", "", problem);
  }
  if (f.month < 0) f.month = 1;
  if (f.day < 0) f.day = 1;
  if (f.day < 1 || f.day > DaysIn(f.month, f.year)) return OutOfRangeError(layout, value, "day");
  std::int32_t offset = 0;
  if (!f.utc && f.zone_offset) offset = *f.zone_offset;
  if (!f.utc && !f.zone_offset && f.zone_name.size() > 3 && f.zone_name.substr(0, 3) == "GMT") {
    offset = std::stoi(f.zone_name.substr(3)) * 3600;
  }
  return std::make_pair(FromCivil(f.year, f.month, f.day, f.hour, f.minute, f.second, offset),
                        f.nsec);
}

}  // namespace

std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = FloorDiv(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil ToCivil(std::int64_t unix_seconds, std::int32_t nanos, const TimeZone* tz) {
  Civil c;
  c.zone = tz != nullptr ? tz->Lookup(unix_seconds) : ZoneOffset{0, "UTC"};
  const std::int64_t local = unix_seconds + c.zone.offset;
  const std::int64_t days = FloorDiv(local, 86400);
  const std::int64_t secs = local - days * 86400;
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs % 3600 / 60);
  c.second = static_cast<int>(secs % 60);
  c.nanos = nanos;
  c.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);
  const std::int64_t z = days + 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.yday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1) + 1);
  return c;
}

std::int64_t FromCivil(std::int64_t year, std::int64_t month, std::int64_t day, std::int64_t hour,
                       std::int64_t minute, std::int64_t second, std::int32_t offset) {
  // Normalise the month first (Go's time.Date), then let days carry everything else.
  std::int64_t m0 = month - 1;
  year += FloorDiv(m0, 12);
  m0 -= FloorDiv(m0, 12) * 12;
  const std::int64_t days = DaysFromCivil(year, static_cast<int>(m0 + 1), 1) + (day - 1);
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

std::int64_t FromCivilInZone(std::int64_t year, std::int64_t month, std::int64_t day,
                             std::int64_t hour, std::int64_t minute, std::int64_t second,
                             const TimeZone* tz) {
  const std::int64_t local = FromCivil(year, month, day, hour, minute, second, 0);
  if (tz == nullptr) return local;
  // Go: try the offset in force just before and after the guess.
  const std::int32_t off1 = tz->Lookup(local).offset;
  const std::int64_t guess = local - off1;
  const std::int32_t off2 = tz->Lookup(guess).offset;
  if (off2 == off1) return guess;
  const std::int64_t guess2 = local - off2;
  return tz->Lookup(guess2).offset == off2 ? guess2 : guess;
}

std::optional<std::int64_t> ToUnixNanos(std::int64_t unix_seconds, std::int64_t nanos) {
  const __int128 v = static_cast<__int128>(unix_seconds) * 1000000000 + nanos;
  if (v > std::numeric_limits<std::int64_t>::max() ||
      v < std::numeric_limits<std::int64_t>::min()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

std::string_view ResolveLayout(std::string_view layout) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", "2006-01-02T15:04:05Z07:00"},
      {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
      {"Kitchen", "3:04PM"},
      {"Stamp", "Jan _2 15:04:05"},
      {"StampMilli", "Jan _2 15:04:05.000"},
      {"StampMicro", "Jan _2 15:04:05.000000"},
      {"StampNano", "Jan _2 15:04:05.000000000"},
      {"DateTime", "2006-01-02 15:04:05"},
      {"DateOnly", "2006-01-02"},
      {"TimeOnly", "15:04:05"},
  };
  for (const auto& [name, text] : kNamed) {
    if (name == layout) return text;
  }
  return layout;
}

std::string FormatGoTime(const Civil& t, std::string_view layout) {
  std::string out;
  while (!layout.empty()) {
    const Chunk c = NextChunk(layout);
    out += c.prefix;
    if (c.std == kNone) break;
    layout = c.suffix;
    switch (c.std) {
      case kYear:
        AppendInt(out, ((t.year % 100) + 100) % 100, 2);
        break;
      case kLongYear:
        AppendInt(out, t.year, 4);
        break;
      case kMonth:
        out += std::string_view(kMonths[static_cast<std::size_t>(t.month - 1)]).substr(0, 3);
        break;
      case kLongMonth:
        out += kMonths[static_cast<std::size_t>(t.month - 1)];
        break;
      case kNumMonth:
        AppendInt(out, t.month, 0);
        break;
      case kZeroMonth:
        AppendInt(out, t.month, 2);
        break;
      case kWeekDay:
        out += std::string_view(kDays[static_cast<std::size_t>(t.weekday)]).substr(0, 3);
        break;
      case kLongWeekDay:
        out += kDays[static_cast<std::size_t>(t.weekday)];
        break;
      case kDay:
        AppendInt(out, t.day, 0);
        break;
      case kUnderDay:
        if (t.day < 10) out += ' ';
        AppendInt(out, t.day, 0);
        break;
      case kZeroDay:
        AppendInt(out, t.day, 2);
        break;
      case kUnderYearDay:
        if (t.yday < 100) out += ' ';
        if (t.yday < 10) out += ' ';
        AppendInt(out, t.yday, 0);
        break;
      case kZeroYearDay:
        AppendInt(out, t.yday, 3);
        break;
      case kHour:
        AppendInt(out, t.hour, 2);
        break;
      case kHour12:
      case kZeroHour12: {
        const int hr = t.hour % 12 == 0 ? 12 : t.hour % 12;
        AppendInt(out, hr, c.std == kZeroHour12 ? 2 : 0);
        break;
      }
      case kMinute:
        AppendInt(out, t.minute, 0);
        break;
      case kZeroMinute:
        AppendInt(out, t.minute, 2);
        break;
      case kSecond:
        AppendInt(out, t.second, 0);
        break;
      case kZeroSecond:
        AppendInt(out, t.second, 2);
        break;
      case kPM:
        out += t.hour >= 12 ? "PM" : "AM";
        break;
      case kpm:
        out += t.hour >= 12 ? "pm" : "am";
        break;
      case kTZ:
        if (!t.zone.abbr.empty()) {
          out += t.zone.abbr;
        } else {
          int z = t.zone.offset / 60;
          out += z < 0 ? '-' : '+';
          if (z < 0) z = -z;
          AppendInt(out, z / 60, 2);
          AppendInt(out, z % 60, 2);
        }
        break;
      case kFrac0:
      case kFrac9:
        AppendFraction(out, t.nanos, c);
        break;
      default:
        if (IsTzStd(c.std)) AppendZoneOffset(out, t.zone.offset, c.std);
        break;
    }
  }
  return out;
}

Result<std::pair<std::int64_t, std::int32_t>> ParseGoTime(std::string_view layout_in,
                                                          std::string_view value_in) {
  std::string_view layout = layout_in;
  std::string_view value = value_in;
  ParsedFields fields;
  while (true) {
    const Chunk c = NextChunk(layout);
    if (!Skip(value, c.prefix)) return ParseError(layout_in, value_in, c.prefix, value, "");
    if (c.std == kNone) {
      if (!value.empty()) {
        return ParseError(layout_in, value_in, "", "",
                          ": extra text: \"" + std::string(value) + "\"");
      }
      break;
    }
    layout = c.suffix;
    const std::string_view before = value;
    const ElementOutcome got = ReadElement(c, value, fields);
    if (!got.out_of_range.empty()) return OutOfRangeError(layout_in, value_in, got.out_of_range);
    if (!got.matched) return ParseError(layout_in, value_in, c.std_text, before, "");
  }
  return AssembleTime(layout_in, value_in, fields);
}

Result<std::int64_t> ParseGoDuration(std::string_view text) {
  const std::string orig(text);
  auto invalid = [&]() {
    return MakeError(BuiltinFailure::kTimeDuration, "time: invalid duration \"" + orig + "\"");
  };
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::int64_t{0};
  if (s.empty()) return invalid();
  unsigned __int128 total = 0;
  while (!s.empty()) {
    unsigned __int128 v = 0;
    std::size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
      v = v * 10 + static_cast<unsigned>(s[n] - '0');
      if (v > (static_cast<unsigned __int128>(1) << 63)) return invalid();
      ++n;
    }
    const bool pre = n > 0;
    s.remove_prefix(n);
    unsigned __int128 frac = 0, scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      n = 0;
      while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
        if (scale < static_cast<unsigned __int128>(1e18)) {
          frac = frac * 10 + static_cast<unsigned>(s[n] - '0');
          scale *= 10;
        }
        ++n;
      }
      post = n > 0;
      s.remove_prefix(n);
    }
    if (!pre && !post) return invalid();
    n = 0;
    while (n < s.size() && s[n] != '.' && !std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
    if (n == 0) {
      return MakeError(BuiltinFailure::kTimeDuration,
                       "time: missing unit in duration \"" + orig + "\"");
    }
    const std::string_view unit = s.substr(0, n);
    s.remove_prefix(n);
    std::uint64_t mult = 0;
    if (unit == "ns") {
      mult = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      mult = 1000;
    } else if (unit == "ms") {
      mult = 1000000;
    } else if (unit == "s") {
      mult = 1000000000ULL;
    } else if (unit == "m") {
      mult = 60ULL * 1000000000ULL;
    } else if (unit == "h") {
      mult = 3600ULL * 1000000000ULL;
    } else {
      return MakeError(BuiltinFailure::kTimeDuration, "time: unknown unit \"" + std::string(unit) +
                                                          "\" in duration \"" + orig + "\"");
    }
    total += v * mult + frac * mult / scale;
    if (total > (static_cast<unsigned __int128>(1) << 63)) return invalid();
  }
  if (!neg && total > static_cast<unsigned __int128>(std::numeric_limits<std::int64_t>::max())) {
    return invalid();
  }
  const auto signed_total = static_cast<__int128>(total);
  return static_cast<std::int64_t>(neg ? -signed_total : signed_total);
}

}  // namespace gatehouse::rego::builtins
