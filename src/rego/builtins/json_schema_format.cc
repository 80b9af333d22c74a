#include "rego/builtins/json_schema_format.h"

#include <re2/re2.h>

#include <string>

#include "common/codec/hex.h"
#include "rego/builtins/go_time.h"
#include "rego/builtins/ip_cidr.h"

namespace gatehouse::rego::builtins {
namespace {

bool FullMatch(std::string_view value, const RE2& re) { return RE2::FullMatch(value, re); }

// Go's time.Parse with any of the layouts.
bool ParsesAsTime(std::string_view value, std::initializer_list<std::string_view> layouts) {
  for (std::string_view layout : layouts) {
    if (ParseGoTime(layout, value)) return true;
  }
  return false;
}

bool IsAtext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos ||
         static_cast<unsigned char>(c) >= 0x80;
}

// RFC 5322 dot-atom: atext runs joined by single dots.
bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(s[i])) {
      return false;
    }
  }
  return true;
}

// Go's net/mail.ParseAddress, for the forms it reads: addr-spec (dot-atom or quoted local part,
// dot-atom or [literal] domain), optionally as `Display Name <addr-spec>`.
bool IsEmail(std::string_view s) {
  if (auto open = s.rfind('<'); open != std::string_view::npos) {
    if (s.empty() || s.back() != '>') return false;
    s = s.substr(open + 1, s.size() - open - 2);
  }
  const std::size_t at = s.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  bool local_ok = IsDotAtom(local);
  if (!local_ok && local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    local_ok = true;
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      const char c = local[i];
      if (c == '\\') {
        ++i;
      } else if (c == '"' || static_cast<unsigned char>(c) < 0x20) {
        local_ok = false;
      }
    }
  }
  if (!local_ok) return false;
  if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
    return domain.find_first_of("[]\\", 1) == domain.size() - 1;
  }
  return IsDotAtom(domain);
}

// What Go's url.Parse refuses: control characters and spaces, bad percent escapes, and a
// scheme that does not start with a letter. gojsonschema also refuses backslashes.
bool IsUriReference(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x21 || c == 0x7f || c == '\\') return false;
    if (c == '%') {
      if (i + 2 >= s.size() || codec::HexDigitValue(s[i + 1]) < 0 ||
          codec::HexDigitValue(s[i + 2]) < 0) {
        return false;
      }
    }
  }
  // A colon before any '/', '?' or '#' ends a scheme, which must be letter (letter|digit|+-.)*.
  const std::size_t end = s.find_first_of(":/?#");
  if (end != std::string_view::npos && s[end] == ':') {
    if (end == 0) return false;  // "missing protocol scheme"
    static const RE2 kScheme("[a-zA-Z][a-zA-Z0-9+.-]*");
    if (!FullMatch(s.substr(0, end), kScheme)) return false;
  }
  return true;
}

bool HasScheme(std::string_view s) {
  static const RE2 kScheme("[a-zA-Z][a-zA-Z0-9+.-]*:.*", RE2::Latin1);
  return FullMatch(s, kScheme);
}

}  // namespace

bool MatchesFormat(std::string_view format, std::string_view value) {
  if (format == "date") return ParsesAsTime(value, {"2006-01-02"});
  if (format == "time") return ParsesAsTime(value, {"15:04:05Z07:00", "15:04:05"});
  if (format == "date-time") {
    return ParsesAsTime(value,
                        {"15:04:05", "15:04:05Z07:00", "2006-01-02", "2006-01-02T15:04:05Z07:00",
                         "2006-01-02T15:04:05.999999999Z07:00"});
  }
  if (format == "email" || format == "idn-email") return IsEmail(value);
  if (format == "hostname") {
    static const RE2 kHostname(
        R"(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9]))*)");
    return value.size() < 256 && FullMatch(value, kHostname);
  }
  if (format == "ipv4") return ParseIp(value) && value.find('.') != std::string_view::npos;
  if (format == "ipv6") return ParseIp(value) && value.find(':') != std::string_view::npos;
  if (format == "uri" || format == "iri") return IsUriReference(value) && HasScheme(value);
  if (format == "uri-reference" || format == "iri-reference") return IsUriReference(value);
  if (format == "uri-template") {
    static const RE2 kTemplate(R"(([^{]*(\{[^}]*\})?)*)");
    return IsUriReference(value) && FullMatch(value, kTemplate);
  }
  if (format == "json-pointer") {
    static const RE2 kPointer(R"((/([^~/]|~0|~1)*)*)");
    return FullMatch(value, kPointer);
  }
  if (format == "relative-json-pointer") {
    static const RE2 kRelative(R"((0|[1-9][0-9]*)(#|(/([^~/]|~0|~1)*)*))");
    return FullMatch(value, kRelative);
  }
  if (format == "regex") return RE2(std::string(value)).ok();
  if (format == "uuid") {
    static const RE2 kUuid("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    return FullMatch(value, kUuid);
  }
  return true;
}

}  // namespace gatehouse::rego::builtins
