// TokenDigest: the SHA-256 of a bearer token, the only form in which caches keep a token.
// DigestToken() is pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace gatehouse::authn {

using TokenDigest = std::array<std::uint8_t, 32>;

// SHA-256 of the token bytes.
TokenDigest DigestToken(std::string_view token);

}  // namespace gatehouse::authn
