// semver.*, uuid.*, rand.intn, opa.runtime, json.match_schema, json.verify_schema.
#include <openssl/rand.h>

#include <cstdio>
#include <string>

#include "common/codec/hex.h"
#include "rego/builtins/b2_util.h"
#include "rego/builtins/builtin.h"
#include "rego/builtins/json_schema.h"
#include "rego/builtins/semver.h"

namespace gatehouse::rego {
namespace {

using b2::Done;

BuiltinResult SemverIsValid(BuiltinContext&, std::span<const Value> args) {
  return Done(Value::Bool(args[0].is_string() && b2::ParseSemVer(args[0].AsString()).has_value()));
}

BuiltinResult SemverCompare(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "semver.compare";
  b2::SemVer v[2];
  for (int i = 0; i < 2; ++i) {
    auto s = b2::StringArg(kName, args, i + 1);
    if (!s) return s.error();
    auto parsed = b2::ParseSemVer(*s);
    if (!parsed) {
      return BuiltinError(kName, "operand " + std::to_string(i + 1) + ": string \"" +
                                     std::string(*s) + "\" is not a valid SemVer");
    }
    v[i] = std::move(*parsed);
  }
  return Done(Value::Int(b2::CompareSemVer(v[0], v[1])));
}

std::uint64_t Random64(BuiltinContext& ctx) {
  if (ctx.random) return ctx.random();
  std::uint64_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof(v)) != 1) v = 0;
  return v;
}

// The memoised result of a nondeterministic call, computing it once per evaluation.
template <typename Make>
Value Memoised(BuiltinContext& ctx, std::string_view name, std::span<const Value> args, Make make) {
  auto key = std::make_pair(std::string(name), Value::Array({args.begin(), args.end()}));
  if (auto it = ctx.memo.find(key); it != ctx.memo.end()) return it->second;
  Value v = make();
  ctx.memo.emplace(std::move(key), v);
  return v;
}

BuiltinResult UuidRfc4122(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("uuid.rfc4122", 1, "string", args[0]);
  return Done(Memoised(ctx, "uuid.rfc4122", args, [&] {
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
  if (!args[0].is_string()) return b2::Undefined();
  auto bytes = UuidBytes(args[0].AsString());
  if (!bytes) return b2::Undefined();
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
  return Done(Value::Object(std::move(out)));
}

BuiltinResult RandIntn(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "rand.intn";
  if (!args[0].is_string()) return OperandTypeError(kName, 1, "string", args[0]);
  if (!args[1].is_number()) return OperandTypeError(kName, 2, "number", args[1]);
  auto n = args[1].AsInt();
  if (!n) return BuiltinError(kName, "operand 2 must be an integer");
  std::uint64_t bound =
      *n < 0 ? 0 - static_cast<std::uint64_t>(*n) : static_cast<std::uint64_t>(*n);
  if (bound == 0) return Done(Value::Int(0));
  return Done(Memoised(ctx, kName, args, [&] {
    // Rejection sampling: no modulo bias.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t r = Random64(ctx);
    for (int i = 0; i < 64 && r >= limit; ++i) r = Random64(ctx);
    return Value::Int(static_cast<std::int64_t>(r % bound));
  }));
}

BuiltinResult OpaRuntime(BuiltinContext& ctx, std::span<const Value>) { return Done(ctx.runtime); }

Result<Value> JsonOrValue(std::string_view name, const Value& v, int n) {
  if (!v.is_string()) {
    if (!v.is_object() && !v.is_bool())
      return OperandTypeError(name, n, "one of {string, object}", v);
    return v;
  }
  auto parsed = ParseJsonText(v.AsString());
  if (!parsed) return BuiltinError(name, "operand " + std::to_string(n) + " is not valid JSON");
  return std::move(*parsed);
}

BuiltinResult JsonMatchSchema(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "json.match_schema";
  Value doc = args[0];
  if (doc.is_string()) {
    auto parsed = JsonOrValue(kName, doc, 1);
    if (!parsed) return parsed.error();
    doc = std::move(*parsed);
  }
  auto schema = JsonOrValue(kName, args[1], 2);
  if (!schema) return schema.error();
  auto errors = b2::ValidateSchema(doc, *schema);
  if (!errors) return BuiltinError(kName, errors.error().message);
  std::vector<Value> list;
  for (const auto& e : *errors) {
    list.push_back(Value::Object({
        {Value::String("error"), Value::String(e.field + ": " + e.desc)},
        {Value::String("desc"), Value::String(e.desc)},
        {Value::String("field"), Value::String(e.field)},
        {Value::String("type"), Value::String(e.type)},
    }));
  }
  const bool ok = list.empty();
  return Done(Value::Array({Value::Bool(ok), Value::Array(std::move(list))}));
}

BuiltinResult JsonVerifySchema(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "json.verify_schema";
  auto schema = JsonOrValue(kName, args[0], 1);
  if (!schema) {
    if (schema.error().code == "eval_type_error") return schema.error();
    return Done(Value::Array({Value::Bool(false), Value::String(schema.error().message)}));
  }
  auto ok = b2::CheckSchema(*schema);
  if (!ok) return Done(Value::Array({Value::Bool(false), Value::String(ok.error().message)}));
  return Done(Value::Array({Value::Bool(true), Value::Null()}));
}

}  // namespace

void RegisterMiscBuiltins(BuiltinRegistry& r) {
  using b2::Add;
  Add(r, "semver.is_valid", {kTAny}, kTBool, SemverIsValid);
  Add(r, "semver.compare", {kTString, kTString}, kTNumber, SemverCompare);
  Add(r, "uuid.rfc4122", {kTString}, kTString, UuidRfc4122, /*nondeterministic=*/true);
  Add(r, "uuid.parse", {kTString}, kTObject, UuidParse);
  Add(r, "rand.intn", {kTString, kTNumber}, kTNumber, RandIntn, /*nondeterministic=*/true);
  Add(r, "opa.runtime", {}, kTObject, OpaRuntime);
  Add(r, "json.match_schema", {kTString | kTObject, kTString | kTObject}, kTArray, JsonMatchSchema);
  Add(r, "json.verify_schema", {kTString | kTObject}, kTArray, JsonVerifySchema);
}

}  // namespace gatehouse::rego
