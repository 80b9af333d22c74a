#include "registry/secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>

#include "common/codec/base64.h"
#include "registry/registry_errors.h"

namespace gatehouse::registry {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr unsigned kRejectFrom = 248;  // 4 * 62: the largest multiple of 62 that fits a byte
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

bool HasEveryClass(std::string_view s) {
  bool lower = false, upper = false, digit = false;
  for (char c : s) {
    lower |= c >= 'a' && c <= 'z';
    upper |= c >= 'A' && c <= 'Z';
    digit |= c >= '0' && c <= '9';
  }
  return lower && upper && digit;
}

Error BadHash(std::string message) {
  return MakeError(RegistryError::kInvalidSecretHash, std::move(message));
}

bool Derive(std::string_view secret, std::string_view salt, std::uint32_t iterations,
            std::string& out) {
  return PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), static_cast<int>(iterations),
                           EVP_sha256(), static_cast<int>(out.size()),
                           reinterpret_cast<unsigned char*>(out.data())) == 1;
}

}  // namespace

Result<std::string> GenerateSecret(std::size_t length) {
  if (length < kGeneratedSecretLength || length > 256) {
    return MakeError(RegistryError::kInvalidSecret,
                     "generated secrets are 32..256 characters long");
  }
  unsigned char buffer[256];
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string secret;
    secret.reserve(length);
    while (secret.size() < length) {
      if (RAND_bytes(buffer, sizeof(buffer)) != 1) {
        return MakeError(RegistryError::kRandomFailed, "the random number generator failed");
      }
      for (unsigned char b : buffer) {
        if (b >= kRejectFrom) continue;
        secret += kAlphabet[b % kAlphabet.size()];
        if (secret.size() == length) break;
      }
    }
    OPENSSL_cleanse(buffer, sizeof(buffer));
    if (HasEveryClass(secret)) return secret;
  }
  return MakeError(RegistryError::kRandomFailed,
                   "the random number generator keeps missing a character class");
}

Status ValidateSecret(std::string_view secret) {
  if (secret.size() < 8 || secret.size() > 128) {
    return MakeError(RegistryError::kInvalidSecret, "a secret must be 8..128 characters long");
  }
  if (!std::all_of(secret.begin(), secret.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return MakeError(RegistryError::kInvalidSecret,
                     "a secret must be printable ASCII without spaces");
  }
  if (!HasEveryClass(secret)) {
    return MakeError(RegistryError::kInvalidSecret,
                     "a secret needs at least one lower-case letter, one upper-case letter and "
                     "one digit");
  }
  return Ok();
}

Result<std::string> HashSecret(std::string_view secret, const SecretHashOptions& options) {
  if (options.iterations < kMinPbkdf2Iterations || options.iterations > kMaxPbkdf2Iterations) {
    return BadHash("PBKDF2 iterations must be " + std::to_string(kMinPbkdf2Iterations) + ".." +
                   std::to_string(kMaxPbkdf2Iterations));
  }
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) !=
      1) {
    return MakeError(RegistryError::kRandomFailed, "the random number generator failed");
  }
  std::string hash(kHashBytes, '\0');
  if (!Derive(secret, salt, options.iterations, hash)) {
    return MakeError(RegistryError::kRandomFailed, "PBKDF2 failed");
  }
  std::string out(kScheme);
  out += '$';
  out += std::to_string(options.iterations);
  out += '$';
  out += codec::EncodeBase64(salt);
  out += '$';
  out += codec::EncodeBase64(hash);
  return out;
}

Result<SecretHash> ParseSecretHash(std::string_view stored) {
  if (stored.size() > 512) return BadHash("stored secret hash is too long");
  std::string_view parts[4];
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dollar = stored.find('$', start);
    if (count == 4) return BadHash("stored secret hash has too many fields");
    parts[count++] = stored.substr(
        start, dollar == std::string_view::npos ? std::string_view::npos : dollar - start);
    if (dollar == std::string_view::npos) break;
    start = dollar + 1;
  }
  if (count != 4 || parts[0] != kScheme) {
    return BadHash("stored secret hash is not pbkdf2-sha256$<iterations>$<salt>$<hash>");
  }
  SecretHash out;
  const std::string_view it = parts[1];
  if (it.empty() || it.size() > 8 || it.front() == '0' ||
      std::from_chars(it.data(), it.data() + it.size(), out.iterations).ptr !=
          it.data() + it.size() ||
      out.iterations < kMinPbkdf2Iterations || out.iterations > kMaxPbkdf2Iterations) {
    return BadHash("stored secret hash has an invalid iteration count");
  }
  std::optional<std::string> salt = codec::DecodeBase64Strict(parts[2]);
  std::optional<std::string> hash = codec::DecodeBase64Strict(parts[3]);
  if (!salt || salt->size() < 8 || salt->size() > 64) {
    return BadHash("stored secret hash has an invalid salt");
  }
  if (!hash || hash->size() < 16 || hash->size() > 64) {
    return BadHash("stored secret hash has an invalid digest");
  }
  out.salt = std::move(*salt);
  out.hash = std::move(*hash);
  return out;
}

bool SecretMatches(std::string_view secret, const SecretHash& stored) {
  if (stored.hash.empty()) return false;
  std::string derived(stored.hash.size(), '\0');
  if (!Derive(secret, stored.salt, stored.iterations, derived)) return false;
  const bool same = CRYPTO_memcmp(derived.data(), stored.hash.data(), derived.size()) == 0;
  OPENSSL_cleanse(derived.data(), derived.size());
  return same;
}

bool VerifySecret(std::string_view secret, std::string_view stored) {
  Result<SecretHash> parsed = ParseSecretHash(stored);
  return parsed && SecretMatches(secret, *parsed);
}

}  // namespace gatehouse::registry
