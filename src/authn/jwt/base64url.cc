#include "authn/jwt/base64url.h"

#include <array>
#include <cstdint>

namespace gatehouse::authn::jwt {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> MakeDecodeTable() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (std::uint8_t i = 0; i < 64; ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = i;
  }
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecode = MakeDecodeTable();

std::uint8_t Sextet(char c) { return kDecode[static_cast<unsigned char>(c)]; }

}  // namespace

bool DecodeBase64UrlTo(std::string_view in, std::string& out) {
  const std::size_t remainder = in.size() % 4;
  if (remainder == 1) return false;
  out.reserve(out.size() + in.size() / 4 * 3 + 2);
  std::size_t i = 0;
  for (; i + 4 <= in.size(); i += 4) {
    const std::uint8_t a = Sextet(in[i]), b = Sextet(in[i + 1]), c = Sextet(in[i + 2]),
                       d = Sextet(in[i + 3]);
    if ((a | b | c | d) & 0xc0) return false;
    const std::uint32_t bits = (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) |
                               (std::uint32_t{c} << 6) | std::uint32_t{d};
    out.push_back(static_cast<char>(bits >> 16));
    out.push_back(static_cast<char>((bits >> 8) & 0xff));
    out.push_back(static_cast<char>(bits & 0xff));
  }
  if (remainder == 2) {
    const std::uint8_t a = Sextet(in[i]), b = Sextet(in[i + 1]);
    if ((a | b) & 0xc0) return false;
    // Only 8 of the 12 bits carry data; the rest must be zero or two spellings would decode
    // to the same bytes.
    if (b & 0x0f) return false;
    out.push_back(static_cast<char>((a << 2) | (b >> 4)));
  } else if (remainder == 3) {
    const std::uint8_t a = Sextet(in[i]), b = Sextet(in[i + 1]), c = Sextet(in[i + 2]);
    if ((a | b | c) & 0xc0) return false;
    if (c & 0x03) return false;
    const std::uint32_t bits = (std::uint32_t{a} << 12) | (std::uint32_t{b} << 6) | c;
    out.push_back(static_cast<char>(bits >> 10));
    out.push_back(static_cast<char>((bits >> 2) & 0xff));
  }
  return true;
}

Result<std::string> DecodeBase64Url(std::string_view in) {
  std::string out;
  if (!DecodeBase64UrlTo(in, out)) {
    return MakeError("base64url_invalid", "not canonical unpadded base64url");
  }
  return out;
}

std::string EncodeBase64Url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t bits = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kAlphabet[(bits >> 18) & 0x3f]);
    out.push_back(kAlphabet[(bits >> 12) & 0x3f]);
    out.push_back(kAlphabet[(bits >> 6) & 0x3f]);
    out.push_back(kAlphabet[bits & 0x3f]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t bits = byte(i) << 16;
    out.push_back(kAlphabet[(bits >> 18) & 0x3f]);
    out.push_back(kAlphabet[(bits >> 12) & 0x3f]);
  } else if (rest == 2) {
    const std::uint32_t bits = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kAlphabet[(bits >> 18) & 0x3f]);
    out.push_back(kAlphabet[(bits >> 12) & 0x3f]);
    out.push_back(kAlphabet[(bits >> 6) & 0x3f]);
  }
  return out;
}

bool IsBase64UrlAlphabet(std::string_view in) {
  for (char c : in) {
    if (Sextet(c) == kInvalid) return false;
  }
  return true;
}

}  // namespace gatehouse::authn::jwt
