// Secrets of robot accounts and personal access tokens: generation, the rule for secrets that
// people choose, and the salted PBKDF2-SHA256 hash that is the only form ever stored.
//
// Stored form: "pbkdf2-sha256$<iterations>$<salt, std base64>$<hash, std base64>" (16-byte
// random salt, 32-byte derived key). The default of 100,000 iterations: a generated secret has
// 32 characters of 62 (≈190 bits), so no iteration count matters for it; the count protects
// only secrets people choose (≥ 8 characters, Harbor's rule) if the database leaks. OWASP's
// 600,000 would cost ≈6× more CPU on every cold verification on the token path (a CI burst of
// new jobs), so we take the order of magnitude Django and Harbor's earlier defaults used and let
// operators raise it (SecretHashOptions); stored hashes keep their own count, so a change
// applies to new and rotated secrets without breaking old ones. VerifiedSecretCache keeps the
// cost off repeated requests.
//
// Comparison is constant-time (CRYPTO_memcmp). Errors: "random_failed" (the OpenSSL generator
// failed), "invalid_secret" (a chosen secret breaks the rule; the message never contains it),
// "invalid_secret_hash" (a stored value that is not exactly the form above, or has iterations,
// salt or hash sizes out of bounds: refused rather than guessed at). Pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::registry {

inline constexpr std::size_t kGeneratedSecretLength = 32;
inline constexpr std::uint32_t kDefaultPbkdf2Iterations = 100000;
inline constexpr std::uint32_t kMinPbkdf2Iterations = 1000;
inline constexpr std::uint32_t kMaxPbkdf2Iterations = 10000000;  // bounds the cost of one check

struct SecretHashOptions {
  std::uint32_t iterations = kDefaultPbkdf2Iterations;
};

// `length` (32..256) characters from [A-Za-z0-9] with at least one lower-case letter, one
// upper-case letter and one digit, drawn from RAND_bytes by rejection sampling (bytes ≥ 248
// are dropped, so every character is equally likely). Errors: "random_failed",
// "invalid_secret" (length out of range).
Result<std::string> GenerateSecret(std::size_t length = kGeneratedSecretLength);

// A secret a person chose (Harbor's IsValidSec): 8..128 printable ASCII characters with at
// least one lower-case letter, one upper-case letter and one digit. Errors: "invalid_secret".
Status ValidateSecret(std::string_view secret);

// The stored form of `secret` with a fresh random salt. Errors: "random_failed",
// "invalid_secret_hash" (iterations out of bounds).
Result<std::string> HashSecret(std::string_view secret, const SecretHashOptions& options = {});

struct SecretHash {
  std::uint32_t iterations = 0;
  std::string salt;  // raw bytes, 8..64
  std::string hash;  // raw bytes, 16..64
};

// Errors: "invalid_secret_hash".
Result<SecretHash> ParseSecretHash(std::string_view stored);

// Derives with the stored parameters and compares in constant time.
bool SecretMatches(std::string_view secret, const SecretHash& stored);

// ParseSecretHash + SecretMatches; false also when `stored` is malformed (never a match).
bool VerifySecret(std::string_view secret, std::string_view stored);

}  // namespace gatehouse::registry
