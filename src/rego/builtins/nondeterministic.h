// Randomness and per-evaluation memoisation for the nondeterministic builtins (uuid.rfc4122,
// rand.intn): OPA gives the same result for the same call (name + arguments) within one
// evaluation.
//
// Header-only. Both functions use only the caller's BuiltinContext, which belongs to one
// evaluation on one thread; RAND_bytes (OpenSSL 3) is thread-safe.
#pragma once

#include <openssl/rand.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "rego/builtins/builtin.h"

namespace gatehouse::rego::builtins {

// 64 random bits: ctx.random when set (tests seed it), else OpenSSL's CSPRNG; 0 if that fails.
inline std::uint64_t Random64(BuiltinContext& ctx) {
  if (ctx.random) return ctx.random();
  std::uint64_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof(v)) != 1) v = 0;
  return v;
}

// The memoised result of a nondeterministic call, computing it once per evaluation.
template <typename Make>
inline Value Memoised(BuiltinContext& ctx, std::string_view name, std::span<const Value> args,
                      Make make) {
  auto key = std::make_pair(std::string(name), Value::Array({args.begin(), args.end()}));
  if (auto it = ctx.memo.find(key); it != ctx.memo.end()) return it->second;
  Value v = make();
  ctx.memo.emplace(std::move(key), v);
  return v;
}

}  // namespace gatehouse::rego::builtins
