// Structured logs: one JSON object per line on stderr ({"ts","level","msg",...fields}).
//
// Callers pass fields explicitly; nothing here knows about tokens, so callers must never pass a
// token, password or secret (the code review rule, and the integration tests grep the logs).
// Thread-safe (spdlog's synchronous stderr sink).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::adapters {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
using LogFields = std::vector<std::pair<std::string, std::string>>;

void SetLogLevel(LogLevel level);
bool ParseLogLevel(std::string_view name, LogLevel& level);
void Log(LogLevel level, std::string_view message, const LogFields& fields = {});

inline void LogInfo(std::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kInfo, message, fields);
}
inline void LogWarn(std::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kWarn, message, fields);
}
inline void LogError(std::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kError, message, fields);
}

}  // namespace gatehouse::adapters
