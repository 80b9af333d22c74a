// Go's time package semantics the time.* builtins need: civil dates from instants in a zone,
// layouts ("2006-01-02T15:04:05Z07:00") for formatting and parsing, RFC 3339, durations
// ("1h30m", "-1.5s") and AddDate normalisation. Instants are Unix nanoseconds (int64, the range
// OPA accepts). Pure functions; thread-safe. Parse errors copy Go's wording.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rego/builtins/tz_database.h"

namespace gatehouse::rego::builtins {

struct Civil {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0, minute = 0, second = 0;
  std::int32_t nanos = 0;
  int weekday = 4;  // 0 = Sunday
  int yday = 1;     // 1..366
  ZoneOffset zone;
};

std::int64_t DaysFromCivil(std::int64_t y, int m, int d);
// The civil time of Unix instant (seconds, nanos) in `tz` (UTC when null).
Civil ToCivil(std::int64_t unix_seconds, std::int32_t nanos, const TimeZone* tz);
// Unix seconds of a civil time given in zone offset `offset` (fields may be out of range:
// they are normalised as Go's time.Date does).
std::int64_t FromCivil(std::int64_t year, std::int64_t month, std::int64_t day, std::int64_t hour,
                       std::int64_t minute, std::int64_t second, std::int32_t offset);
// Go's time.Date in a zone: the offset is looked up for the resulting instant.
std::int64_t FromCivilInZone(std::int64_t year, std::int64_t month, std::int64_t day,
                             std::int64_t hour, std::int64_t minute, std::int64_t second,
                             const TimeZone* tz);

// Unix nanoseconds, or nullopt when outside int64.
std::optional<std::int64_t> ToUnixNanos(std::int64_t unix_seconds, std::int64_t nanos);

// The Go layout named by an OPA constant ("RFC3339", "ANSIC", ...), or the text itself.
std::string_view ResolveLayout(std::string_view layout);

std::string FormatGoTime(const Civil& t, std::string_view layout);

// Go's time.Parse(layout, value) (zone abbreviations other than UTC read as offset 0).
// Returns Unix (seconds, nanos).
Result<std::pair<std::int64_t, std::int32_t>> ParseGoTime(std::string_view layout,
                                                          std::string_view value);

// Go's time.ParseDuration, in nanoseconds.
Result<std::int64_t> ParseGoDuration(std::string_view text);

}  // namespace gatehouse::rego::builtins
