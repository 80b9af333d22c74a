#include "rego/builtins/tz_database.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>

#include "rego/builtins/builtin_failure.h"

namespace gatehouse::rego::builtins {

// POSIX TZ string rule, e.g. "CET-1CEST,M3.5.0,M10.5.0/3".
struct TimeZone::Rule {
  ZoneOffset std_zone;
  std::optional<ZoneOffset> dst_zone;
  struct Date {
    int month = 0, week = 0, weekday = 0;  // Mm.w.d
    std::int32_t time = 7200;              // seconds after local midnight
  };
  Date start, end;
};

namespace {

Error Invalid(std::string_view why) {
  return MakeError(BuiltinFailure::kInvalidTzif, std::string(why));
}

std::int64_t ReadBe(std::string_view b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::int64_t YearOf(std::int64_t unix_seconds) {
  std::int64_t z = (unix_seconds >= 0 ? unix_seconds : unix_seconds - 86399) / 86400 + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2);
}

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Local seconds since the epoch at which rule date `d` falls in `year`.
std::int64_t RuleLocalTime(std::int64_t year, const TimeZone::Rule::Date& d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const std::int64_t first = DaysFromCivil(year, d.month, 1);
  const int first_wd = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was Thursday
  int day = 1 + (d.weekday - first_wd + 7) % 7 + (d.week - 1) * 7;
  int mdays = kDays[d.month - 1] + (d.month == 2 && IsLeap(year) ? 1 : 0);
  while (day > mdays) day -= 7;
  return (first + day - 1) * 86400 + d.time;
}

// Parsing helpers for the POSIX TZ string.
bool ParseName(std::string_view& s, std::string& out) {
  if (!s.empty() && s[0] == '<') {
    const auto end = s.find('>');
    if (end == std::string_view::npos) return false;
    out = std::string(s.substr(1, end - 1));
    s.remove_prefix(end + 1);
    return true;
  }
  std::size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  out = std::string(s.substr(0, n));
  s.remove_prefix(n);
  return true;
}

bool ParseSeconds(std::string_view& s, std::int32_t& out, bool allow_sign) {
  int sign = 1;
  if (allow_sign && !s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  std::int32_t total = 0;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (s.empty() || s[0] != ':') break;
      s.remove_prefix(1);
    }
    std::int32_t v = 0;
    std::size_t n = 0;
    while (n < s.size() && n < 3 && std::isdigit(static_cast<unsigned char>(s[n]))) {
      v = v * 10 + (s[n] - '0');
      ++n;
    }
    if (n == 0) return false;
    s.remove_prefix(n);
    total += v * (part == 0 ? 3600 : part == 1 ? 60 : 1);
  }
  out = sign * total;
  return true;
}

bool ParseDate(std::string_view& s, TimeZone::Rule::Date& d) {
  if (s.empty() || s[0] != 'M') return false;  // only the Mm.w.d form is used by tzdata
  s.remove_prefix(1);
  int vals[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
    std::size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
      vals[i] = vals[i] * 10 + (s[n] - '0');
      ++n;
    }
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  if (vals[0] < 1 || vals[0] > 12 || vals[1] < 1 || vals[1] > 5 || vals[2] > 6) return false;
  d.month = vals[0];
  d.week = vals[1];
  d.weekday = vals[2];
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    if (!ParseSeconds(s, d.time, true)) return false;
  }
  return true;
}

std::optional<TimeZone::Rule> ParseRule(std::string_view s) {
  TimeZone::Rule r;
  std::int32_t off = 0;
  if (!ParseName(s, r.std_zone.abbr) || !ParseSeconds(s, off, true)) return std::nullopt;
  r.std_zone.offset = -off;  // POSIX offsets are west of UTC
  if (s.empty()) return r;
  ZoneOffset dst;
  if (!ParseName(s, dst.abbr)) return std::nullopt;
  dst.offset = r.std_zone.offset + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!ParseSeconds(s, off, true)) return std::nullopt;
    dst.offset = -off;
  }
  if (s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!ParseDate(s, r.start) || s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!ParseDate(s, r.end) || !s.empty()) return std::nullopt;
  r.dst_zone = dst;
  return r;
}

ZoneOffset ApplyRule(const TimeZone::Rule& r, std::int64_t t) {
  if (!r.dst_zone) return r.std_zone;
  const std::int64_t year = YearOf(t + r.std_zone.offset);
  // Transition instants in UTC: start is given in standard local time, end in DST local time.
  const std::int64_t start = RuleLocalTime(year, r.start) - r.std_zone.offset;
  const std::int64_t end = RuleLocalTime(year, r.end) - r.dst_zone->offset;
  const bool in_dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return in_dst ? *r.dst_zone : r.std_zone;
}

bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

class SystemTzDatabase final : public TzDatabase {
 public:
  Result<std::shared_ptr<const TimeZone>> Find(std::string_view name) const override {
    if (name.empty() || name == "UTC") return TimeZone::Utc();
    // No process-wide local zone in the core: "Local" is UTC.
    if (name == "Local") return TimeZone::Utc();
    const std::string key(name);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    }
    if (!ValidZoneName(name)) return Unknown(name);
    std::ifstream in("/usr/share/zoneinfo/" + key, std::ios::binary);
    if (!in) return Unknown(name);
    std::string bytes(kMaxTzifBytes + 1, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > kMaxTzifBytes) return Unknown(name);
    auto zone = TimeZone::ParseTzif(key, bytes);
    if (!zone) return Unknown(name);
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() >= kMaxCachedZones) cache_.erase(cache_.begin());
    cache_.emplace(key, *zone);
    return *zone;
  }

 private:
  static Error Unknown(std::string_view name) {
    return MakeError(BuiltinFailure::kUnknownTimeZone, "unknown time zone " + std::string(name));
  }
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const TimeZone>> cache_;
};

