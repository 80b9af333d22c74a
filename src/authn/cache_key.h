// CacheKey: the on-disk name of a cached credential, derived from what identifies it.
//
// Each field is length-prefixed, so ("ab","c") and ("a","bc") differ; `purpose` separates key
// spaces (Keystone, OIDC). The result is the lowercase hex SHA-256 of that material: it never
// reveals the fields, and callers never pass secrets. Pure and thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace gatehouse::authn {

class CacheKeyBuilder {
 public:
  explicit CacheKeyBuilder(std::string_view purpose) : material_(purpose) {}
  CacheKeyBuilder& Add(std::string_view field);
  // 64 lowercase hex digits.
  std::string Hex() const;

 private:
  std::string material_;
};

}  // namespace gatehouse::authn
