#include "gatehouse/verify_rego_tests.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "common/common_errors.h"
#include "common/duration.h"
#include "common/go_text.h"
#include "gatehouse/policy_files.h"
#include "rego/ast.h"
#include "rego/engine.h"
#include "rego/parser.h"
#include "rego/rego_errors.h"

namespace gatehouse::app {

std::string OpaErrorText(const Error& error, const std::vector<rego::SourceFile>& sources);

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kTestPrefix = "test_";       // tester.TestPrefix
constexpr std::string_view kSkipPrefix = "todo_test_";  // tester.SkipTestPrefix
constexpr auto kTestTimeout = std::chrono::seconds(5);  // opa test --timeout default

// "DIR/..." (gator's recursive form) is DIR; opa reads directories recursively anyway.
std::string StripRecursive(const std::string& path) {
  if (path.size() > 4 && path.ends_with("/...")) return path.substr(0, path.size() - 4);
  return path;
}

// A path component starting with '.' (not "." or ".."), as LoadPolicyFiles skips them.
bool IsHidden(const fs::path& relative) {
  for (const auto& part : relative) {
    const std::string name = part.string();
    if (name.size() > 1 && name[0] == '.' && name != "..") return true;
  }
  return false;
}

bool IsTestFile(const fs::path& path) { return path.filename().string().ends_with("_test.rego"); }

// Go's path/filepath.Clean (Unix), the names filepath.Join gives to files found in a directory.
std::string GoCleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    const std::size_t j = std::min(path.find('/', i), path.size());
    const std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

// --- OPA's text for refs (ast.Ref.String) -----------------------------------------------------

bool IsVarName(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s.front())) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

bool IsKeyword(std::string_view s) {
  static constexpr std::string_view kKeywords[] = {
      "not", "package", "import", "as", "default", "else", "with", "null", "true", "false", "some"};
  return std::find(std::begin(kKeywords), std::end(kKeywords), s) != std::end(kKeywords);
}

// A Go-quoted string (strconv.Quote for the characters a rule name can hold).
std::string Quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// One part of a ref after its head: `.name` or `["text"]` / `[1]`.
struct RefPart {
  bool is_string = true;
  std::string text;  // the string, or the term's text
};

std::string RefPartText(const RefPart& p) {
  if (!p.is_string) return "[" + p.text + "]";
  if (IsVarName(p.text) && !IsKeyword(p.text)) return "." + p.text;
  return "[" + Quote(p.text) + "]";
}

std::string RefText(std::string_view head, const std::vector<RefPart>& parts) {
  std::string out(head);
  for (const RefPart& p : parts) out += RefPartText(p);
  return out;
}

// --- errors in OPA's words --------------------------------------------------------------------

// The text of the source line `row` (1-based) of `text`, without its newline.
std::string_view SourceLine(std::string_view text, std::uint32_t row) {
  std::size_t begin = 0;
  for (std::uint32_t r = 1; r < row; ++r) {
    const std::size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) return {};
    begin = nl + 1;
  }
  const std::size_t end = std::min(text.find('\n', begin), text.size());
  return text.substr(begin, end - begin);
}

// loader.Errors and ast.Errors: "1 error occurred[ during loading]: x" or "N errors ...:\n...".
std::string JoinErrors(const std::vector<std::string>& errors, std::string_view context) {
  if (errors.size() == 1) return "1 error occurred" + std::string(context) + ": " + errors[0];
  std::string out = std::to_string(errors.size()) + " errors occurred" + std::string(context) + ":";
  for (const std::string& e : errors) out += "\n" + e;
  return out;
}

// --- discovery --------------------------------------------------------------------------------

// One test rule, as tester.Runner finds it.
struct TestCase {
  std::string file;       // the module's name (the per-file header)
  std::string package;    // "data.pkg"
  std::string name;       // the rule ref up to the test name: "test_x", "test_x#01", "a.test_b"
  std::string full_name;  // data.pkg.test_x: the query, and what --run matches
  bool skip = false;      // todo_test_*
  bool partial_object = false;
};

bool IsScalar(rego::TermKind k) {
  return k == rego::TermKind::kString || k == rego::TermKind::kNumber ||
         k == rego::TermKind::kBool || k == rego::TermKind::kNull;
}

