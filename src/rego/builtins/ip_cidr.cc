#include "rego/builtins/ip_cidr.h"

#include <array>
#include <cstdint>
#include <vector>

namespace gatehouse::rego::builtins {
namespace {

std::optional<std::uint32_t> ParseIpv4(std::string_view s) {
  std::uint32_t out = 0;
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return std::nullopt;
    std::size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      if (v > 255) return std::nullopt;
      ++i;
    }
    if (i - start > 1 && s[start] == '0') return std::nullopt;  // Go refuses leading zeros
    out = (out << 8) | v;
    ++parts;
    if (parts == 4) break;
    if (i >= s.size() || s[i] != '.') return std::nullopt;
    ++i;
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<U128> ParseIpv6(std::string_view s) {
  std::array<std::uint16_t, 8> groups{};
  int n = 0;
  int ellipsis = -1;
  std::size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    i = 2;
    if (i == s.size()) return U128{0};
  }
  while (i < s.size()) {
    // A trailing dotted IPv4 fills two groups.
    std::size_t j = i;
    while (j < s.size() && HexDigit(s[j]) >= 0) ++j;
    if (j < s.size() && s[j] == '.') {
      if (n > 6) return std::nullopt;
      auto v4 = ParseIpv4(s.substr(i));
      if (!v4) return std::nullopt;
      groups[static_cast<std::size_t>(n++)] = static_cast<std::uint16_t>(*v4 >> 16);
      groups[static_cast<std::size_t>(n++)] = static_cast<std::uint16_t>(*v4 & 0xFFFF);
      i = s.size();
      break;
    }
    if (j == i || j - i > 4 || n >= 8) return std::nullopt;
    unsigned v = 0;
    for (std::size_t k = i; k < j; ++k) v = (v << 4) | static_cast<unsigned>(HexDigit(s[k]));
    groups[static_cast<std::size_t>(n++)] = static_cast<std::uint16_t>(v);
    i = j;
    if (i == s.size()) break;
    if (s[i] != ':') return std::nullopt;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (ellipsis >= 0) return std::nullopt;
      ellipsis = n;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return std::nullopt;  // trailing single ':'
    }
  }
  if (ellipsis >= 0) {
    if (n == 8) return std::nullopt;
    const int fill = 8 - n;
    for (int k = n - 1; k >= ellipsis; --k) {
      groups[static_cast<std::size_t>(k + fill)] = groups[static_cast<std::size_t>(k)];
    }
    for (int k = ellipsis; k < ellipsis + fill; ++k) groups[static_cast<std::size_t>(k)] = 0;
  } else if (n != 8) {
    return std::nullopt;
  }
  U128 out = 0;
  for (auto g : groups) out = (out << 16) | g;
  return out;
}

}  // namespace

U128 IpPrefix::Mask() const {
  const int w = addr.width();
  const U128 all = w == 128 ? ~U128{0} : ((U128{1} << 32) - 1);
  if (length == 0) return 0;
  return all & ~((U128{1} << (w - length)) - 1) & all;
}

U128 IpPrefix::First() const { return addr.bits & Mask(); }

U128 IpPrefix::Last() const {
  const U128 all = addr.width() == 128 ? ~U128{0} : ((U128{1} << 32) - 1);
  return First() | (all & ~Mask());
}

std::optional<IpAddr> ParseIp(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    auto v4 = ParseIpv4(text);
    if (!v4) return std::nullopt;
    return IpAddr{false, *v4};
  }
  auto v6 = ParseIpv6(text);
  if (!v6) return std::nullopt;
  if ((*v6 >> 32) == 0xFFFF) return IpAddr{false, *v6 & 0xFFFFFFFFu};
  return IpAddr{true, *v6};
}

std::optional<IpPrefix> ParseCidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = ParseIp(text.substr(0, slash));
  if (!addr) return std::nullopt;
  std::string_view len = text.substr(slash + 1);
  if (len.empty() || len.size() > 3) return std::nullopt;
  int n = 0;
  for (char c : len) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (len.size() > 1 && len[0] == '0') return std::nullopt;
  // An IPv4-mapped address written in IPv6 form takes an IPv6 prefix length.
  const bool mapped = !addr->v6 && text.substr(0, slash).find(':') != std::string_view::npos;
  if (mapped) {
    if (n > 128 || n < 96) return std::nullopt;
    n -= 96;
  }
  if (n > addr->width()) return std::nullopt;
  return IpPrefix{*addr, n};
}

std::string FormatIp(const IpAddr& addr) {
  if (!addr.v6) {
    const auto v = static_cast<std::uint32_t>(addr.bits);
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." +
           std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255);
  }
  std::array<unsigned, 8> g{};
  for (int k = 0; k < 8; ++k) {
    g[static_cast<std::size_t>(k)] = static_cast<unsigned>((addr.bits >> (112 - 16 * k)) & 0xFFFF);
  }
  int best = -1;
  int best_len = 0;
  for (int k = 0; k < 8;) {
    if (g[static_cast<std::size_t>(k)] != 0) {
      ++k;
      continue;
    }
    int e = k;
    while (e < 8 && g[static_cast<std::size_t>(e)] == 0) ++e;
    if (e - k > best_len && e - k >= 2) {
      best = k;
      best_len = e - k;
    }
    k = e;
  }
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    const unsigned v = g[static_cast<std::size_t>(k)];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned d = (v >> shift) & 15;
      if (d != 0 || started || shift == 0) {
        out += kHex[d];
        started = true;
      }
    }
  }
  return out;
}

std::string FormatCidr(const IpPrefix& prefix) {
  return FormatIp(IpAddr{prefix.addr.v6, prefix.First()}) + "/" + std::to_string(prefix.length);
}

}  // namespace gatehouse::rego::builtins
