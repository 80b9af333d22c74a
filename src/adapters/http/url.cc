#include "adapters/http/url.h"

#include <arpa/inet.h>

#include <charconv>

#include "adapters/http/http_errors.h"
#include "common/codec/hex.h"

namespace gatehouse::adapters {
namespace {

bool ParsePort(std::string_view text, bool allow_zero, std::uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  if (value == 0 && !allow_zero) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool IsIpv6Literal(const std::string& host) {
  unsigned char buffer[16];
  return ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

bool IsIpv4Literal(const std::string& host) {
  unsigned char buffer[4];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1;
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

// Splits "host:port" / "[v6]:port" / "host" into parts; `port` stays empty when absent.
bool SplitHostPort(std::string_view authority, std::string& host, std::string_view& port,
                   bool& bracketed) {
  bracketed = false;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host.assign(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port = rest.empty() ? std::string_view() : rest.substr(1);
    if (!rest.empty() && port.empty()) return false;
    bracketed = true;
    return IsIpv6Literal(host);
  }
  std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    host.assign(authority);
    port = {};
  } else {
    host.assign(authority.substr(0, colon));
    port = authority.substr(colon + 1);
    if (port.empty()) return false;
  }
  for (char c : host) {
    if (!IsHostNameChar(c)) return false;
  }
  return true;
}

}  // namespace

std::string ParsedUrl::HostHeader() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

Result<ParsedUrl> ParseUrl(std::string_view url) {
  auto invalid = [](const char* why) { return MakeError(HttpError::kInvalidUrl, why); };
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return invalid("URL contains spaces or control characters");
    }
  }
  ParsedUrl out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return invalid("URL scheme must be http or https");
  }
  std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    return invalid("URL must not contain user information");
  }
  std::string_view port;
  bool bracketed = false;
  if (!SplitHostPort(authority, out.host, port, bracketed) || out.host.empty()) {
    return invalid("URL has an invalid host");
  }
  if (port.empty()) {
    out.port = out.tls ? 443 : 80;
  } else if (!ParsePort(port, /*allow_zero=*/false, out.port)) {
    return invalid("URL has an invalid port");
  }
  out.host_is_ip = bracketed || IsIpv4Literal(out.host);
  std::size_t hash = tail.find('#');
  if (hash != std::string_view::npos) tail = tail.substr(0, hash);
  out.target = tail.empty() || tail.front() != '/' ? "/" + std::string(tail) : std::string(tail);
  return out;
}

Result<HostPort> ParseHostPort(std::string_view address) {
  HostPort out;
  std::string_view port;
  bool bracketed = false;
  if (!SplitHostPort(address, out.host, port, bracketed) ||
      !ParsePort(port, /*allow_zero=*/true, out.port)) {
    return MakeError(HttpError::kInvalidAddress,
                     "listen address must look like host:port, :port or [v6]:port");
  }
  return out;
}

bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 1 < in.size() ? codec::HexDigitValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? codec::HexDigitValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), true, key)) continue;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, value)) continue;
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace gatehouse::adapters
