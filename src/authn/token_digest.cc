#include "authn/token_digest.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

#include <memory>

namespace gatehouse::authn {

TokenDigest DigestToken(std::string_view token) {
  // SHA256() and EVP_sha256() look the algorithm up in OpenSSL 3's provider store on every call
  // (a global read lock and two reference counts): more than the hash of a short token. The
  // algorithm is fetched once and each thread reuses one context.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
  TokenDigest digest{};
  unsigned int length = 0;
  if (kSha256 == nullptr || context == nullptr ||
      EVP_DigestInit_ex2(context.get(), kSha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), token.data(), token.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1 || length != digest.size()) {
    // Never reached with a working libcrypto; the one-shot form cannot fail, so tokens never
    // share a zero digest.
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  }
  return digest;
}

TokenKey KeyOfOpaqueToken(std::string_view token) { return TokenKey{DigestToken(token), {}}; }

TokenKey KeyOfJws(std::string_view token) {
  // memrchr, not string_view::rfind: the latter steps back one byte at a time through the whole
  // signature, which costs as much as hashing it.
  const void* found = token.empty() ? nullptr : ::memrchr(token.data(), '.', token.size());
  if (found == nullptr) return KeyOfOpaqueToken(token);
  const std::size_t last_dot =
      static_cast<std::size_t>(static_cast<const char*>(found) - token.data());
  if (last_dot > kMaxVisibleTokenBytes) return KeyOfOpaqueToken(token);
  const std::string_view visible = token.substr(0, last_dot);
  const std::size_t first_dot = visible.find('.');
  if (first_dot == std::string_view::npos || visible.find('.', first_dot + 1) != visible.npos) {
    return KeyOfOpaqueToken(token);
  }
  return TokenKey{DigestToken(token.substr(last_dot + 1)), visible};
}

}  // namespace gatehouse::authn
