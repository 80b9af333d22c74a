// Time zones for the time.* builtins: a TimeZone is parsed from a TZif file (RFC 8536, v1-v4,
// with its POSIX TZ footer for instants after the last transition), and a TzDatabase finds
// zones by IANA name ("Europe/Paris").
//
// The system database reads /usr/share/zoneinfo — the one file read the Rego core allows —
// through a bounded, mutex-protected cache (at most kMaxCachedZones zones, files of at most
// kMaxTzifBytes). Names are validated before any path is built (no "..", no absolute paths).
// Tests inject their own database with ScopedTzDatabase. TimeZone values are immutable and
// shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace gatehouse::rego::builtins {

struct ZoneOffset {
  std::int32_t offset = 0;  // seconds east of UTC
  std::string abbr;         // "CET", "+0530", "UTC"
};

class TimeZone {
 public:
  // Parses TZif bytes. Errors: "invalid_tzif".
  static Result<std::shared_ptr<const TimeZone>> ParseTzif(std::string name,
                                                           std::string_view bytes);
  static std::shared_ptr<const TimeZone> Utc();
  // A zone with one fixed offset (tests and "UTC").
  static std::shared_ptr<const TimeZone> Fixed(std::string name, std::int32_t offset,
                                               std::string abbr);

  const std::string& name() const { return name_; }
  // The offset in force at `unix_seconds`.
  ZoneOffset Lookup(std::int64_t unix_seconds) const;

  struct Rule;  // the POSIX TZ footer (defined in the .cc)

 private:
  struct Type {
    std::int32_t offset = 0;
    bool dst = false;
    std::string abbr;
  };
  std::string name_;
  std::vector<std::int64_t> transitions_;
  std::vector<std::uint8_t> transition_types_;
  std::vector<Type> types_;
  std::shared_ptr<const Rule> footer_;
};

class TzDatabase {
 public:
  virtual ~TzDatabase() = default;
  // The zone named `name`; error "unknown time zone NAME" when there is none.
  virtual Result<std::shared_ptr<const TimeZone>> Find(std::string_view name) const = 0;
};

inline constexpr std::size_t kMaxCachedZones = 64;
inline constexpr std::size_t kMaxTzifBytes = 256 * 1024;

// The database the builtins use: the injected one, else the system one.
const TzDatabase& CurrentTzDatabase();

// Makes `db` the current database for its lifetime (tests). Not thread-safe with respect to
// concurrent evaluations; install it before evaluating.
class ScopedTzDatabase {
 public:
  explicit ScopedTzDatabase(const TzDatabase* db);
  ~ScopedTzDatabase();
  ScopedTzDatabase(const ScopedTzDatabase&) = delete;
  ScopedTzDatabase& operator=(const ScopedTzDatabase&) = delete;

 private:
  const TzDatabase* previous_;
};

}  // namespace gatehouse::rego::builtins