std::string ScalarText(const rego::Ast& ast, const rego::Term& t) {
  switch (t.kind) {
    case rego::TermKind::kNumber:
      return std::string(ast.NumberText(t));
    case rego::TermKind::kBool:
      return ast.Constant(t).AsBool().value_or(false) ? "true" : "false";
    case rego::TermKind::kNull:
      return "null";
    case rego::TermKind::kString: {
      const std::string* s = ast.Constant(t).AsString();
      return s != nullptr ? Quote(*s) : "\"\"";
    }
    default:
      return {};
  }
}

// Finds the tests of `module` (ruleName, shouldRun), renaming second and later definitions of a
// test_* name as rewriteDuplicateTestNames does (`count` is shared by all modules, keyed by the
// full name). Appends them in rule order.
void CollectTests(rego::Module& module, std::map<std::string, int>& count,
                  std::vector<TestCase>& out) {
  rego::Ast& ast = module.ast;
  std::vector<RefPart> package_parts;
  for (const std::string& s : module.package.segments) package_parts.push_back({true, s});
  const std::string package = RefText("data", package_parts);
  for (const rego::Rule& rule : module.rules) {
    if (rule.kind == rego::RuleKind::kFunction) continue;
    const std::span<const rego::TermId> ref = ast.Children(ast.term(rule.ref));
    if (ref.empty() || ast.term(ref[0]).kind != rego::TermKind::kVar) continue;
    // The ground prefix: the head var and the scalar parts up to the first variable part.
    std::size_t ground = 1;
    while (ground < ref.size() && IsScalar(ast.term(ref[ground]).kind)) ++ground;
    std::optional<std::size_t> at;
    std::string name;
    for (std::size_t i = 0; i < ground && !at; ++i) {
      const rego::Term& t = ast.term(ref[i]);
      std::string n;
      if (t.kind == rego::TermKind::kVar) {
        n = std::string(ast.VarName(t));
      } else if (t.kind == rego::TermKind::kString && ast.Constant(t).AsString() != nullptr) {
        n = *ast.Constant(t).AsString();
      }
      if (n.starts_with(kTestPrefix) || n.starts_with(kSkipPrefix)) {
        at = i;
        name = n;
      }
    }
    if (!at) continue;
    auto parts_after_head = [&](std::size_t last) {
      std::vector<RefPart> parts;
      for (std::size_t i = 1; i <= last; ++i) {
        const rego::Term& t = ast.term(ref[i]);
        if (t.kind == rego::TermKind::kString && ast.Constant(t).AsString() != nullptr) {
          parts.push_back({true, *ast.Constant(t).AsString()});
        } else {
          parts.push_back({false, ScalarText(ast, t)});
        }
      }
      return parts;
    };
    auto full_name = [&] {
      std::vector<RefPart> parts = package_parts;
      parts.push_back({true, std::string(ast.VarName(ast.term(ref[0])))});
      for (RefPart& p : parts_after_head(*at)) parts.push_back(std::move(p));
      return RefText("data", parts);
    };
    if (name.starts_with(kTestPrefix)) {
      const std::string key = full_name();
      if (auto it = count.find(key); it != count.end()) {
        char suffix[16];
        std::snprintf(suffix, sizeof suffix, "#%02d", it->second);
        const std::string renamed = name + suffix;
        rego::Term& t = ast.terms[ref[*at]];
        if (*at == 0) {
          ast.names.push_back(renamed);
          t.first = static_cast<std::uint32_t>(ast.names.size() - 1);
        } else {
          ast.constants.emplace_back(renamed);
          t.first = static_cast<std::uint32_t>(ast.constants.size() - 1);
        }
      }
      ++count[key];
    }
    TestCase tc;
    tc.file = module.filename;
    tc.package = package;
    tc.name = RefText(ast.VarName(ast.term(ref[0])), parts_after_head(*at));
    tc.full_name = full_name();
    tc.skip = name.starts_with(kSkipPrefix);
    tc.partial_object = rule.kind == rego::RuleKind::kSingleValue && ground < ref.size();
    out.push_back(std::move(tc));
  }
}

// --- running ----------------------------------------------------------------------------------

// A sub-result of a test over cases (`test_x[name] if`): tester.SubResult.
struct SubResult {
  std::string name;
  bool fail = false;
  std::vector<SubResult> children;  // sorted by name
};

