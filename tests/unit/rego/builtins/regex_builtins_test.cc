// Regex (RE2, Go regexp semantics) and glob builtins, through the standard registry.
// Expectations come from OPA conformance cases and Go regexp behaviour.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "builtin_test_util.h"
#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using namespace builtin_test;  // NOLINT: test helpers

TEST(RegexBuiltins, Match) {
  EXPECT_EQ(Ok("regex.match", {S(R"(^[a-z]+\[[0-9]+\]$)"), S("foo[1]")}), B(true));
  EXPECT_EQ(Ok("regex.match", {S("^$"), S("")}), B(true));
  EXPECT_EQ(Ok("regex.match", {S(""), S("x")}), B(true));
  EXPECT_EQ(Ok("regex.match", {S("^$"), S("something")}), B(false));
  EXPECT_EQ(Ok("re_match", {S("b+"), S("abbc")}), B(true));
  // `$` is the end of text (no multi-line unless asked), as in Go.
  EXPECT_EQ(Ok("regex.match", {S("^a$"), S("a\nb")}), B(false));
  EXPECT_EQ(Ok("regex.match", {S("(?m)^b$"), S("a\nb")}), B(true));
  Error e = Err("regex.match", {S("$^[[["), S("something")});
  EXPECT_EQ(e.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(e.message.rfind("regex.match: error parsing regexp: ", 0), 0u) << e.message;
  EXPECT_EQ(Err("regex.match", {I(1), S("x")}).code, RegoError::kEvalType);
}

TEST(RegexBuiltins, PatternSizeIsLimited) {
  BuiltinContext ctx;
  ctx.limits.max_pattern_bytes = 8;
  auto r = Call("regex.match", {S("aaaaaaaaaaaa"), S("a")}, ctx);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, RegoError::kEvalBuiltin);
}

TEST(RegexBuiltins, IsValid) {
  EXPECT_EQ(Ok("regex.is_valid", {S(".+")}), B(true));
  EXPECT_EQ(Ok("regex.is_valid", {S("++")}), B(false));
  EXPECT_EQ(Ok("regex.is_valid", {I(5)}), B(false));
}

TEST(RegexBuiltins, Split) {
  EXPECT_EQ(Ok("regex.split", {S(R"(^[a-z]+\[[0-9]+\]$)"), S("")}), J(R"([""])"));
  EXPECT_EQ(Ok("regex.split", {S("^[a-z]+"), S("foobar baz")}), J(R"(["", " baz"])"));
  EXPECT_EQ(Ok("regex.split", {S("[a-z]+$"), S("foobar baz")}), J(R"(["foobar ", ""])"));
  EXPECT_EQ(Ok("regex.split", {S("^[a-z]+$"), S("foobar baz")}), J(R"(["foobar baz"])"));
  EXPECT_EQ(Ok("regex.split", {S("^[a-z ]+$"), S("foobar baz")}), J(R"(["", ""])"));
  EXPECT_EQ(Ok("regex.split", {S("a"), S("banana")}), J(R"(["b", "n", "n", ""])"));
  EXPECT_EQ(Ok("regex.split", {S("z+"), S("pizza")}), J(R"(["pi", "a"])"));
  EXPECT_EQ(Ok("regex.split", {S(""), S("abc")}), J(R"(["a", "b", "c"])"));
}

TEST(RegexBuiltins, FindN) {
  EXPECT_EQ(Ok("regex.find_n", {S("a."), S("paranormal"), I(2)}), J(R"(["ar", "an"])"));
  EXPECT_EQ(Ok("regex.find_n", {S("a."), S("paranormal"), I(-1)}), J(R"(["ar", "an", "al"])"));
  EXPECT_EQ(Ok("regex.find_n", {S("bork"), S("paranormal"), I(-1)}), J("[]"));
  EXPECT_EQ(Ok("regex.find_n", {S("a."), S("paranormal"), I(0)}), J("[]"));
  // Empty matches: one per position, none right after a match (Go's rule).
  EXPECT_EQ(Ok("regex.find_n", {S("a*"), S("baaab"), I(-1)}), J(R"(["", "aaa", ""])"));
  EXPECT_EQ(Err("regex.find_n", {S("a"), S("a"), D(1.5)}).code, RegoError::kEvalType);
}

