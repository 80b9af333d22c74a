// How authentication caches find a bearer token without keeping it.
//
// TokenDigest is the SHA-256 of token bytes. TokenKey splits a token into the part that makes it
// a credential, kept only as its digest, and a visible part that is not a credential on its own
// and may be kept to be compared byte for byte. A cache hit on a TokenKey therefore means the
// very same token bytes (up to a SHA-256 collision), whichever way the token was split:
//   KeyOfOpaqueToken  (Keystone Fernet tokens, anything unstructured): the whole token is
//                     digested; the visible part is empty.
//   KeyOfJws          (JWS compact `header.payload.signature`): only the signature segment is
//                     digested, and `header.payload` is the visible part. Without the signature
//                     the claims authenticate nothing (they are what the user info says
//                     anyway), and a long ID token costs the hash of its short signature instead
//                     of its whole length. Tokens whose visible part exceeds
//                     kMaxVisibleTokenBytes, or that do not have exactly two dots, are keyed as
//                     opaque tokens so that a cache never holds more than that per entry.
// All functions are pure and thread-safe; a TokenKey's visible part views the caller's token.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gatehouse::authn {

using TokenDigest = std::array<std::uint8_t, 32>;

inline constexpr std::size_t kMaxVisibleTokenBytes = 4096;

struct TokenKey {
  TokenDigest digest{};
  std::string_view visible_part;
};

// SHA-256 of the token bytes.
TokenDigest DigestToken(std::string_view token);

TokenKey KeyOfOpaqueToken(std::string_view token);
TokenKey KeyOfJws(std::string_view token);

}  // namespace gatehouse::authn
