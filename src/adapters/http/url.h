// URL pieces for the HTTP client and server: absolute http(s) URLs, host:port listen
// addresses, and application/x-www-form-urlencoded query strings. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace gatehouse::adapters {

struct ParsedUrl {
  bool tls = false;  // https
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target;  // origin-form: path (at least "/") and "?query"; never the fragment
  bool host_is_ip = false;

  // Host header value: host, bracketed when IPv6, with ":port" unless it is the default.
  std::string HostHeader() const;
};

// Accepts http://host[:port][/path][?query][#fragment] and https://...; IPv6 literals as
// [addr]. Refuses user-info (credentials in URLs end up in logs), control characters and
// spaces (request smuggling), empty hosts and ports outside 1-65535. Errors: "invalid_url".
Result<ParsedUrl> ParseUrl(std::string_view url);

struct HostPort {
  std::string host;  // empty = all interfaces
  std::uint16_t port = 0;
};

// Listen addresses: "host:port", ":port", "0.0.0.0:port", "[::1]:port"; port 0 = ephemeral.
// Errors: "invalid_address".
Result<HostPort> ParseHostPort(std::string_view address);

// Percent-decoding into `out`; with plus_as_space, '+' is a space (query strings). Returns false
// on a malformed escape, leaving `out` unspecified.
bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out);

// Splits "a=1&b=x%20y" into decoded pairs in order; a key without '=' has an empty value. Pairs
// with malformed escapes are skipped, as Go's URL.Query() does.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace gatehouse::adapters