TEST(RegexBuiltins, FindAllStringSubmatch) {
  const char* re = "a(x*)b";
  EXPECT_EQ(Ok("regex.find_all_string_submatch_n", {S(re), S("-"), I(-1)}), J("[]"));
  EXPECT_EQ(Ok("regex.find_all_string_submatch_n", {S(re), S("-ab-"), I(-1)}),
            J(R"([["ab", ""]])"));
  EXPECT_EQ(Ok("regex.find_all_string_submatch_n", {S(re), S("-ab-axb-"), I(-1)}),
            J(R"([["ab", ""], ["axb", "x"]])"));
  const char* vowels = "[^aouiye]([aouiye])([^aouiye])?";
  EXPECT_EQ(Ok("regex.find_all_string_submatch_n", {S(vowels), S("somestri"), I(-1)}),
            J(R"([["som", "o", "m"], ["ri", "i", ""]])"));
  EXPECT_EQ(Ok("regex.find_all_string_submatch_n", {S(vowels), S("somestri"), I(1)}),
            J(R"([["som", "o", "m"]])"));
}

TEST(RegexBuiltins, Replace) {
  EXPECT_EQ(Ok("regex.replace", {S("-wy-wxxy-"), S("w(x*)y"), S("0")}), S("-0-0-"));
  EXPECT_EQ(Ok("regex.replace", {S("foo"), S("(foo)"), S("$1$1")}), S("foofoo"));
  EXPECT_EQ(Ok("regex.replace", {S("foo"), S("(?P<w>o)"), S("[${w}]")}), S("f[o][o]"));
  EXPECT_EQ(Ok("regex.replace", {S("foo"), S("^[a-z]"), S("F")}), S("Foo"));
  EXPECT_EQ(Ok("regex.replace", {S("foo"), S("^[a-z]$"), S("F")}), S("foo"));
  EXPECT_EQ(Ok("regex.replace", {S("foo"), S("^[a-z]+$"), S("M")}), S("M"));
  EXPECT_EQ(Ok("regex.replace", {S("foo"), S("[a-z]$"), S("F")}), S("foF"));
  EXPECT_EQ(Ok("regex.replace", {S("foo bar"), S("[a-z]"), S("_")}), S("___ ___"));
  EXPECT_EQ(Ok("regex.replace", {S("foo barx"), S("[a-z]{3}"), S("_")}), S("_ _x"));
  EXPECT_EQ(Ok("regex.replace", {S("foo barx"), S("[a-z]{2}"), S("_")}), S("_o __"));
  EXPECT_EQ(Ok("regex.replace", {S("abc"), S("x*"), S("-")}), S("-a-b-c-"));
  EXPECT_EQ(Ok("regex.replace", {S("a"), S("a"), S("$$")}), S("$"));
  EXPECT_EQ(Err("regex.replace", {S("foo"), S("["), S("$1")}).code, RegoError::kEvalBuiltin);
}

TEST(RegexBuiltins, TemplateMatch) {
  EXPECT_EQ(Ok("regex.template_match", {S("urn:foo:{.*}"), S("urn:foo:bar:baz"), S("{"), S("}")}),
            B(true));
  EXPECT_EQ(Ok("regex.template_match", {S("urn:foo:<.*>"), S("urn:foo:bar:baz"), S("<"), S(">")}),
            B(true));
  EXPECT_EQ(Ok("regex.template_match", {S("urn:foo.{[0-9]+}"), S("urn:fooX12"), S("{"), S("}")}),
            B(false));
  EXPECT_EQ(Ok("regex.template_match", {S("urn:foo.{[0-9]+}"), S("urn:foo.12"), S("{"), S("}")}),
            B(true));
  EXPECT_EQ(Err("regex.template_match", {S("a{b"), S("ab"), S("{"), S("}")}).code,
            RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("regex.template_match", {S("a"), S("a"), S("{{"), S("}")}).code,
            RegoError::kEvalBuiltin);
}

