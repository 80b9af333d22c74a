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
  long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms >= 3600000) {
    out += std::to_string(ms / 3600000) + "h";
    ms %= 3600000;
  }
  if (ms >= 60000) {
    out += std::to_string(ms / 60000) + "m";
    ms %= 60000;
  }
  if (ms >= 1000 && ms % 1000 == 0) {
    out += std::to_string(ms / 1000) + "s";
  } else if (ms >= 1000) {
    out += std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1) + "s";
  } else if (ms > 0) {
    out +=
        out.empty() ? std::to_string(ms) + "ms" : "0." + std::to_string(1000 + ms).substr(1) + "s";
  }
  return out;
}

}  // namespace gatehouse
