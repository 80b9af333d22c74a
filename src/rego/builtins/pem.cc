#include "rego/builtins/pem.h"

#include "common/codec/base64.h"

namespace gatehouse::rego::builtins {

std::optional<PemBlock> DecodePem(std::string_view in, std::string_view* rest) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kDashes = "-----";
  std::size_t search = 0;
  while (true) {
    const auto begin = in.find(kBegin, search);
    if (begin == std::string_view::npos) return std::nullopt;
    search = begin + kBegin.size();
    // The BEGIN marker must start a line.
    if (begin != 0 && in[begin - 1] != '\n') continue;
    const auto type_end = in.find(kDashes, search);
    const auto line_end = in.find('\n', search);
    if (type_end == std::string_view::npos ||
        (line_end != std::string_view::npos && type_end > line_end)) {
      continue;
    }
    PemBlock block;
    block.type = std::string(in.substr(search, type_end - search));
    std::size_t body_start = type_end + kDashes.size();
    // The rest of the BEGIN line must be blank.
    while (body_start < in.size() &&
           (in[body_start] == ' ' || in[body_start] == '\t' || in[body_start] == '\r')) {
      ++body_start;
    }
    if (body_start < in.size() && in[body_start] == '\n') ++body_start;
    const std::string end_marker = "-----END " + block.type + "-----";
    const auto end = in.find(end_marker, body_start);
    if (end == std::string_view::npos) continue;
    std::string_view body = in.substr(body_start, end - body_start);
    // Skip RFC 1421 headers ("Key: value" lines followed by a blank line).
    if (body.find(':') != std::string_view::npos) {
      const auto blank = body.find("\n\n");
      if (blank != std::string_view::npos) body = body.substr(blank + 2);
    }
    std::string b64;
    for (char c : body) {
      if (c != '\n' && c != '\r' && c != ' ' && c != '\t') b64 += c;
    }
    auto decoded =
        codec::DecodeBase64Go(b64, codec::Base64Alphabet::kStandard, codec::Base64Padding::kPadded);
    if (!decoded) continue;
    block.bytes = std::move(*decoded);
    std::size_t after = end + end_marker.size();
    while (after < in.size() && (in[after] == ' ' || in[after] == '\t' || in[after] == '\r')) {
      ++after;
    }
    if (after < in.size() && in[after] == '\n') ++after;
    if (rest != nullptr) *rest = in.substr(after);
    return block;
  }
}

}  // namespace gatehouse::rego::builtins