struct TestResult {
  const TestCase* test = nullptr;
  bool fail = false;
  std::string error;  // non-empty: ERROR
  std::chrono::nanoseconds duration{0};
  std::string output;  // print() lines
  std::vector<SubResult> sub_results;

  bool Pass() const { return !fail && !test->skip && error.empty(); }
  std::string Outcome() const {
    if (Pass()) return "PASS";
    if (fail) return "FAIL";
    if (test->skip) return "SKIPPED";
    return "ERROR";
  }
  // Result.string(false).
  std::string Line() const {
    const std::string head = test->package + "." + test->name + ": " + Outcome();
    if (test->skip) return head;
    return head + " (" + FormatDuration(duration) + ")";
  }
};

// The key as Go's map[string]any holds it: strings as they are, other keys as their JSON.
std::string KeyText(const rego::Value& key) {
  return key.is_string() ? std::string(key.AsString()) : rego::ToJsonText(key);
}

SubResult MakeSubResult(std::string name, const rego::Value& v);

// subResults: one per member of the object value; true when any failed.
bool MakeSubResults(const rego::Value& object, std::vector<SubResult>& out) {
  bool fail = false;
  for (const auto& [key, v] : object.Members()) {
    out.push_back(MakeSubResult(KeyText(key), v));
    fail = fail || out.back().fail;
  }
  std::sort(out.begin(), out.end(),
            [](const SubResult& a, const SubResult& b) { return a.name < b.name; });
  return fail;
}

SubResult MakeSubResult(std::string name, const rego::Value& v) {
  SubResult sr;
  sr.name = std::move(name);
  if (v.is_object()) {
    sr.fail = MakeSubResults(v, sr.children);
  } else if (v.is_bool()) {
    sr.fail = !*v.AsBool();
  } else {
    sr.fail = true;
  }
  return sr;
}

TestResult RunTest(const std::shared_ptr<const rego::CompiledPolicy>& policy,
                   const TestCase& test) {
  TestResult r;
  r.test = &test;
  if (test.skip) return r;
  const auto start = Clock::now();
  auto query = rego::PreparedQuery::Prepare(policy, test.full_name, rego::RegoVersion::kV1);
  Result<rego::ResultSet> rs =
      query ? Result<rego::ResultSet>(rego::ResultSet{}) : Result<rego::ResultSet>(query.error());
  if (query) {
    rego::EvalOptions options;
    options.print = [&r](std::string_view line) {
      r.output += line;
      r.output += '\n';
    };
    options.max_steps = std::numeric_limits<std::uint64_t>::max();  // opa has the deadline only
    options.deadline = Clock::now() + kTestTimeout;
    rs = query->Eval(options);
  }
  r.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
  if (!rs && rs.error().code == rego::RegoError::kEvalCancel &&
      rs.error().message == "evaluation exceeded its deadline") {
    r.error = "eval_cancel_error: caller cancelled query execution";  // opa's words on --timeout
  } else if (!rs) {
    r.error = OpaErrorText(rs.error(), {});
  } else if (rs->empty() || rs->front().expressions.empty()) {
    r.fail = true;
  } else if (const rego::Value& v = rs->front().expressions.front(); test.partial_object) {
    if (v.is_object()) {
      r.fail = MakeSubResults(v, r.sub_results);
    } else {
      r.fail = true;
    }
  } else {
    r.fail = !(v.is_bool() && *v.AsBool());
  }
  return r;
}

// --- reporting (tester.PrettyReporter) --------------------------------------------------------

const std::string kRule(80, '-');

// Depth-first over the sub-results, keys sorted: f(full name, sub-result).
template <typename F>
void EachSubResult(const std::vector<SubResult>& list, std::vector<std::string>& prefix, F&& f) {
  for (const SubResult& sr : list) {
    prefix.push_back(sr.name);
    f(prefix, sr);
    EachSubResult(sr.children, prefix, f);
    prefix.pop_back();
  }
}

// The indentingWriter: `indent` spaces before every line's first byte.
std::string Indent(std::string_view text, std::size_t indent) {
  std::string out;
  bool at_start = true;
  for (const char c : text) {
    if (at_start) out.append(indent, ' ');
    out += c;
    at_start = c == '\n';
  }
  return out;
}