TEST(RegexBuiltins, GlobsMatch) {
  EXPECT_EQ(Ok("regex.globs_match", {S("a.a.[0-9]+z"), S(".b.b2359825792*594823z")}), B(true));
  EXPECT_EQ(Ok("regex.globs_match", {S("[a-z]+"), S("[0-9]*")}), B(false));
  EXPECT_EQ(Ok("regex.globs_match", {S("b.*"), S("b")}), B(true));
  EXPECT_EQ(Ok("regex.globs_match", {S("a*"), S("b*")}), B(true));  // both match ""
  EXPECT_EQ(Ok("regex.globs_match", {S("a+"), S("b*")}), B(false));
  EXPECT_EQ(Ok("regex.globs_match", {S(R"([a-z]+\[[0-9]+\])"), S(R"(foo\[1\])")}), B(true));
  EXPECT_EQ(Ok("regex.globs_match", {S(R"([a-z]+\[[0-9]+\])"), S(R"(foo["bar"])")}), B(false));
  Error e = Err("regex.globs_match", {S("pqrs]"), S("[a-b]+")});
  EXPECT_EQ(e.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(e.message,
            "regex.globs_match: input:pqrs], pos:5, set-close ']' with no preceding '[': the "
            "input provided is invalid");
  EXPECT_EQ(Err("regex.globs_match", {S("*a"), S("a")}).code, RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("regex.globs_match", {S("[ab"), S("a")}).code, RegoError::kEvalBuiltin);
}

TEST(GlobBuiltins, MatchWithDelimiters) {
  Value dot = J(R"(["."])");
  EXPECT_EQ(Ok("glob.match", {S("*.github.com"), dot, S("api.github.com")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("*.github.com"), dot, S("api.not-github.com")}), B(false));
  EXPECT_EQ(Ok("glob.match", {S("*.github.com"), dot, S("a.b.github.com")}), B(false));
  EXPECT_EQ(Ok("glob.match", {S("api.**.com"), dot, S("api.cdn.github.com")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("*:github:com"), J(R"([":"])"), S("api:github:com")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("*"), dot, S("foo.bar")}), B(false));
  // An empty list means the default delimiter "."; null means none.
  EXPECT_EQ(Ok("glob.match", {S("*"), J("[]"), S("foo.bar")}), B(false));
  EXPECT_EQ(Ok("glob.match", {S("*"), J("[]"), S("foo")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("*"), Value::Null(), S("foo.bar")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("foo*"), Value::Null(), S("foo.bar")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("?at"), J(R"(["f"])"), S("bat")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("?at"), J(R"(["b"])"), S("bat")}), B(false));
}

TEST(GlobBuiltins, ClassesAlternativesAndEscapes) {
  Value none = J("[]");
  EXPECT_EQ(Ok("glob.match", {S("[abc]at"), none, S("cat")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("[!abc]at"), none, S("fat")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("[!abc]at"), none, S("cat")}), B(false));
  EXPECT_EQ(Ok("glob.match", {S("[a-c]at"), none, S("fat")}), B(false));
  EXPECT_EQ(Ok("glob.match", {S("[!a-c]at"), none, S("fat")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S("?at"), none, S("at")}), B(false));
  for (const char* s : {"cat", "bat", "fat", "rat"}) {
    EXPECT_EQ(Ok("glob.match", {S("{cat,bat,[fr]at}"), none, S(s)}), B(true)) << s;
  }
  EXPECT_EQ(Ok("glob.match", {S("{cat,bat,[fr]at}"), none, S("at")}), B(false));
  EXPECT_EQ(Ok("glob.match", {S(R"(\*.x)"), none, S("*.x")}), B(true));
  EXPECT_EQ(Ok("glob.match", {S(R"(\*.x)"), none, S("a.x")}), B(false));
  EXPECT_EQ(Ok("glob.match", {S("a+b(c)"), none, S("a+b(c)")}), B(true));
  EXPECT_EQ(Err("glob.match", {S("[abc"), none, S("a")}).code, RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("glob.match", {S("{a,b"), none, S("a")}).code, RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("glob.match", {S("*"), S("."), S("a")}).message,
            "glob.match: operand 2 must be one of {array, null} but got string");
}

TEST(GlobBuiltins, HostilePatternStaysFast) {
  // Backtracking matchers take exponential time here; the RE2 translation does not.
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "*a";
  pattern += "b";
  std::string text(5000, 'a');
  EXPECT_EQ(Ok("glob.match", {S(pattern), Value::Null(), S(text)}), B(false));
}

TEST(GlobBuiltins, QuoteMeta) {
  EXPECT_EQ(Ok("glob.quote_meta", {S("*.github.com")}), S(R"(\*.github.com)"));
  EXPECT_EQ(Ok("glob.quote_meta", {S("[a]{b}?\\")}), S(R"(\[a\]\{b\}\?\\)"));
}

}  // namespace
}  // namespace gatehouse::rego