std::atomic<const TzDatabase*> g_override{nullptr};

}  // namespace

Result<std::shared_ptr<const TimeZone>> TimeZone::ParseTzif(std::string name, std::string_view b) {
  if (b.size() < 44 || b.substr(0, 4) != "TZif") return Invalid("not a TZif file");
  const char version = b[4];
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = ReadBe(b, at + 20 + 4 * static_cast<std::size_t>(i), 4);
  };
  std::int64_t c[6];
  counts(0, c);
  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  auto block_size = [&](const std::int64_t k[6], int time_size) {
    return k[3] * time_size + k[3] + k[4] * 6 + k[5] + k[2] * (time_size + 4) + k[1] + k[0];
  };
  for (int i = 0; i < 6; ++i) {
    if (c[i] < 0 || c[i] > 100000) return Invalid("bad counts");
  }
  std::size_t at = 44;
  int time_size = 4;
  if (version >= '2') {
    at += static_cast<std::size_t>(block_size(c, 4));
    if (b.size() < at + 44 || b.substr(at, 4) != "TZif") return Invalid("bad v2 header");
    counts(at, c);
    for (int i = 0; i < 6; ++i) {
      if (c[i] < 0 || c[i] > 100000) return Invalid("bad counts");
    }
    at += 44;
    time_size = 8;
  }
  if (b.size() < at + static_cast<std::size_t>(block_size(c, time_size))) {
    return Invalid("truncated");
  }
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = std::move(name);
  const auto timecnt = static_cast<std::size_t>(c[3]);
  const auto typecnt = static_cast<std::size_t>(c[4]);
  const auto charcnt = static_cast<std::size_t>(c[5]);
  if (typecnt == 0) return Invalid("no types");
  for (std::size_t i = 0; i < timecnt; ++i) {
    zone->transitions_.push_back(
        ReadBe(b, at + i * static_cast<std::size_t>(time_size), time_size));
  }
  at += timecnt * static_cast<std::size_t>(time_size);
  for (std::size_t i = 0; i < timecnt; ++i) {
    const auto idx = static_cast<std::uint8_t>(b[at + i]);
    if (idx >= typecnt) return Invalid("bad type index");
    zone->transition_types_.push_back(idx);
  }
  at += timecnt;
  const std::size_t types_at = at;
  const std::size_t chars_at = at + typecnt * 6;
  for (std::size_t i = 0; i < typecnt; ++i) {
    Type t;
    t.offset = static_cast<std::int32_t>(ReadBe(b, types_at + i * 6, 4));
    t.dst = b[types_at + i * 6 + 4] != 0;
    const auto abbr_idx = static_cast<unsigned char>(b[types_at + i * 6 + 5]);
    if (abbr_idx < charcnt) {
      std::string_view chars = b.substr(chars_at + abbr_idx, charcnt - abbr_idx);
      t.abbr = std::string(chars.substr(0, chars.find('\0')));
    }
    zone->types_.push_back(std::move(t));
  }
  at += static_cast<std::size_t>(block_size(c, time_size)) -
        timecnt * (static_cast<std::size_t>(time_size) + 1);
  if (time_size == 8 && at < b.size() && b[at] == '\n') {
    const auto end = b.find('\n', at + 1);
    if (end != std::string_view::npos) {
      if (auto rule = ParseRule(b.substr(at + 1, end - at - 1))) {
        zone->footer_ = std::make_shared<const Rule>(std::move(*rule));
      }
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(zone));
}

std::shared_ptr<const TimeZone> TimeZone::Fixed(std::string name, std::int32_t offset,
                                                std::string abbr) {
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = std::move(name);
  zone->types_.push_back(Type{offset, false, std::move(abbr)});
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const std::shared_ptr<const TimeZone> utc = Fixed("UTC", 0, "UTC");
  return utc;
}

ZoneOffset TimeZone::Lookup(std::int64_t t) const {
  if (transitions_.empty() || t < transitions_.front()) {
    if (transitions_.empty() && footer_) return ApplyRule(*footer_, t);
    // Before the first transition: the first standard-time type (as Go does).
    for (const auto& type : types_) {
      if (!type.dst) return ZoneOffset{type.offset, type.abbr};
    }
    return ZoneOffset{types_.front().offset, types_.front().abbr};
  }
  if (t >= transitions_.back() && footer_) return ApplyRule(*footer_, t);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  const std::size_t i = static_cast<std::size_t>(it - transitions_.begin()) - 1;
  const Type& type = types_[transition_types_[i]];
  return ZoneOffset{type.offset, type.abbr};
}

const TzDatabase& CurrentTzDatabase() {
  if (const TzDatabase* db = g_override.load(std::memory_order_acquire)) return *db;
  static const SystemTzDatabase system;
  return system;
}

ScopedTzDatabase::ScopedTzDatabase(const TzDatabase* db)
    : previous_(g_override.exchange(db, std::memory_order_acq_rel)) {}

ScopedTzDatabase::~ScopedTzDatabase() { g_override.store(previous_, std::memory_order_release); }

}  // namespace gatehouse::rego::builtins
