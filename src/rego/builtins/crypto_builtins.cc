// crypto.md5/sha1/sha256, crypto.hmac.*; io.jwt.* and crypto.x509.* register from their own
// files.
#include <openssl/crypto.h>

#include "common/codec/hex.h"
#include "rego/builtins/b2_jose.h"
#include "rego/builtins/b2_register.h"
#include "rego/builtins/b2_util.h"
#include "rego/builtins/builtin.h"

namespace gatehouse::rego {
namespace {

using b2::Done;

template <const char* kName, const char* kHash>
BuiltinResult HashBuiltin(BuiltinContext&, std::span<const Value> args) {
  auto s = b2::StringArg(kName, args, 1);
  if (!s) return s.error();
  auto digest = b2::Digest(kHash, *s);
  if (!digest) return BuiltinError(kName, "digest unavailable");
  return Done(Value::String(codec::EncodeHex(*digest)));
}

template <const char* kName, const char* kHash>
BuiltinResult HmacBuiltin(BuiltinContext&, std::span<const Value> args) {
  auto msg = b2::StringArg(kName, args, 1);
  if (!msg) return msg.error();
  auto key = b2::StringArg(kName, args, 2);
  if (!key) return key.error();
  auto mac = b2::Hmac(kHash, *key, *msg);
  if (!mac) return BuiltinError(kName, "digest unavailable");
  return Done(Value::String(codec::EncodeHex(*mac)));
}

BuiltinResult HmacEqual(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.hmac.equal";
  auto a = b2::StringArg(kName, args, 1);
  if (!a) return a.error();
  auto b = b2::StringArg(kName, args, 2);
  if (!b) return b.error();
  // Constant time for equal lengths; the length itself is not secret.
  const bool equal = a->size() == b->size() && CRYPTO_memcmp(a->data(), b->data(), a->size()) == 0;
  return Done(Value::Bool(equal));
}

constexpr char kMd5[] = "crypto.md5";
constexpr char kSha1[] = "crypto.sha1";
constexpr char kSha256[] = "crypto.sha256";
constexpr char kHmacMd5[] = "crypto.hmac.md5";
constexpr char kHmacSha1[] = "crypto.hmac.sha1";
constexpr char kHmacSha256[] = "crypto.hmac.sha256";
constexpr char kHmacSha512[] = "crypto.hmac.sha512";
constexpr char kHashMd5[] = "md5";
constexpr char kHashSha1[] = "sha1";
constexpr char kHashSha256[] = "sha256";
constexpr char kHashSha512[] = "sha512";

}  // namespace

void RegisterCryptoBuiltins(BuiltinRegistry& r) {
  using b2::Add;
  Add(r, kMd5, {kTString}, kTString, HashBuiltin<kMd5, kHashMd5>);
  Add(r, kSha1, {kTString}, kTString, HashBuiltin<kSha1, kHashSha1>);
  Add(r, kSha256, {kTString}, kTString, HashBuiltin<kSha256, kHashSha256>);
  Add(r, kHmacMd5, {kTString, kTString}, kTString, HmacBuiltin<kHmacMd5, kHashMd5>);
  Add(r, kHmacSha1, {kTString, kTString}, kTString, HmacBuiltin<kHmacSha1, kHashSha1>);
  Add(r, kHmacSha256, {kTString, kTString}, kTString, HmacBuiltin<kHmacSha256, kHashSha256>);
  Add(r, kHmacSha512, {kTString, kTString}, kTString, HmacBuiltin<kHmacSha512, kHashSha512>);
  Add(r, "crypto.hmac.equal", {kTString, kTString}, kTBool, HmacEqual);
  b2::RegisterJwtBuiltins(r);
  b2::RegisterX509Builtins(r);
}

}  // namespace gatehouse::rego
