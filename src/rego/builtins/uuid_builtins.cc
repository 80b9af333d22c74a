// uuid.rfc4122 (a random version 4 UUID, memoised per evaluation) and uuid.parse (the fields
// of an RFC 4122 UUID, as google/uuid reports them).
#include <cstdio>
#include <string>
#include <vector>

#include "common/codec/hex.h"
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/nondeterministic.h"

namespace gatehouse::rego {
namespace {

using builtins::Memoised;
using builtins::Random64;
using builtins::Return;

BuiltinResult UuidRfc4122(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("uuid.rfc4122", 1, "string", args[0]);
  return Return(Memoised(ctx, "uuid.rfc4122", args, [&] {
    unsigned char b[16];
    const std::uint64_t hi = Random64(ctx), lo = Random64(ctx);
    for (int i = 0; i < 8; ++i) {
      b[i] = static_cast<unsigned char>(hi >> (8 * i));
      b[8 + i] = static_cast<unsigned char>(lo >> (8 * i));
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    std::string hex = codec::EncodeHex(std::string_view(reinterpret_cast<char*>(b), 16));
    return Value::String(hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                         hex.substr(16, 4) + "-" + hex.substr(20));
  }));
}

// google/uuid's Parse forms: canonical, {braced}, urn:uuid:, and 32 bare hex digits.
std::optional<std::string> UuidBytes(std::string_view s) {
  if (s.size() == 36 + 9) {
    std::string prefix(s.substr(0, 9));
    for (auto& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (prefix != "urn:uuid:") return std::nullopt;
    s.remove_prefix(9);
  } else if (s.size() == 38) {
    if (s.front() != '{' || s.back() != '}') return std::nullopt;
    s = s.substr(1, 36);
  }
  std::string hex;
  if (s.size() == 36) {
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return std::nullopt;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i != 8 && i != 13 && i != 18 && i != 23) hex += s[i];
    }
  } else if (s.size() == 32) {
    hex = std::string(s);
  } else {
    return std::nullopt;
  }
  auto bytes = codec::DecodeHex(hex);
  if (!bytes) return std::nullopt;
  return *bytes;
}

BuiltinResult UuidParse(BuiltinContext&, std::span<const Value> args) {
  // OPA's cases expect a non-string to leave the call undefined.
  if (!args[0].is_string()) return builtins::Undefined();
  auto bytes = UuidBytes(args[0].AsString());
  if (!bytes) return builtins::Undefined();
  const auto* b = reinterpret_cast<const unsigned char*>(bytes->data());
  const int version = b[6] >> 4;
  std::string variant = (b[8] & 0xC0) == 0x80   ? "RFC4122"
                        : (b[8] & 0xE0) == 0xC0 ? "Microsoft"
                        : (b[8] & 0xE0) == 0xE0 ? "Future"
                                                : "Reserved";
  std::vector<Member> out;
  out.emplace_back(Value::String("version"), Value::Int(version));
  out.emplace_back(Value::String("variant"), Value::String(variant));
  if (version == 1 || version == 2) {
    auto be = [&](int at, int n) {
      std::int64_t v = 0;
      for (int i = 0; i < n; ++i) v = (v << 8) | b[at + i];
      return v;
    };
    const std::int64_t t = be(0, 4) | (be(4, 2) << 32) | ((be(6, 2) & 0xFFF) << 48);
    const std::int64_t since_unix = t - 122192928000000000LL;  // 100ns ticks since 1582-10-15
    const std::int64_t nanos = (since_unix % 10000000) * 100;
    const std::int64_t secs = since_unix / 10000000;
    out.emplace_back(Value::String("time"), Value::Int(secs * 1000000000 + nanos));
    char node[18];
    std::snprintf(node, sizeof(node), "%02x-%02x-%02x-%02x-%02x-%02x", b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    out.emplace_back(Value::String("nodeid"), Value::String(node));
    out.emplace_back(Value::String("macvariables"),
                     Value::String(std::string((b[10] & 2) ? "local" : "global") + ":" +
                                   ((b[10] & 1) ? "multicast" : "unicast")));
    out.emplace_back(Value::String("clocksequence"), Value::Int(be(8, 2) & 0x3FFF));
    if (version == 2) {
      out.emplace_back(Value::String("id"), Value::Int(be(0, 4)));
      static constexpr const char* kDomains[] = {"Person", "Group", "Org"};
      out.emplace_back(
          Value::String("domain"),
          Value::String(b[9] < 3 ? std::string(kDomains[b[9]]) : "Domain" + std::to_string(b[9])));
    }
  }
  return Return(Value::Object(std::move(out)));
}

}  // namespace

void RegisterUuidBuiltins(BuiltinRegistry& r) {
  using builtins::Add;
  Add(r, "uuid.rfc4122", {kTString}, kTString, UuidRfc4122, /*nondeterministic=*/true);
  Add(r, "uuid.parse", {kTString}, kTObject, UuidParse);
}

}  // namespace gatehouse::rego
