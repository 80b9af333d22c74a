#include "admission/gator_suite.h"

#include <re2/re2.h>

#include <algorithm>

#include "admission/admission_errors.h"

namespace gatehouse::admission {
namespace {

std::string StringAt(const value::Value& v, std::string_view key) {
  const value::Value* f = v.Find(key);
  return f != nullptr && f->is_string() ? *f->AsString() : std::string();
}

bool BoolAt(const value::Value& v, std::string_view key) {
  const value::Value* f = v.Find(key);
  return f != nullptr && f->AsBool().value_or(false);
}

Error Invalid(std::string what) {
  return MakeError(AdmissionError::kInvalidSuite, std::move(what));
}

Result<SuiteAssertion> ParseAssertion(const value::Value& a) {
  SuiteAssertion out;
  if (const value::Value* m = a.Find("message"); m != nullptr && m->is_string()) {
    out.message = *m->AsString();
  }
  const value::Value* v = a.Find("violations");
  if (v == nullptr || v->is_null()) return out;
  if (const std::string* s = v->AsString()) {
    if (*s == "yes") return out;
    if (*s == "no") {
      out.count = SuiteAssertion::Count::kNo;
      return out;
    }
  } else if (std::optional<std::int64_t> n = v->AsInt(); n && *n >= 0) {
    out.count = SuiteAssertion::Count::kExactly;
    out.exactly = *n;
    return out;
  }
  return Invalid(
      "invalid yaml: assertion.violation, if set, must be a nonnegative integer, \"yes\", or "
      "\"no\"");
}

Result<std::shared_ptr<const re2::RE2>> Compile(std::string_view pattern) {
  if (pattern.empty()) return std::shared_ptr<const re2::RE2>();
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<re2::RE2>(pattern, options);
  if (!re->ok()) {
    return Invalid("invalid test filter: error parsing regexp: " + re->error());
  }
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

std::string Messages(const std::vector<std::string>& messages) {
  std::string out = "[";
  for (std::size_t i = 0; i < messages.size(); ++i) out += (i ? " " : "") + messages[i];
  return out + "]";
}

// Go's %q of a string (printable ASCII kept; quotes and backslashes escaped).
std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace

bool IsSuiteDocument(const value::Value& doc) {
  return StringAt(doc, "kind") == "Suite" &&
         StringAt(doc, "apiVersion").starts_with("test.gatekeeper.sh/");
}

Result<GatorSuite> ParseGatorSuite(const value::Value& doc) {
  if (!IsSuiteDocument(doc)) return Invalid("not a test.gatekeeper.sh Suite");
  GatorSuite suite;
  suite.skip = BoolAt(doc, "skip");
  const value::Value* tests = doc.Find("tests");
  if (tests == nullptr || !tests->is_array()) return suite;
  for (const value::Value& t : *tests->AsArray()) {
    SuiteTest test;
    test.name = StringAt(t, "name");
    test.template_path = StringAt(t, "template");
    test.constraint_path = StringAt(t, "constraint");
    test.invalid = BoolAt(t, "invalid");
    test.skip = BoolAt(t, "skip");
    if (const value::Value* cases = t.Find("cases"); cases != nullptr && cases->is_array()) {
      for (const value::Value& c : *cases->AsArray()) {
        SuiteCase out;
        out.name = StringAt(c, "name");
        out.object = StringAt(c, "object");
        out.skip = BoolAt(c, "skip");
        if (const value::Value* inv = c.Find("inventory"); inv != nullptr && inv->is_array()) {
          for (const value::Value& f : *inv->AsArray()) {
            if (f.is_string()) out.inventory.push_back(*f.AsString());
          }
        }
        if (const value::Value* as = c.Find("assertions"); as != nullptr && as->is_array()) {
          for (const value::Value& a : *as->AsArray()) {
            auto parsed = ParseAssertion(a);
            if (!parsed) return parsed.error();
            out.assertions.push_back(std::move(*parsed));
          }
        }
        test.cases.push_back(std::move(out));
      }
    }
    suite.tests.push_back(std::move(test));
  }
  return suite;
}

Result<SuiteFilter> SuiteFilter::Parse(std::string_view run) {
  SuiteFilter f;
  const auto split = run.find("//");
  if (split != std::string_view::npos && run.find("//", split + 2) != std::string_view::npos) {
    return Invalid("invalid test filter: a filter may include at most one \"//\"");
  }
  auto first = Compile(run.substr(0, split));
  if (!first) return first.error();
  f.test_ = std::move(*first);
  if (split != std::string_view::npos) {
    f.both_ = true;
    auto second = Compile(run.substr(split + 2));
    if (!second) return second.error();
    f.case_ = std::move(*second);
  }
  return f;
}

bool SuiteFilter::Matches(const std::shared_ptr<const re2::RE2>& re, std::string_view s) const {
  return re == nullptr || re2::RE2::PartialMatch(s, *re);
}

bool SuiteFilter::RunsTest(const SuiteTest& t) const {
  if (both_ || test_ == nullptr) return Matches(test_, t.name);
  return Matches(test_, t.name) ||
         std::any_of(t.cases.begin(), t.cases.end(),
                     [&](const SuiteCase& c) { return Matches(test_, c.name); });
}

bool SuiteFilter::RunsCase(const SuiteTest& t, const SuiteCase& c) const {
  if (both_) return Matches(test_, t.name) && Matches(case_, c.name);
  return Matches(test_, c.name) || Matches(test_, t.name);
}

Result<std::string> CheckAssertion(const SuiteAssertion& a,
                                   const std::vector<std::string>& messages) {
  std::int64_t matching = 0;
  if (a.message) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    re2::RE2 re(*a.message, options);
    if (!re.ok()) {
      return Invalid("message contains invalid regular expression: error parsing regexp: " +
                     re.error());
    }
    for (const std::string& m : messages) matching += re2::RE2::PartialMatch(m, re) ? 1 : 0;
  } else {
    matching = static_cast<std::int64_t>(messages.size());
  }
  const std::string containing = a.message ? " containing " + GoQuote(*a.message) : "";
  std::string want;
  switch (a.count) {
    case SuiteAssertion::Count::kYes:
      if (matching > 0) return std::string();
      want = "want at least 1";
      break;
    case SuiteAssertion::Count::kNo:
      if (matching == 0) return std::string();
      want = "want none";
      break;
    case SuiteAssertion::Count::kExactly:
      if (matching == a.exactly) return std::string();
      want = "want exactly " + std::to_string(a.exactly);
      break;
  }
  return "unexpected number of violations: got " + std::to_string(matching) + " violations" +
         containing + " but " + want + ": got messages " + Messages(messages);
}

}  // namespace gatehouse::admission
