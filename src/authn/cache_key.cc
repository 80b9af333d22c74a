#include "authn/cache_key.h"

#include <openssl/sha.h>

#include "common/codec/hex.h"

namespace gatehouse::authn {

CacheKeyBuilder& CacheKeyBuilder::Add(std::string_view field) {
  material_ += '\n';
  material_ += std::to_string(field.size());
  material_ += ':';
  material_ += field;
  return *this;
}

std::string CacheKeyBuilder::Hex() const {
  // The one-shot SHA256() cannot fail, so two credentials never share a key by accident.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material_.data()), material_.size(), digest);
  return codec::EncodeHex(digest, SHA256_DIGEST_LENGTH);
}

}  // namespace gatehouse::authn
