// `-o table` (Conftest's output/table.go on olekukonko/tablewriter v1.1.4 with its defaults):
// a light box-drawing table with the header RESULT | FILE | NAMESPACE | MESSAGE centred and
// the cells left-aligned, one space of padding on each side, no line between rows. Cells are
// trimmed (strings.TrimSpace), tabs widened, and split at newlines into several lines; a
// continuation line that is blank in every column is dropped (tablewriter's TrimLine). Without
// a width limit nothing is wrapped or truncated. No rows, no output.
#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admission/bundle/output_formats.h"
#include "common/codec/utf8.h"
#include "common/go_text.h"

namespace gatehouse::admission::bundle {
namespace {

constexpr std::size_t kColumns = 4;
using Cells = std::array<std::vector<std::string>, kColumns>;  // the lines of each cell

// tablewriter measures a tab as its detected tab width, 8 when nothing says otherwise.
constexpr std::size_t kTabWidth = 8;

bool InRanges(char32_t cp, std::initializer_list<std::pair<char32_t, char32_t>> ranges) {
  for (const auto& [first, last] : ranges) {
    if (cp >= first && cp <= last) return true;
  }
  return false;
}

// Terminal columns of one code point, after clipperhouse/displaywidth with East Asian
// ambiguous characters narrow: controls, combining marks and zero-width characters take none,
// East Asian wide and fullwidth characters and emoji two. (The ranges cover the common blocks,
// not every Unicode table entry.)
std::size_t RuneWidth(char32_t cp) {
  if (cp == '\t') return kTabWidth;
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  if (InRanges(cp, {{0x0300, 0x036F},
                    {0x0483, 0x0489},
                    {0x0591, 0x05BD},
                    {0x0610, 0x061A},
                    {0x064B, 0x065F},
                    {0x0E31, 0x0E31},
                    {0x0E34, 0x0E3A},
                    {0x0E47, 0x0E4E},
                    {0x1AB0, 0x1AFF},
                    {0x1DC0, 0x1DFF},
                    {0x200B, 0x200F},
                    {0x202A, 0x202E},
                    {0x2060, 0x2064},
                    {0x20D0, 0x20FF},
                    {0xFE00, 0xFE0F},
                    {0xFE20, 0xFE2F},
                    {0xFEFF, 0xFEFF},
                    {0xE0100, 0xE01EF}})) {
    return 0;
  }
  if (InRanges(cp, {{0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
                    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
                    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
                    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
                    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
                    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
                    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
                    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
                    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
                    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
                    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
                    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
                    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
                    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F},
                    {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
                    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}})) {
    return 2;
  }
  return 1;
}

// The length of the ANSI CSI (ESC [ ... final) or OSC (ESC ] ... BEL or ESC \) sequence at
// `i`, which tablewriter strips before measuring; 0 when none starts there.
std::size_t AnsiSequenceLength(std::string_view s, std::size_t i) {
  if (s[i] != '\x1b' || i + 1 >= s.size()) return 0;
  std::size_t j = i + 2;
  if (s[i + 1] == '[') {
    while (j < s.size() && s[j] >= 0x30 && s[j] <= 0x3F) ++j;
    while (j < s.size() && s[j] >= 0x20 && s[j] <= 0x2F) ++j;
    if (j < s.size() && s[j] >= 0x40 && s[j] <= 0x7E) return j + 1 - i;
    return 0;
  }
  if (s[i + 1] == ']') {
    for (; j < s.size(); ++j) {
      if (s[j] == '\x07') return j + 1 - i;
      if (s[j] == '\x1b' && j + 1 < s.size() && s[j + 1] == '\\') return j + 2 - i;
    }
  }
  return 0;
}

std::size_t DisplayWidth(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t skip = AnsiSequenceLength(s, i); skip > 0) {
      i += skip;
      continue;
    }
    width += RuneWidth(codec::DecodeUtf8(s, i));
  }
  return width;
}

