#include "common/duration.h"

#include <cmath>

#include "common/common_errors.h"

namespace gatehouse {

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  auto fail = [&] {
    return MakeError(CommonError::kInvalidDuration, "invalid duration \"" +
                                                        std::string(text.substr(0, 32)) +
                                                        "\" (expected e.g. 500ms, 2s, 1m30s)");
  };
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty() || text.size() > 64) return fail();
  double total_ns = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t number_start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == number_start) return fail();
    std::string number(text.substr(number_start, i - number_start));
    if (number == "." || number.find('.') != number.rfind('.')) return fail();
    const double amount = std::strtod(number.c_str(), nullptr);
    const std::size_t unit_start = i;
    while (i < text.size() && !((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ns") {
      scale = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      scale = 1e3;
    } else if (unit == "ms") {
      scale = 1e6;
    } else if (unit == "s") {
      scale = 1e9;
    } else if (unit == "m") {
      scale = 60e9;
    } else if (unit == "h") {
      scale = 3600e9;
    } else {
      return fail();
    }
    total_ns += amount * scale;
  }
  if (!std::isfinite(total_ns) || total_ns > 9.2e18) return fail();
  return std::chrono::nanoseconds(static_cast<long long>(total_ns));
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  const std::int64_t n = d.count();
  if (n == 0) return "0s";
  std::uint64_t u = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  const std::string sign = n < 0 ? "-" : "";
  // u / 10^prec as digits with the fraction's trailing zeros (and a bare '.') dropped.
  auto split = [](std::uint64_t v, int prec, std::uint64_t& whole) {
    std::string digits;
    bool print = false;
    for (int p = 0; p < prec; ++p) {
      const auto digit = static_cast<char>('0' + v % 10);
      print = print || digit != '0';
      if (print) digits.insert(digits.begin(), digit);
      v /= 10;
    }
    whole = v;
    return digits.empty() ? std::string() : "." + digits;
  };
  std::uint64_t whole = 0;
  if (u < 1'000) return sign + std::to_string(u) + "ns";
  if (u < 1'000'000) {
    const std::string f = split(u, 3, whole);
    return sign + std::to_string(whole) + f + "\xC2\xB5s";  // µs, as Go writes it
  }
  if (u < 1'000'000'000) {
    const std::string f = split(u, 6, whole);
    return sign + std::to_string(whole) + f + "ms";
  }
  const std::string f = split(u, 9, whole);
  std::string out = std::to_string(whole % 60) + f + "s";
  whole /= 60;
  if (whole > 0) {
    out = std::to_string(whole % 60) + "m" + out;
    whole /= 60;
    if (whole > 0) out = std::to_string(whole) + "h" + out;
  }
  return sign + out;
}

}  // namespace gatehouse
