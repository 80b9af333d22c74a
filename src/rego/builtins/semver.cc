#include "rego/builtins/semver.h"

#include <cctype>

namespace gatehouse::rego::builtins {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool ValidIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

std::optional<unsigned long long> Number(std::string_view s) {
  if (!AllDigits(s) || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  unsigned long long v = 0;
  for (char c : s) v = v * 10 + static_cast<unsigned long long>(c - '0');
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? s.npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

}  // namespace

std::optional<SemVer> ParseSemVer(std::string_view text) {
  SemVer v;
  if (const auto plus = text.find('+'); plus != std::string_view::npos) {
    const std::string_view meta = text.substr(plus + 1);
    for (auto id : Split(meta, '.')) {
      if (!ValidIdentifier(id)) return std::nullopt;
    }
    v.metadata = std::string(meta);
    text = text.substr(0, plus);
  }
  if (const auto dash = text.find('-'); dash != std::string_view::npos) {
    for (auto id : Split(text.substr(dash + 1), '.')) {
      if (!ValidIdentifier(id)) return std::nullopt;
      if (AllDigits(id) && id.size() > 1 && id[0] == '0') return std::nullopt;
      v.pre.emplace_back(id);
    }
    text = text.substr(0, dash);
  }
  const auto parts = Split(text, '.');
  if (parts.size() != 3) return std::nullopt;
  auto major = Number(parts[0]);
  auto minor = Number(parts[1]);
  auto patch = Number(parts[2]);
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  return v;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  auto cmp = [](unsigned long long x, unsigned long long y) { return x < y ? -1 : x > y ? 1 : 0; };
  if (int c = cmp(a.major, b.major)) return c;
  if (int c = cmp(a.minor, b.minor)) return c;
  if (int c = cmp(a.patch, b.patch)) return c;
  if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;
  for (std::size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    const bool an = AllDigits(a.pre[i]), bn = AllDigits(b.pre[i]);
    if (an && bn) {
      if (a.pre[i].size() != b.pre[i].size()) return a.pre[i].size() < b.pre[i].size() ? -1 : 1;
    } else if (an != bn) {
      return an ? -1 : 1;
    }
    if (int c = a.pre[i].compare(b.pre[i])) return c < 0 ? -1 : 1;
  }
  return cmp(a.pre.size(), b.pre.size());
}

}  // namespace gatehouse::rego::builtins
