// ErrorCode: which failure an Error reports, as one enumerator of a domain's error enum.
//
// Each domain (value, k8s, authn/jwt, rego, registry, each adapter, ...) declares an
// `enum class XxxError` in its own `*_errors.h` with a constexpr `WireName(XxxError)` (found by
// argument-dependent lookup) that gives each enumerator its stable snake_case wire string: the
// text that review `status.error` prefixes, metrics labels, API answers, logs and tests show.
// An ErrorCode is built only from such an enumerator, never from a string, so a misspelt code
// does not compile and a `switch` over a domain's enum is checked for exhaustiveness.
//
// Two codes are equal when they are the same enumerator of the same enum. `wire()` gives the
// string form; `As<E>()` gives the enumerator back when the code belongs to domain E. A
// default-constructed ErrorCode is "no code" (empty wire string), used only by a Status that
// holds no error. A plain value type: trivially copyable, thread-safe to share.
#pragma once

#include <concepts>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string_view>
#include <type_traits>

namespace gatehouse {

// An enum that is an error domain: it has a WireName found by argument-dependent lookup.
template <typename E>
concept ErrorEnum = std::is_enum_v<E> && requires(E e) {
  { WireName(e) } -> std::convertible_to<std::string_view>;
};

namespace error_code_detail {
// One object per domain enum; its address identifies the domain.
template <typename E>
inline constexpr char kDomainTag = 0;
}  // namespace error_code_detail

class ErrorCode {
 public:
  constexpr ErrorCode() = default;

  template <ErrorEnum E>
  constexpr ErrorCode(E e)  // NOLINT: implicit, so `MakeError(JwtError::kExpired, ...)` reads well
      : domain_(&error_code_detail::kDomainTag<E>),
        value_(static_cast<long long>(e)),
        wire_(WireName(e)) {}

  // The stable string form, e.g. "invalid_json"; empty for "no code".
  constexpr std::string_view wire() const { return wire_; }

  // The enumerator when this code belongs to domain E.
  template <ErrorEnum E>
  constexpr std::optional<E> As() const {
    if (domain_ != &error_code_detail::kDomainTag<E>) return std::nullopt;
    return static_cast<E>(value_);
  }

  friend constexpr bool operator==(const ErrorCode& a, const ErrorCode& b) {
    return a.domain_ == b.domain_ && a.value_ == b.value_;
  }

 private:
  const char* domain_ = nullptr;
  long long value_ = 0;
  std::string_view wire_;
};

// Writes the wire string (for logs and test failure messages).
std::ostream& operator<<(std::ostream& out, const ErrorCode& code);

// The enumerator of `all` (a domain's kAll list) whose wire string is `wire`: for codes that
// arrive as text from a peer (an OAuth server's "error" member).
template <ErrorEnum E, std::size_t N>
constexpr std::optional<E> FromWire(const E (&all)[N], std::string_view wire) {
  for (E e : all) {
    if (WireName(e) == wire) return e;
  }
  return std::nullopt;
}

// For the static_assert in each domain header: the list holds every enumerator once, in order
// from 0, and the value after the last has no wire string (so no named enumerator is left out);
// each wire string is non-empty snake_case and unique within the domain.
template <ErrorEnum E, std::size_t N>
constexpr bool ValidErrorEnum(const E (&all)[N]) {
  if (!WireName(static_cast<E>(N)).empty()) return false;
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(all[i]) != i) return false;
    std::string_view wire = WireName(all[i]);
    if (wire.empty() || wire.front() < 'a' || wire.front() > 'z' || wire.back() == '_') {
      return false;
    }
    for (std::size_t k = 0; k < wire.size(); ++k) {
      char c = wire[k];
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok || (c == '_' && k + 1 < wire.size() && wire[k + 1] == '_')) return false;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (WireName(all[j]) == wire) return false;
    }
  }
  return true;
}

}  // namespace gatehouse
