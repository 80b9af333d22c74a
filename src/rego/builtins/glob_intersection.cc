#include "rego/builtins/glob_intersection.h"

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "rego/builtins/builtin_helpers.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

constexpr std::size_t kMaxProductStates = 4 << 20;

enum class Flag { kNone, kStar };

struct Token {
  bool any = false;                                   // `.`
  std::vector<std::pair<char32_t, char32_t>> ranges;  // a character is a one-element range
  Flag flag = Flag::kNone;
};

Error Invalid(std::string_view input, std::size_t pos, std::string_view what) {
  return MakeError(RegoError::kEvalBuiltin,
                   "input:" + std::string(input) + ", pos:" + std::to_string(pos) + ", " +
                       std::string(what) + ": the input provided is invalid");
}

Result<std::vector<Token>> Parse(std::string_view input) {
  std::vector<char32_t> runes;
  for (std::size_t i = 0; i < input.size();) runes.push_back(codec::DecodeUtf8(input, i));
  std::vector<Token> tokens;
  std::vector<bool> plus;  // tokens that carried `+`, expanded below
  bool last_flagged = true;
  std::size_t i = 0;
  // Reads one rune at i; sets `escaped`.
  auto next = [&](char32_t& r, bool& escaped) -> Status {
    if (runes[i] == '\\') {
      if (i + 1 >= runes.size())
        return Invalid(input, i, "input ends with a \\ (escape) character");
      r = runes[i + 1];
      escaped = true;
      i += 2;
    } else {
      r = runes[i];
      escaped = false;
      i += 1;
    }
    return gatehouse::Ok();
  };
  while (i < runes.size()) {
    char32_t r = 0;
    bool escaped = false;
    if (auto st = next(r, escaped); !st) return st.error();
    if (!escaped && (r == '+' || r == '*')) {
      if (last_flagged) {
        return Invalid(
            input, i,
            std::string("flag '") + static_cast<char>(r) + "' must be preceded by a non-flag");
      }
      tokens.back().flag = Flag::kStar;
      plus.back() = r == '+';
      last_flagged = true;
      continue;
    }
    Token t;
    if (!escaped && r == '.') {
      t.any = true;
    } else if (!escaped && r == ']') {
      return Invalid(input, i, "set-close ']' with no preceding '['");
    } else if (!escaped && r == '[') {
      bool complete = false, prev_exists = false;
      char32_t prev = 0;
      while (i < runes.size()) {
        char32_t c = 0;
        bool esc = false;
        if (auto st = next(c, esc); !st) return st.error();
        if (!esc && c == ']') {
          complete = true;
          break;
        }
        if (!esc && c == '-') {
          if (!prev_exists) {
            return Invalid(input, i, "range character '-' must be preceded by a Unicode character");
          }
          if (i >= runes.size()) {
            return Invalid(input, i, "range character '-' must be followed by a Unicode character");
          }
          char32_t hi = 0;
          bool hesc = false;
          if (auto st = next(hi, hesc); !st) return st.error();
          if (!hesc && (hi == ']' || hi == '-')) {
            return Invalid(input, i, "range character '-' cannot be followed by a special symbol");
          }
          if (hi < prev) return Invalid(input, i, "range is out of order");
          t.ranges.emplace_back(prev, hi);
          prev_exists = false;
          continue;
        }
        t.ranges.emplace_back(c, c);
        prev = c;
        prev_exists = true;
      }
      if (!complete) return Invalid(input, i, "found [ without matching ]");
    } else {
      t.ranges.emplace_back(r, r);
    }
    tokens.push_back(std::move(t));
    plus.push_back(false);
    last_flagged = false;
  }
  // x+ is x x*.
  std::vector<Token> out;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    if (plus[k]) {
      Token once = tokens[k];
      once.flag = Flag::kNone;
      out.push_back(std::move(once));
    }
    out.push_back(std::move(tokens[k]));
  }
  return out;
}

bool Overlap(const Token& a, const Token& b) {
  if (a.any) return b.any || !b.ranges.empty();
  if (b.any) return !a.ranges.empty();
  for (const auto& [alo, ahi] : a.ranges) {
    for (const auto& [blo, bhi] : b.ranges) {
      if (alo <= bhi && blo <= ahi) return true;
    }
  }
  return false;
}

}  // namespace

Result<bool> GlobsIntersect(std::string_view lhs, std::string_view rhs) {
  auto g1 = Parse(lhs);
  if (!g1) return g1.error();
  auto g2 = Parse(rhs);
  if (!g2) return g2.error();
  const std::size_t n = g1->size(), m = g2->size();
  if ((n + 1) * (m + 1) > kMaxProductStates)
    return MakeError(RegoError::kEvalBuiltin, "globs too large to intersect");
  std::vector<bool> seen((n + 1) * (m + 1), false);
  std::deque<std::pair<std::size_t, std::size_t>> queue;
  auto push = [&](std::size_t i, std::size_t j) {
    std::size_t k = i * (m + 1) + j;
    if (!seen[k]) {
      seen[k] = true;
      queue.emplace_back(i, j);
    }
  };
  push(0, 0);
  while (!queue.empty()) {
    auto [i, j] = queue.front();
    queue.pop_front();
    if (i == n && j == m) return true;
    if (i < n && (*g1)[i].flag == Flag::kStar) push(i + 1, j);
    if (j < m && (*g2)[j].flag == Flag::kStar) push(i, j + 1);
    if (i < n && j < m && Overlap((*g1)[i], (*g2)[j])) {
      push((*g1)[i].flag == Flag::kStar ? i : i + 1, (*g2)[j].flag == Flag::kStar ? j : j + 1);
    }
  }
  return false;
}

}  // namespace gatehouse::rego
