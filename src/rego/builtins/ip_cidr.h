// IP addresses and CIDR prefixes as Go's net package reads and prints them, for the net.cidr_*
// builtins. IPv4 and IPv6 (no zones); an address is a 32- or 128-bit unsigned number. Pure
// functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::rego::builtins {

using U128 = unsigned __int128;

struct IpAddr {
  bool v6 = false;
  U128 bits = 0;  // the address as a number (IPv4: the low 32 bits)
  int width() const { return v6 ? 128 : 32; }
};

struct IpPrefix {
  IpAddr addr;     // as written (ParseCidr keeps host bits; use First() for the network)
  int length = 0;  // prefix length in bits

  U128 Mask() const;
  U128 First() const;  // network address
  U128 Last() const;   // last address of the range
};

// Go's net.ParseIP: dotted IPv4 (no leading zeros), or IPv6 with "::" and a trailing dotted
// IPv4 allowed. An IPv4-mapped IPv6 address ("::ffff:1.2.3.4") reads as IPv4, as in Go.
std::optional<IpAddr> ParseIp(std::string_view text);
// Go's net.ParseCIDR ("addr/len").
std::optional<IpPrefix> ParseCidr(std::string_view text);

// Go's IP.String: dotted IPv4; IPv6 in RFC 5952 form (lowercase, longest zero run as "::").
std::string FormatIp(const IpAddr& addr);
// "network/len" with host bits cleared.
std::string FormatCidr(const IpPrefix& prefix);

}  // namespace gatehouse::rego::builtins
