// crypto.md5/sha1/sha256, crypto.hmac.*; io.jwt.* and crypto.x509.* register from their own
// files.
#include <openssl/crypto.h>

#include "common/codec/hex.h"
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/jose.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

template <const char* kName, const char* kHash>
BuiltinResult HashBuiltin(BuiltinContext&, std::span<const Value> args) {
  auto s = builtins::StringArg(kName, args, 1);
  if (!s) return s.error();
  auto digest = builtins::Digest(kHash, *s);
  if (!digest) return BuiltinError(kName, "digest unavailable");
  return Return(Value::String(codec::EncodeHex(*digest)));
}

template <const char* kName, const char* kHash>
BuiltinResult HmacBuiltin(BuiltinContext&, std::span<const Value> args) {
  auto msg = builtins::StringArg(kName, args, 1);
  if (!msg) return msg.error();
  auto key = builtins::StringArg(kName, args, 2);
  if (!key) return key.error();
  auto mac = builtins::Hmac(kHash, *key, *msg);
  if (!mac) return BuiltinError(kName, "digest unavailable");
  return Return(Value::String(codec::EncodeHex(*mac)));
}

BuiltinResult HmacEqual(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.hmac.equal";
  auto a = builtins::StringArg(kName, args, 1);
  if (!a) return a.error();
  auto b = builtins::StringArg(kName, args, 2);
  if (!b) return b.error();
  // Constant time for equal lengths; the length itself is not secret.
  const bool equal = a->size() == b->size() && CRYPTO_memcmp(a->data(), b->data(), a->size()) == 0;
  return Return(Value::Bool(equal));
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
  using builtins::Add;
  Add(r, kMd5, {kTString}, kTString, HashBuiltin<kMd5, kHashMd5>);
  Add(r, kSha1, {kTString}, kTString, HashBuiltin<kSha1, kHashSha1>);
  Add(r, kSha256, {kTString}, kTString, HashBuiltin<kSha256, kHashSha256>);
  Add(r, kHmacMd5, {kTString, kTString}, kTString, HmacBuiltin<kHmacMd5, kHashMd5>);
  Add(r, kHmacSha1, {kTString, kTString}, kTString, HmacBuiltin<kHmacSha1, kHashSha1>);
  Add(r, kHmacSha256, {kTString, kTString}, kTString, HmacBuiltin<kHmacSha256, kHashSha256>);
  Add(r, kHmacSha512, {kTString, kTString}, kTString, HmacBuiltin<kHmacSha512, kHashSha512>);
  Add(r, "crypto.hmac.equal", {kTString, kTString}, kTBool, HmacEqual);
}

}  // namespace gatehouse::rego
