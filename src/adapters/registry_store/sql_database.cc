#include "adapters/registry_store/sql_database.h"

#include <charconv>

namespace gatehouse::adapters {

std::int64_t SqlInt(const std::optional<std::string>& cell) {
  if (!cell) return 0;
  std::int64_t value = 0;
  const char* begin = cell->data();
  const char* end = begin + cell->size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) return 0;
  return value;
}

std::string SqlText(const std::optional<std::string>& cell) { return cell.value_or(""); }

}  // namespace gatehouse::adapters