std::string Report(const std::vector<TestResult>& results, bool verbose) {
  int pass = 0;
  int fail = 0;
  int skip = 0;
  int errs = 0;
  std::vector<const TestResult*> failures;
  for (const TestResult& tr : results) {
    if (tr.test->skip) {
      ++skip;
    } else if (!tr.error.empty()) {
      ++errs;
    } else {
      if (tr.fail) failures.push_back(&tr);
      if (!tr.sub_results.empty()) {
        std::vector<std::string> prefix;
        EachSubResult(tr.sub_results, prefix,
                      [&](const std::vector<std::string>&, const SubResult& sr) {
                        if (sr.children.empty()) ++(sr.fail ? fail : pass);
                      });
      } else if (tr.Pass()) {
        ++pass;
      } else if (tr.fail) {
        ++fail;
      }
    }
  }

  std::string out;
  // The FAILURES section (verbose). opa also prints each failure's evaluation trace here; this
  // engine keeps no trace, so the trace lines are absent.
  if (fail > 0 && verbose) {
    out += "FAILURES\n" + kRule + "\n";
    for (const TestResult* f : failures) {
      out += f->Line() + "\n";
      out += "\n";  // printFailure: a blank line, then the trace
      if (!f->sub_results.empty()) {
        out += "\n";
        std::vector<std::string> prefix;
        EachSubResult(f->sub_results, prefix,
                      [&](const std::vector<std::string>& full, const SubResult& sr) {
                        if (!sr.fail || !sr.children.empty()) return;
                        std::size_t indent = 2;
                        for (const std::string& n : full) {
                          out += std::string(indent, ' ') + n + ": FAIL\n";
                          indent += 2;
                        }
                      });
      }
      out += "\n";
    }
    out += "SUMMARY\n" + kRule + "\n";
  }

  bool dirty = false;
  std::string last_file;
  for (const TestResult& tr : results) {
    if (verbose || !tr.Pass()) {
      if (tr.test->file != last_file) {
        if (!last_file.empty()) out += "\n";
        out += tr.test->file + ":\n";
        last_file = tr.test->file;
      }
      dirty = true;
      out += tr.Line() + "\n";
      std::vector<std::string> prefix;
      EachSubResult(tr.sub_results, prefix,
                    [&](const std::vector<std::string>& full, const SubResult& sr) {
                      if (!sr.fail && !verbose) return;
                      out += "  " + std::string(2 * (full.size() - 1), ' ') + sr.name + ": " +
                             (sr.fail ? "FAIL" : "PASS") + "\n";
                    });
      if (!tr.output.empty()) {
        out += "\n";
        out += Indent(std::string(GoTrimSpace(tr.output)) + "\n", 2);
        out += "\n";
      }
    }
    if (!tr.error.empty()) out += "  " + tr.error + "\n";
  }

  if (dirty) out += kRule + "\n";
  const int total = pass + fail + skip + errs;
  auto count = [&](std::string_view label, int n) {
    if (n != 0)
      out += std::string(label) + " " + std::to_string(n) + "/" + std::to_string(total) + "\n";
  };
  count("PASS:", pass);
  count("FAIL:", fail);
  count("SKIPPED:", skip);
  count("ERROR:", errs);
  return out;
}

// --- the --run filter -------------------------------------------------------------------------

// Go's regexp/syntax words for RE2's error codes (the two parsers share their design).
std::string_view GoRegexpError(re2::RE2::ErrorCode code) {
  switch (code) {
    case re2::RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case re2::RE2::ErrorBadCharClass:
      return "invalid character class";
    case re2::RE2::ErrorBadCharRange:
      return "invalid character class range";
    case re2::RE2::ErrorMissingBracket:
      return "missing closing ]";
    case re2::RE2::ErrorMissingParen:
      return "missing closing )";
    case re2::RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case re2::RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case re2::RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case re2::RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case re2::RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case re2::RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case re2::RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case re2::RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case re2::RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "regexp/syntax: internal error";
  }
}

// regexp.Compile: the error is Go's "error parsing regexp: <what>: `<where>`".
Result<std::unique_ptr<re2::RE2>> CompileFilter(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_max_mem(8 << 20);
  auto re = std::make_unique<re2::RE2>(pattern, options);
  if (!re->ok()) {
    return MakeError(CommonError::kInvalidArgument,
                     "error parsing regexp: " + std::string(GoRegexpError(re->error_code())) +
                         ": `" + re->error_arg() + "`");
  }
  return re;
}

// --- loading ----------------------------------------------------------------------------------

