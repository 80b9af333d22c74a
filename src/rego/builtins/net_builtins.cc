// net.cidr_* builtins (IPv4 and IPv6), and the deprecated net.cidr_overlap. net.lookup_ip_addr is
// I/O and is not provided.
#include <algorithm>
#include <string>
#include <vector>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/ip_cidr.h"

namespace gatehouse::rego {
namespace {

using builtins::IpAddr;
using builtins::IpPrefix;
using builtins::Return;
using builtins::U128;

Result<IpPrefix> CidrArg(std::string_view name, std::string_view text) {
  auto p = builtins::ParseCidr(text);
  if (!p) return BuiltinError(name, "invalid CIDR address: " + std::string(text));
  return *p;
}

// A CIDR, or a single address as a full-length prefix.
Result<IpPrefix> CidrOrIp(std::string_view name, std::string_view text) {
  if (auto ip = builtins::ParseIp(text)) return IpPrefix{*ip, ip->width()};
  return CidrArg(name, text);
}

bool Contains(const IpPrefix& outer, const IpPrefix& inner) {
  if (outer.addr.v6 != inner.addr.v6) return false;
  return outer.First() <= inner.First() && inner.Last() <= outer.Last();
}

BuiltinResult CidrContainsNamed(std::string_view kName, std::span<const Value> args) {
  auto a = builtins::StringArg(kName, args, 1);
  if (!a) return a.error();
  auto b = builtins::StringArg(kName, args, 2);
  if (!b) return b.error();
  auto outer = CidrArg(kName, *a);
  if (!outer) return outer.error();
  auto inner = CidrOrIp(kName, *b);
  if (!inner) return inner.error();
  return Return(Value::Bool(Contains(*outer, *inner)));
}

BuiltinResult CidrContains(BuiltinContext&, std::span<const Value> args) {
  return CidrContainsNamed("net.cidr_contains", args);
}

// The deprecated net.cidr_overlap: net.cidr_contains under its old name (OPA keeps it for v0).
BuiltinResult CidrOverlap(BuiltinContext&, std::span<const Value> args) {
  return CidrContainsNamed("net.cidr_overlap", args);
}

BuiltinResult CidrIntersects(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "net.cidr_intersects";
  auto a = builtins::StringArg(kName, args, 1);
  if (!a) return a.error();
  auto b = builtins::StringArg(kName, args, 2);
  if (!b) return b.error();
  auto x = CidrArg(kName, *a);
  if (!x) return x.error();
  auto y = CidrArg(kName, *b);
  if (!y) return y.error();
  const bool overlap =
      x->addr.v6 == y->addr.v6 && x->First() <= y->Last() && y->First() <= x->Last();
  return Return(Value::Bool(overlap));
}

BuiltinResult CidrIsValid(BuiltinContext&, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("net.cidr_is_valid", 1, "string", args[0]);
  return Return(Value::Bool(builtins::ParseCidr(args[0].AsString()).has_value()));
}

BuiltinResult CidrExpand(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "net.cidr_expand";
  auto a = builtins::StringArg(kName, args, 1);
  if (!a) return a.error();
  auto p = CidrArg(kName, *a);
  if (!p) return p.error();
  const int host_bits = p->addr.width() - p->length;
  if (host_bits >= 63 || (U128{1} << host_bits) > ctx.limits.max_range_items) {
    return BuiltinError(kName, "CIDR range too large: " + std::string(*a));
  }
  std::vector<Value> out;
  for (U128 v = p->First();; ++v) {
    out.push_back(Value::String(builtins::FormatIp(IpAddr{p->addr.v6, v})));
    if (v == p->Last()) break;
  }
  return Return(Value::Set(std::move(out)));
}

// Splits [first, last] into the fewest aligned prefixes.
void RangeToPrefixes(bool v6, U128 first, U128 last, std::vector<IpPrefix>& out) {
  const int w = v6 ? 128 : 32;
  while (true) {
    int len = w;
    // Grow the block while it stays aligned at `first` and inside the range.
    while (len > 0) {
      const int host = w - len + 1;
      const U128 size_minus_1 = host >= 128 ? ~U128{0} : (U128{1} << host) - 1;
      if ((first & size_minus_1) != 0) break;
      if (first + size_minus_1 > last || first + size_minus_1 < first) break;
      --len;
    }
    out.push_back(IpPrefix{IpAddr{v6, first}, len});
    const int host = w - len;
    const U128 size_minus_1 = host >= 128 ? ~U128{0} : (U128{1} << host) - 1;
    const U128 end = first + size_minus_1;
    if (end >= last) return;
    first = end + 1;
  }
}

BuiltinResult CidrMerge(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "net.cidr_merge";
  if (!args[0].is_array() && !args[0].is_set()) {
    return OperandTypeError(kName, 1, "one of {array, set}", args[0]);
  }
  std::vector<std::pair<U128, U128>> ranges[2];  // [0] IPv4, [1] IPv6
  for (const auto& item : args[0].Items()) {
    if (!item.is_string()) return OperandTypeError(kName, 1, "string", item);
    const std::string_view text = item.AsString();
    IpPrefix p;
    if (text.find('/') != std::string_view::npos) {
      auto parsed = CidrArg(kName, text);
      if (!parsed) return parsed.error();
      p = *parsed;
    } else {
      auto ip = builtins::ParseIp(text);
      if (!ip) return BuiltinError(kName, "invalid IP address: " + std::string(text));
      if (ip->v6) return BuiltinError(kName, "IPv6 invalid: needs prefix length");
      // Go's IP.DefaultMask: the classful network of the address.
      const auto first = static_cast<unsigned>(ip->bits >> 24);
      p = IpPrefix{*ip, first < 0x80 ? 8 : first < 0xC0 ? 16 : 24};
    }
    ranges[p.addr.v6 ? 1 : 0].emplace_back(p.First(), p.Last());
  }
  std::vector<Value> out;
  for (int fam = 0; fam < 2; ++fam) {
    auto& rs = ranges[fam];
    std::sort(rs.begin(), rs.end());
    std::vector<std::pair<U128, U128>> merged;
    for (const auto& r : rs) {
      if (!merged.empty() &&
          (r.first <= merged.back().second || r.first == merged.back().second + 1)) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    std::vector<IpPrefix> prefixes;
    for (const auto& r : merged) RangeToPrefixes(fam == 1, r.first, r.second, prefixes);
    for (const auto& p : prefixes) out.push_back(Value::String(builtins::FormatCidr(p)));
  }
  return Return(Value::Set(std::move(out)));
}

// One element of a cidr_contains_matches operand: its key and its address text.
struct MatchItem {
  Value key;
  std::string_view text;
};

Result<std::vector<MatchItem>> MatchItems(std::string_view name, int n, const Value& v) {
  const std::string bad =
      "operand " + std::to_string(n) + ": element must be string or non-empty array";
  auto text_of = [&](const Value& e) -> std::optional<std::string_view> {
    if (e.is_string()) return e.AsString();
    if (e.is_array() && e.size() > 0 && e.Items()[0].is_string()) return e.Items()[0].AsString();
    return std::nullopt;
  };
  std::vector<MatchItem> out;
  switch (v.kind()) {
    case ValueKind::kString:
      out.push_back({v, v.AsString()});
      return out;
    case ValueKind::kArray: {
      const auto items = v.Items();
      for (std::size_t i = 0; i < items.size(); ++i) {
        auto t = text_of(items[i]);
        if (!t) return BuiltinError(name, bad);
        out.push_back({Value::Int(static_cast<std::int64_t>(i)), *t});
      }
      return out;
    }
    case ValueKind::kSet:
      for (const auto& e : v.Items()) {
        auto t = text_of(e);
        if (!t) return BuiltinError(name, bad);
        out.push_back({e, *t});
      }
      return out;
    case ValueKind::kObject:
      for (const auto& [k, e] : v.Members()) {
        auto t = text_of(e);
        if (!t) return BuiltinError(name, bad);
        out.push_back({k, *t});
      }
      return out;
    default:
      return OperandTypeError(name, n, "one of {string, array, set, object}", v);
  }
}

BuiltinResult CidrContainsMatches(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "net.cidr_contains_matches";
  auto cidrs = MatchItems(kName, 1, args[0]);
  if (!cidrs) return cidrs.error();
  auto addrs = MatchItems(kName, 2, args[1]);
  if (!addrs) return addrs.error();
  std::vector<IpPrefix> inner;
  for (const auto& a : *addrs) {
    auto p = CidrOrIp(kName, a.text);
    if (!p) return p.error();
    inner.push_back(*p);
  }
  std::vector<Value> out;
  for (const auto& c : *cidrs) {
    auto outer = CidrArg(kName, c.text);
    if (!outer) return outer.error();
    for (std::size_t i = 0; i < inner.size(); ++i) {
      if (Contains(*outer, inner[i])) out.push_back(Value::Array({c.key, (*addrs)[i].key}));
    }
  }
  return Return(Value::Set(std::move(out)));
}

}  // namespace

void RegisterNetBuiltins(BuiltinRegistry& r) {
  using builtins::Add;
  Add(r, "net.cidr_contains", {kTString, kTString}, kTBool, CidrContains);
  Add(r, "net.cidr_overlap", {kTString, kTString}, kTBool, CidrOverlap);
  Add(r, "net.cidr_intersects", {kTString, kTString}, kTBool, CidrIntersects);
  Add(r, "net.cidr_is_valid", {kTString}, kTBool, CidrIsValid);
  Add(r, "net.cidr_expand", {kTString}, kTSet, CidrExpand);
  Add(r, "net.cidr_merge", {kTArray | kTSet}, kTSet, CidrMerge);
  Add(r, "net.cidr_contains_matches",
      {kTString | kTArray | kTSet | kTObject, kTString | kTArray | kTSet | kTObject}, kTSet,
      CidrContainsMatches);
}

}  // namespace gatehouse::rego