// tablewriter's prepareContent for one cell: trimmed, tabs widened, split at newlines.
std::vector<std::string> CellLines(std::string_view content) {
  std::string text(GoTrimSpace(content));
  std::string widened;
  for (char c : text) {
    if (c == '\t') {
      widened.append(kTabWidth, ' ');
    } else {
      widened += c;
    }
  }
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = widened.find('\n', start);
    lines.push_back(widened.substr(start, newline - start));
    if (newline == std::string::npos) break;
    start = newline + 1;
  }
  return lines;
}

void AppendRule(std::string& out, const std::array<std::size_t, kColumns>& widths,
                std::string_view left, std::string_view middle, std::string_view right) {
  out += left;
  for (std::size_t c = 0; c < kColumns; ++c) {
    if (c > 0) out += middle;
    for (std::size_t k = 0; k < widths[c]; ++k) out += "─";
  }
  out += right;
  out += '\n';
}

// One visual line; `widths` include the padding. Blueprint.formatCell: left alignment puts the
// content after the left pad; centring puts half the free space (rounded down) before it.
void AppendLine(std::string& out, const std::array<std::size_t, kColumns>& widths,
                const std::array<std::string_view, kColumns>& texts, bool centred) {
  out += "│";
  for (std::size_t c = 0; c < kColumns; ++c) {
    if (c > 0) out += "│";
    const std::size_t free = widths[c] - DisplayWidth(texts[c]);  // at least the two pads
    const std::size_t before = centred ? (free - 2) / 2 + 1 : 1;
    out.append(before, ' ');
    out += texts[c];
    out.append(free - before, ' ');
  }
  out += "│\n";
}

}  // namespace

std::string RenderTable(const std::vector<CheckResult>& results) {
  std::vector<Cells> rows;
  auto add = [&](std::string_view kind, const CheckResult& result, std::string_view message) {
    rows.push_back(Cells{CellLines(kind), CellLines(result.filename), CellLines(result.namespace_),
                         CellLines(message)});
  };
  for (const CheckResult& result : results) {
    for (std::int64_t i = 0; i < result.successes; ++i) add("success", result, "SUCCESS");
    for (const CheckMessage& m : result.exceptions) add("exception", result, m.msg);
    for (const CheckMessage& m : result.warnings) add("warning", result, m.msg);
    for (const CheckMessage& m : result.skipped) add("skipped", result, m.msg);
    for (const CheckMessage& m : result.failures) add("failure", result, m.msg);
  }
  if (rows.empty()) return "";

  // The header after tablewriter's AutoFormat (upper case) of "result", "file", ...
  const std::array<std::string_view, kColumns> header = {"RESULT", "FILE", "NAMESPACE", "MESSAGE"};
  std::array<std::size_t, kColumns> widths{};
  for (std::size_t c = 0; c < kColumns; ++c) widths[c] = DisplayWidth(header[c]);
  for (const Cells& row : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) {
      for (const std::string& line : row[c]) widths[c] = std::max(widths[c], DisplayWidth(line));
    }
  }
  for (std::size_t& width : widths) width += 2;

  std::string out;
  AppendRule(out, widths, "┌", "┬", "┐");
  AppendLine(out, widths, header, true);
  AppendRule(out, widths, "├", "┼", "┤");
  for (const Cells& row : rows) {
    std::size_t height = 0;
    for (const auto& cell : row) height = std::max(height, cell.size());
    for (std::size_t j = 0; j < height; ++j) {
      std::array<std::string_view, kColumns> texts{};
      bool blank = true;
      for (std::size_t c = 0; c < kColumns; ++c) {
        if (j < row[c].size()) texts[c] = row[c][j];
        blank = blank && GoTrimSpace(texts[c]).empty();
      }
      if (j > 0 && blank) continue;
      AppendLine(out, widths, texts, false);
    }
  }
  AppendRule(out, widths, "└", "┴", "┘");
  return out;
}

}  // namespace gatehouse::admission::bundle