struct Loaded {
  std::vector<rego::SourceFile> modules;  // sorted by name, one per name
  std::vector<rego::SourceFile> data;
};

// The files opa's loader reads: a directory's files named as filepath.Join names them, a file as
// given; a file named twice is one module (the loader keys modules by name).
Loaded LoadFiles(const std::vector<std::string>& paths, std::vector<std::string>& errors) {
  std::map<std::string, rego::SourceFile> by_key;  // loader.CleanPath(name): sorted
  Loaded out;
  for (const std::string& arg : paths) {
    const std::string root = StripRecursive(arg);
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      errors.push_back("stat " + root + ": no such file or directory");
      continue;
    }
    Result<PolicyFiles> files = LoadPolicyFiles({root});
    if (!files) {
      errors.push_back(files.error().message);
      continue;
    }
    const bool dir = fs::is_directory(st);
    for (rego::SourceFile& m : files->modules) {
      if (dir) m.filename = GoCleanPath(m.filename);
      std::string key = m.filename;
      key.erase(0, key.find_first_not_of('/'));
      while (!key.empty() && key.back() == '/') key.pop_back();
      by_key[key] = std::move(m);
    }
    for (rego::SourceFile& d : files->data) out.data.push_back(std::move(d));
  }
  for (auto& [key, m] : by_key) out.modules.push_back(std::move(m));
  return out;
}

}  // namespace

// OPA's ast.Error text "file:row: code: message" for an engine error "file:row:col: message"
// (parse and compile errors); parse errors get OPA's detail lines (the source line and a caret
// under the column, ast.ParserErrorDetail). Evaluation errors already read "file:row: code: ...".
std::string OpaErrorText(const Error& error, const std::vector<rego::SourceFile>& sources) {
  const std::string code(error.code.wire());
  const std::string& m = error.message;
  const rego::SourceFile* source = nullptr;
  for (const rego::SourceFile& s : sources) {
    if (m.starts_with(s.filename + ":") &&
        (source == nullptr || s.filename.size() > source->filename.size())) {
      source = &s;
    }
  }
  if (source != nullptr) {
    std::size_t i = source->filename.size() + 1;
    auto number = [&](std::uint32_t& out) {
      const std::size_t start = i;
      out = 0;
      while (i < m.size() && m[i] >= '0' && m[i] <= '9' && i - start < 9) {
        out = out * 10 + static_cast<std::uint32_t>(m[i] - '0');
        ++i;
      }
      return i > start;
    };
    std::uint32_t row = 0;
    std::uint32_t col = 0;
    if (number(row) && i < m.size() && m[i] == ':') {
      ++i;
      if (number(col) && m.compare(i, 2, ": ") == 0) {
        std::string out =
            source->filename + ":" + std::to_string(row) + ": " + code + ": " + m.substr(i + 2);
        if (error.code == rego::RegoError::kParse) {
          const std::string_view line = SourceLine(source->text, row);
          const std::size_t tabs = line.find_first_not_of('\t');
          const std::string_view trimmed =
              tabs == std::string_view::npos ? std::string_view() : line.substr(tabs);
          const std::size_t leading = line.size() - trimmed.size();
          const std::size_t idx = col > 0 ? col - 1 : 0;
          const std::size_t indent = idx > leading ? idx - leading : 0;
          out += "\n\t" + std::string(trimmed) + "\n\t" + std::string(indent, ' ') + "^";
        }
        return out;
      }
    }
  }
  if (!code.empty() && m.find(code) != std::string::npos) return m;
  return code.empty() ? m : error.ToString();
}

bool HasRegoTests(const std::vector<std::string>& paths) {
  for (const std::string& arg : paths) {
    const std::string root = StripRecursive(arg);
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec) continue;
    if (fs::is_regular_file(st)) {
      if (IsTestFile(root)) return true;
      continue;
    }
    if (!fs::is_directory(st)) continue;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (IsHidden(fs::relative(it->path(), root, ec))) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && IsTestFile(it->path())) return true;
    }
  }
  return false;
}

