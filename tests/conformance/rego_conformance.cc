// OPA conformance runner: `rego_conformance [--skip-list FILE] [--filter TEXT] [-v] [DIR...]`.
//
// Without DIR it runs $GATEHOUSE_CONFORMANCE_DIR/opa-v1/cases (default
// <repo>/../shared/conformance/opa-v1/cases); when that folder is absent it says so and exits
// with 77, which ctest reports as skipped. A DIR that is named and absent is an error (exit 2).
//
// Runs every case of every *.json file under the directories the way OPA's test/cases runner
// does: modules are named test-<i>.rego and parsed as Rego v1; `data`, `input` (JSON) or
// `input_term` (Rego text); `strict_error` turns on strict builtin errors. Results are compared
// as a set of binding objects after a JSON round trip (sets become sorted arrays), with
// `sort_bindings` sorting array values; `want_error_code` must equal the error's code and
// `want_error` must be a substring of its text. Prints one line per failure and
// "N passed, N failed, N skipped"; exits 0 only when nothing failed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conformance_dir.h"
#include "rego/engine.h"
#include "rego/parser.h"
#include "rego/value.h"
#include "value/json.h"

namespace fs = std::filesystem;
using gatehouse::Error;
using gatehouse::rego::Value;

namespace {

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Value Normalize(const Value& v, bool sort_arrays) {
  Value j = gatehouse::rego::FromJson(gatehouse::rego::ToJson(v));
  if (sort_arrays && j.is_array()) {
    std::vector<Value> items(j.Items().begin(), j.Items().end());
    std::sort(items.begin(), items.end());
    j = Value::Array(std::move(items));
  }
  return j;
}

struct Outcome {
  bool pass = false;
  std::string why;
};

std::string Brief(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (s.size() > 300) s = s.substr(0, 300) + "...";
  return s;
}

Outcome CheckError(const gatehouse::value::Value& c, const Error& err) {
  const auto* code = c.Find("want_error_code");
  const auto* text = c.Find("want_error");
  if (code == nullptr && text == nullptr) {
    return {false, "unexpected error: " + Brief(err.ToString())};
  }
  if (code != nullptr && code->AsString() && *code->AsString() != err.code.wire()) {
    return {false, "want error code " + *code->AsString() + ", got " + Brief(err.ToString())};
  }
  if (text != nullptr && text->AsString()) {
    std::string full = err.ToString();
    if (full.find(*text->AsString()) == std::string::npos) {
      return {false, "want error containing '" + *text->AsString() + "', got " + Brief(full)};
    }
  }
  return {true, ""};
}

Outcome RunCase(const gatehouse::value::Value& c) {
  using namespace gatehouse::rego;
  std::vector<Module> modules;
  if (const auto* mods = c.Find("modules"); mods != nullptr && mods->AsArray()) {
    int i = 0;
    for (const auto& m : *mods->AsArray()) {
      if (!m.AsString()) continue;
      auto parsed =
          ParseModule("test-" + std::to_string(i++) + ".rego", *m.AsString(), RegoVersion::kV1);
      if (!parsed) return CheckError(c, parsed.error());
      modules.push_back(std::move(*parsed));
    }
  }
  Value data = Value::EmptyObject();
  if (const auto* d = c.Find("data"); d != nullptr) data = FromJson(*d);
  auto policy = CompilePolicy(std::move(modules), data);
  if (!policy) return CheckError(c, policy.error());
  EvalOptions opts;
  // The wall clock, as OPA's runner has it: cases with certificates that became valid after a
  // fixed instant would fail otherwise.
  opts.now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (const auto* in = c.Find("input"); in != nullptr) opts.input = FromJson(*in);
  if (const auto* it = c.Find("input_term"); it != nullptr && it->AsString()) {
    auto q = PreparedQuery::Prepare(*policy, "__input__ = " + *it->AsString());
    if (!q) return {false, "input_term: " + Brief(q.error().message)};
    auto rs = q->Eval({});
    if (!rs || rs->empty() || rs->front().bindings.empty()) {
      return {false, "input_term did not evaluate"};
    }
    opts.input = rs->front().bindings[0].second;
  }
  if (const auto* s = c.Find("strict_error"); s != nullptr && s->AsBool()) {
    opts.strict_builtin_errors = *s->AsBool();
  }
  opts.print = [](std::string_view) {};
  const auto* query = c.Find("query");
  if (query == nullptr || !query->AsString()) return {false, "no query"};
  auto prepared = PreparedQuery::Prepare(*policy, *query->AsString());
  if (!prepared) return CheckError(c, prepared.error());
  auto rs = prepared->Eval(opts);
  if (!rs) return CheckError(c, rs.error());
  if (c.Find("want_error_code") != nullptr || c.Find("want_error") != nullptr) {
    if (c.Find("want_result") == nullptr) return {false, "expected an error, got a result"};
  }
  const auto* want = c.Find("want_result");
  if (want == nullptr || !want->AsArray()) return {false, "no want_result"};
  bool sort = false;
  if (const auto* s = c.Find("sort_bindings"); s != nullptr && s->AsBool()) sort = *s->AsBool();
  std::vector<Value> exp;
  for (const auto& w : *want->AsArray()) {
    Value obj = FromJson(w);
    std::vector<Member> members;
    for (const Member& m : obj.Members()) members.emplace_back(m.first, Normalize(m.second, sort));
    exp.push_back(Value::Object(std::move(members)));
  }
  std::vector<Value> got;
  for (const QueryResult& r : *rs) {
    std::vector<Member> members;
    for (const auto& [name, v] : r.bindings) {
      members.emplace_back(Value::String(name), Normalize(v, sort));
    }
    got.push_back(Value::Object(std::move(members)));
  }
  Value es = Value::Set(exp), gs = Value::Set(got);
  if (es != gs) {
    return {false, "want " + Brief(ToRegoText(es)) + " got " + Brief(ToRegoText(gs))};
  }
  return {true, ""};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> dirs;
  std::string skip_file, filter;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--skip-list" && i + 1 < argc) {
      skip_file = argv[++i];
    } else if (a == "--filter" && i + 1 < argc) {
      filter = argv[++i];
    } else if (a == "-v") {
      verbose = true;
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    const std::string missing = gatehouse::conformance::OpaCasesMissing();
    if (!missing.empty()) {
      std::printf("SKIPPED: %s\n", missing.c_str());
      return gatehouse::conformance::kSkipExitCode;
    }
    dirs.push_back(gatehouse::conformance::OpaCasesDir().string());
  }
  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      std::fprintf(stderr, "rego_conformance: no such directory: %s\n", dir.c_str());
      return 2;
    }
  }
  std::set<std::pair<std::string, std::string>> skips;
  if (!skip_file.empty()) {
    std::ifstream in(skip_file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto t1 = line.find('\t');
      if (t1 == std::string::npos) continue;
      auto t2 = line.find('\t', t1 + 1);
      skips.emplace(line.substr(0, t1),
                    line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1));
    }
  }
  int passed = 0, failed = 0, skipped = 0;
  for (const std::string& dir : dirs) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::string rel = fs::relative(f, dir).generic_string();
      gatehouse::value::JsonLimits limits;
      limits.max_bytes = 256 << 20;
      limits.max_depth = 10000;
      auto doc = gatehouse::value::ParseJson(ReadFile(f), limits);
      if (!doc) {
        std::printf("FAIL %s: cannot parse: %s\n", rel.c_str(), doc.error().message.c_str());
        ++failed;
        continue;
      }
      const auto* cases = doc->Find("cases");
      if (cases == nullptr || !cases->AsArray()) continue;
      for (const auto& c : *cases->AsArray()) {
        std::string note =
            c.Find("note") && c.Find("note")->AsString() ? *c.Find("note")->AsString() : "";
        if (!filter.empty() && (rel + " " + note).find(filter) == std::string::npos) continue;
        if (skips.count({rel, note}) != 0) {
          ++skipped;
          continue;
        }
        Outcome o = RunCase(c);
        if (o.pass) {
          ++passed;
          if (verbose) std::printf("PASS %s\t%s\n", rel.c_str(), note.c_str());
        } else {
          ++failed;
          std::printf("FAIL %s\t%s\t%s\n", rel.c_str(), note.c_str(), o.why.c_str());
        }
        std::fflush(stdout);
      }
    }
  }
  std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed == 0 ? 0 : 1;
}
