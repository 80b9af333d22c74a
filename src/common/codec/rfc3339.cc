#include "common/codec/rfc3339.h"

#include <cctype>
#include <cstdio>

#include "common/codec/codec_errors.h"

namespace gatehouse::codec {
namespace {

using std::chrono::system_clock;

bool ReadDigits(std::string_view text, std::size_t pos, std::size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

Error InvalidTimestamp() {
  return MakeError(CodecError::kInvalidTimestamp,
                   "timestamp is not RFC 3339 (YYYY-MM-DDTHH:MM:SS[.f]Z)");
}

std::string FormatSeconds(std::chrono::sys_seconds secs) {
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> clock{secs - day};
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

}  // namespace

std::string FormatRfc3339Utc(system_clock::time_point time) {
  return FormatSeconds(std::chrono::floor<std::chrono::seconds>(time));
}

std::string FormatRfc3339Utc(std::int64_t unix_seconds) {
  return FormatSeconds(std::chrono::sys_seconds{std::chrono::seconds(unix_seconds)});
}

std::string FormatRfc3339NanoUtc(system_clock::time_point time) {
  auto day_start = std::chrono::floor<std::chrono::days>(time);
  std::chrono::year_month_day date{day_start};
  auto since_midnight = std::chrono::duration_cast<std::chrono::nanoseconds>(time - day_start);
  std::chrono::hh_mm_ss<std::chrono::nanoseconds> clock(since_midnight);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02lld", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), static_cast<long long>(clock.seconds().count()));
  std::string out = buffer;
  long long nanos = clock.subseconds().count();
  if (nanos != 0) {
    std::snprintf(buffer, sizeof(buffer), ".%09lld", nanos);
    std::string fraction = buffer;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  out += 'Z';
  return out;
}

std::string FormatRfc3339MicroUtc(system_clock::time_point time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto micros = std::chrono::floor<std::chrono::microseconds>(time - seconds);
  char fraction[24];  // room for any long long: the compiler cannot see that it is < 10^6
  std::snprintf(fraction, sizeof(fraction), ".%06lld", static_cast<long long>(micros.count()));
  std::string out = FormatSeconds(seconds);
  out.insert(out.size() - 1, fraction);  // before the 'Z'
  return out;
}

Result<system_clock::time_point> ParseRfc3339(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 0, 4, &year) || text.size() < 20 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, &month) || text[7] != '-' || !ReadDigits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !ReadDigits(text, 11, 2, &hour) || text[13] != ':' ||
      !ReadDigits(text, 14, 2, &minute) || text[16] != ':' || !ReadDigits(text, 17, 2, &second)) {
    return InvalidTimestamp();
  }
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(unsigned(month)),
                                   std::chrono::day(unsigned(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return InvalidTimestamp();

  std::size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    long long nanos = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (pos - start < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++pos;
    }
    std::size_t count = pos - start;
    if (count == 0) return InvalidTimestamp();
    for (std::size_t i = count; i < 9; ++i) nanos *= 10;
    fraction = std::chrono::nanoseconds(nanos);
  }
  std::chrono::minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (!ReadDigits(text, pos + 1, 2, &offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !ReadDigits(text, pos + 4, 2, &offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return InvalidTimestamp();
    }
    offset = std::chrono::minutes(offset_hours * 60 + offset_minutes);
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return InvalidTimestamp();
  }
  if (pos != text.size()) return InvalidTimestamp();

  system_clock::time_point result = std::chrono::sys_days(date);
  result += std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second) -
            offset;
  result += std::chrono::duration_cast<system_clock::duration>(fraction);
  return result;
}

}  // namespace gatehouse::codec
