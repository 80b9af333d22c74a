// Go-style durations ("300ms", "2s", "1m30s", "1h"), as kube-apiserver's `?timeout=30s` and our
// configuration use them. Pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse {

// Parses a non-negative Go duration: a sequence of decimal numbers (fractions allowed) each
// followed by a unit ns, us, µs, ms, s, m, h; "0" alone is zero. Errors: "invalid_duration".
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

// Formats as Go's time.Duration.String() does: "0s", "812ns", "456.789µs", "1.234567ms", "1.5s",
// "1m30s", "2h0m0s".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace gatehouse
