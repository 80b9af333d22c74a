#include "common/codec/base64.h"

#include <array>
#include <cstdint>

#include "common/codec/codec_errors.h"

namespace gatehouse::codec {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> MakeDecodeTable(const char* alphabet) {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecodeStandard = MakeDecodeTable(kStandard);
constexpr std::array<std::uint8_t, 256> kDecodeUrl = MakeDecodeTable(kUrl);

const std::array<std::uint8_t, 256>& Table(Base64Alphabet alphabet) {
  return alphabet == Base64Alphabet::kUrl ? kDecodeUrl : kDecodeStandard;
}

Error IllegalAt(std::size_t i) {
  return MakeError(CodecError::kBase64, "illegal base64 data at input byte " + std::to_string(i));
}

}  // namespace

std::string EncodeBase64(std::string_view bytes, Base64Alphabet alphabet, Base64Padding padding) {
  const char* digits = alphabet == Base64Alphabet::kUrl ? kUrl : kStandard;
  const bool pad = padding == Base64Padding::kPadded;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t bits = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(digits[(bits >> 18) & 0x3f]);
    out.push_back(digits[(bits >> 12) & 0x3f]);
    out.push_back(digits[(bits >> 6) & 0x3f]);
    out.push_back(digits[bits & 0x3f]);
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    const std::uint32_t bits = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(digits[(bits >> 18) & 0x3f]);
    out.push_back(digits[(bits >> 12) & 0x3f]);
    if (rest == 2) out.push_back(digits[(bits >> 6) & 0x3f]);
    if (pad) out.append(rest == 1 ? 2 : 1, '=');
  }
  return out;
}

bool DecodeBase64StrictTo(std::string_view in, Base64Alphabet alphabet, Base64Padding padding,
                          std::string& out) {
  if (padding == Base64Padding::kPadded) {
    if (in.size() % 4 != 0) return false;
    // At most two '=', and only where they complete the last quantum (checked below: the
    // rest must then be 2 or 3 mod 4, and any other '=' is outside the alphabet).
    std::size_t pad = 0;
    while (pad < 2 && !in.empty() && in.back() == '=') {
      in.remove_suffix(1);
      ++pad;
    }
    if (pad != 0 && in.size() % 4 != 4 - pad) return false;
  }
  const auto& table = Table(alphabet);
  const auto sextet = [&](char c) { return table[static_cast<unsigned char>(c)]; };
  const std::size_t remainder = in.size() % 4;
  if (remainder == 1) return false;
  out.reserve(out.size() + in.size() / 4 * 3 + 2);
  std::size_t i = 0;
  for (; i + 4 <= in.size(); i += 4) {
    const std::uint8_t a = sextet(in[i]), b = sextet(in[i + 1]), c = sextet(in[i + 2]),
                       d = sextet(in[i + 3]);
    if ((a | b | c | d) & 0xc0) return false;
    const std::uint32_t bits = (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) |
                               (std::uint32_t{c} << 6) | std::uint32_t{d};
    out.push_back(static_cast<char>(bits >> 16));
    out.push_back(static_cast<char>((bits >> 8) & 0xff));
    out.push_back(static_cast<char>(bits & 0xff));
  }
  if (remainder == 2) {
    const std::uint8_t a = sextet(in[i]), b = sextet(in[i + 1]);
    if ((a | b) & 0xc0) return false;
    // Only 8 of the 12 bits carry data; the rest must be zero or two spellings would decode
    // to the same bytes.
    if (b & 0x0f) return false;
    out.push_back(static_cast<char>((a << 2) | (b >> 4)));
  } else if (remainder == 3) {
    const std::uint8_t a = sextet(in[i]), b = sextet(in[i + 1]), c = sextet(in[i + 2]);
    if ((a | b | c) & 0xc0) return false;
    if (c & 0x03) return false;
    const std::uint32_t bits = (std::uint32_t{a} << 12) | (std::uint32_t{b} << 6) | c;
    out.push_back(static_cast<char>(bits >> 10));
    out.push_back(static_cast<char>((bits >> 2) & 0xff));
  }
  return true;
}

std::optional<std::string> DecodeBase64Strict(std::string_view in, Base64Alphabet alphabet,
                                              Base64Padding padding) {
  std::string out;
  if (!DecodeBase64StrictTo(in, alphabet, padding, out)) return std::nullopt;
  return out;
}

Result<std::string> DecodeBase64Url(std::string_view in) {
  std::string out;
  if (!DecodeBase64UrlTo(in, out)) {
    return MakeError(CodecError::kBase64UrlInvalid, "not canonical unpadded base64url");
  }
  return out;
}

bool IsBase64Alphabet(std::string_view in, Base64Alphabet alphabet) {
  const auto& table = Table(alphabet);
  for (char c : in) {
    if (table[static_cast<unsigned char>(c)] == kInvalid) return false;
  }
  return true;
}

Result<std::string> DecodeBase64Go(std::string_view in, Base64Alphabet alphabet,
                                   Base64Padding padding) {
  const auto& table = Table(alphabet);
  const bool pad = padding == Base64Padding::kPadded;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t quantum = 0;  // characters of the current 4-character group
  std::size_t i = 0;
  for (; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '\r' || c == '\n') continue;
    if (c == '=') break;
    const std::uint8_t v = table[static_cast<unsigned char>(c)];
    if (v == kInvalid) return IllegalAt(i);
    acc = (acc << 6) | v;
    bits += 6;
    quantum = (quantum + 1) % 4;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (i < in.size()) {  // at '='
    if (!pad || quantum < 2) return IllegalAt(i);
    // Exactly 4 - quantum '=' characters (CR/LF may sit between them), then the end.
    std::size_t need = 4 - quantum;
    std::size_t j = i;
    for (; j < in.size() && need > 0; ++j) {
      if (in[j] == '\r' || in[j] == '\n') continue;
      if (in[j] != '=') return IllegalAt(j);
      --need;
    }
    if (need > 0) return IllegalAt(in.size());
    for (; j < in.size(); ++j) {
      if (in[j] != '\r' && in[j] != '\n') return IllegalAt(j);
    }
    return out;
  }
  if (quantum == 1) return IllegalAt(in.size() - 1);
  if (pad && quantum != 0) return IllegalAt(in.size());
  return out;
}

}  // namespace gatehouse::codec
