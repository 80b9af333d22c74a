// RFC 3339 timestamps in UTC. The one implementation in the project; look here first.
//
// Contract:
// - FormatRfc3339Utc: whole seconds (the time is floored), "2026-11-24T11:08:29Z", as
//   Kubernetes (metav1.Time) and the registry token response write them.
// - FormatRfc3339NanoUtc: Go's time.RFC3339Nano in UTC: the fraction is printed only when
//   non-zero, with trailing zeros trimmed ("2015-11-09T01:42:57.527363Z").
// - FormatRfc3339MicroUtc: always six fraction digits (the time is floored to the microsecond),
//   "2026-01-02T03:04:05.123456Z", as Kubernetes metav1.MicroTime (Lease acquireTime and
//   renewTime) writes it; the API server refuses any other number of digits there.
// - ParseRfc3339: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" ('t' and 'z' also accepted; any
//   number of fraction digits, nanoseconds kept); a real calendar date, hour <= 23, minute
//   and second <= 59 (no leap second), offset hours <= 23. Error code "invalid_timestamp".
//   This is the strict form Keystone and our own caches write; Rego's time.* builtins follow
//   Go's time.Parse layouts and do not use it.
//
// Pure functions, thread-safe; years are printed with at least four digits.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::codec {

std::string FormatRfc3339Utc(std::chrono::system_clock::time_point time);
std::string FormatRfc3339Utc(std::int64_t unix_seconds);

std::string FormatRfc3339NanoUtc(std::chrono::system_clock::time_point time);

std::string FormatRfc3339MicroUtc(std::chrono::system_clock::time_point time);

Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);

}  // namespace gatehouse::codec