int RunRegoTests(const std::vector<std::string>& paths, const std::string& run, bool verbose) {
  // Loading (tester.LoadWithParserOptions): every file read and parsed, errors gathered.
  std::vector<std::string> errors;
  const Loaded loaded = LoadFiles(paths, errors);
  std::vector<rego::Module> modules;
  for (const rego::SourceFile& f : loaded.modules) {
    auto m = rego::ParseModule(f.filename, f.text, rego::RegoVersion::kV1);
    if (!m) {
      errors.push_back(OpaErrorText(m.error(), loaded.modules));
      continue;
    }
    modules.push_back(std::move(*m));
  }
  std::optional<rego::Value> data;
  if (errors.empty()) {
    Result<rego::Value> d = rego::LoadDataDocuments(loaded.data);
    if (d) {
      data = std::move(*d);
    } else {
      errors.push_back(d.error().message);
    }
  }
  if (!errors.empty()) {
    std::cerr << JoinErrors(errors, " during loading") << "\n";
    return 1;
  }

  // The runner: the --run filter first, then the compiler.
  std::unique_ptr<re2::RE2> filter;
  if (!run.empty()) {
    Result<std::unique_ptr<re2::RE2>> re = CompileFilter(run);
    if (!re) {
      std::cerr << re.error().message << "\n";
      return 1;
    }
    filter = std::move(*re);
  }
  std::vector<TestCase> tests;
  std::map<std::string, int> count;
  for (rego::Module& m : modules) CollectTests(m, count, tests);
  rego::CompileOptions options;
  options.version = rego::RegoVersion::kV1;
  auto policy = rego::CompilePolicy(std::move(modules), std::move(*data), options);
  if (!policy) {
    std::cerr << JoinErrors({OpaErrorText(policy.error(), loaded.modules)}, "") << "\n";
    return 1;
  }

  std::vector<TestResult> results;
  for (const TestCase& t : tests) {
    if (filter && !re2::RE2::PartialMatch(t.full_name, *filter)) continue;
    results.push_back(RunTest(*policy, t));
  }
  std::cout << Report(results, verbose) << std::flush;
  const bool all_passed =
      std::all_of(results.begin(), results.end(), [](const TestResult& r) { return r.Pass(); });
  return all_passed ? 0 : 2;
}

}  // namespace gatehouse::app

namespace gatehouse::app {

Result<std::vector<ConftestTestOutcome>> RunRegoTestsAsConftest(
    const std::vector<std::string>& policy, const std::vector<std::string>& data,
    rego::RegoVersion version) {
  std::vector<std::string> errors;
  Loaded loaded = LoadFiles(policy, errors);
  std::vector<rego::SourceFile> data_files;
  for (const std::string& d : data) {
    std::error_code ec;
    if (!fs::exists(d, ec)) {
      errors.push_back("stat " + d + ": no such file or directory");
      continue;
    }
    Result<PolicyFiles> files = LoadPolicyFiles({d});
    if (!files) {
      errors.push_back(files.error().message);
      continue;
    }
    for (rego::SourceFile& f : files->data) data_files.push_back(std::move(f));
  }
  std::vector<rego::Module> modules;
  for (const rego::SourceFile& f : loaded.modules) {
    auto m = rego::ParseModule(f.filename, f.text, version);
    if (!m) {
      errors.push_back(OpaErrorText(m.error(), loaded.modules));
      continue;
    }
    modules.push_back(std::move(*m));
  }
  if (!errors.empty()) {
    return MakeError(CommonError::kInvalidArgument,
                     "load: " + JoinErrors(errors, " during loading"));
  }
  Result<rego::Value> base = rego::LoadDataDocuments(data_files);
  if (!base) return MakeError(base.error().code, "load: load documents: " + base.error().message);
  std::vector<TestCase> tests;
  std::map<std::string, int> count;
  for (rego::Module& m : modules) CollectTests(m, count, tests);
  rego::CompileOptions options;
  options.version = version;
  auto compiled = rego::CompilePolicy(std::move(modules), std::move(*base), options);
  if (!compiled) {
    return MakeError(
        compiled.error().code,
        "load: get compiler: " + JoinErrors({OpaErrorText(compiled.error(), loaded.modules)}, ""));
  }
  std::vector<ConftestTestOutcome> out;
  for (const TestCase& t : tests) {
    TestResult r = RunTest(*compiled, t);
    if (!r.error.empty()) return MakeError(CommonError::kInvalidArgument, "run test: " + r.error);
    out.push_back({t.file, t.full_name, r.fail, t.skip, r.output});
  }
  return out;
}

}  // namespace gatehouse::app
