// LoginThrottle: limits password guessing against the registry's robots and access tokens.
//
// Failed password checks are counted per source (the client's address; an IPv6 client by its
// /64, which one host usually holds whole) and per account name, each in a token bucket: a key
// may fail `burst` times, and earns one more try every `period / burst`. While either bucket of
// a request is empty its password is not checked at all: the caller answers "too many attempts"
// at once (429), so a flood costs one hash lookup per request instead of one PBKDF2 derivation.
// Registry clients (docker, skopeo, containerd) retry politely after a 429.
//
// Only checks that would cost a derivation are throttled: a secret already in the
// VerifiedSecretCache is accepted without asking, so a throttled account's own CI keeps working
// while someone guesses its password.
//
// Memory is bounded: at most `max_tracked` keys per table; beyond, the least recently failed key
// is forgotten (its bucket has refilled the most). Thread-safe (one mutex; the work under it is
// a hash lookup). Time comes from the injected Clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace gatehouse::registry {

struct LoginThrottleOptions {
  int source_burst = 30;   // failed checks per source before throttling; 0: no source limit
  int account_burst = 10;  // failed checks per account name before throttling; 0: no limit
  std::chrono::milliseconds period{60000};  // a bucket refills completely in this time
  std::size_t max_tracked = 65536;          // keys kept per table
};

// Why a check was refused, and for how long to wait.
struct Throttled {
  enum class By { kSource, kAccount };
  By by = By::kSource;
  std::chrono::seconds retry_after{1};  // at least 1 s
};

class LoginThrottle {
 public:
  LoginThrottle(LoginThrottleOptions options, const Clock& clock);

  // nullopt: go ahead and check the password. Otherwise do not check it.
  std::optional<Throttled> Check(std::string_view source, std::string_view account);
  // A password check failed (or would have: an unknown account counts the same).
  void RecordFailure(std::string_view source, std::string_view account);

  // The key of a client address "ip:port", "[v6]:port" or a bare address: the IPv4 address, or
  // the first four groups (/64) of an IPv6 address. Text that is not an address is its own key.
  static std::string SourceKey(std::string_view remote_address);

  std::size_t tracked_sources() const;
  std::size_t tracked_accounts() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
    std::list<std::string>::iterator order;  // position in the table's recency list
  };
  struct Table {
    int burst = 0;
    std::unordered_map<std::string, Bucket> buckets;
    std::list<std::string> recency;  // most recently failed first
  };

  // Tokens of `key` now (burst when unknown). Caller holds mutex_.
  double Available(Table& table, std::string_view key, std::chrono::steady_clock::time_point now);
  void Spend(Table& table, std::string_view key, std::chrono::steady_clock::time_point now);
  std::chrono::seconds WaitFor(const Table& table, double tokens) const;

  LoginThrottleOptions options_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  Table sources_;
  Table accounts_;
};

}  // namespace gatehouse::registry
