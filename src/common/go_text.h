// Go text semantics that inputs read as the Go reference implementations read them depend on
// (the keystone-auth policy, OPA's METADATA blocks). Pure functions, thread-safe, never fail.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// encoding/json's field-name matching (bytes.EqualFold folding): ASCII case-insensitive, plus
// the two non-ASCII runes that fold onto ASCII letters, U+017F (long s) and U+212A (Kelvin
// sign). `name` must be the lower-case ASCII field name.
bool GoFieldNameIs(std::string_view key, std::string_view name);

// strings.TrimSpace: trims Unicode white space (unicode.IsSpace) at both ends.
std::string_view GoTrimSpace(std::string_view s);

// strings.ToLower for every rune whose lower case is ASCII (ASCII, U+0130, U+212A); other bytes
// are copied unchanged (see policy.h for why that is enough).
std::string GoToLower(std::string_view s);

}  // namespace gatehouse
