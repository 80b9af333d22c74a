// String builtins and sprintf (Go fmt semantics), through the standard registry.
// Expectations come from OPA conformance cases and Go fmt behaviour.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "builtin_test_util.h"
#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using namespace builtin_test;  // NOLINT: test helpers

Value A(std::vector<Value> items) { return Value::Array(std::move(items)); }

std::string Sprintf(std::string_view format, std::vector<Value> args) {
  Value v = Ok("sprintf", {S(format), A(std::move(args))});
  return std::string(v.AsString());
}

TEST(StringBuiltins, ConcatJoinsArraysAndSets) {
  EXPECT_EQ(Ok("concat", {S("/"), J(R"(["", "foo", "bar", "0", "baz"])")}), S("/foo/bar/0/baz"));
  EXPECT_EQ(Ok("concat", {S(","), Value::Set({S("2"), S("1")})}), S("1,2"));
  EXPECT_EQ(Ok("concat", {S(","), J("[]")}), S(""));
  Error e = Err("concat", {S(","), J(R"(["a", 1])")});
  EXPECT_EQ(e.code, RegoError::kEvalType);
  EXPECT_EQ(e.message,
            "concat: operand 2 must be array of strings but got array containing number");
  BuiltinContext small;
  small.limits.max_output_bytes = 4;
  EXPECT_FALSE(Call("concat", {S(","), J(R"(["abc", "def"])")}, small).has_value());
}

TEST(StringBuiltins, Predicates) {
  EXPECT_EQ(Ok("contains", {S("abcdefgh"), S("defg")}), Value::Bool(true));
  EXPECT_EQ(Ok("contains", {S("abcdefgh"), S("ac")}), Value::Bool(false));
  EXPECT_EQ(Ok("startswith", {S("abcdefgh"), S("abcd")}), Value::Bool(true));
  EXPECT_EQ(Ok("startswith", {S("abcdefgh"), S("bcd")}), Value::Bool(false));
  EXPECT_EQ(Ok("endswith", {S("abcdefgh"), S("fgh")}), Value::Bool(true));
  EXPECT_EQ(Err("startswith", {I(1), S("a")}).message,
            "startswith: operand 1 must be string but got number");
}

TEST(StringBuiltins, IndexOfCountsRunes) {
  EXPECT_EQ(Ok("indexof", {S("abcabcabcdefgh"), S("cde")}), I(8));
  EXPECT_EQ(Ok("indexof", {S("abcdefgh"), S("xyz")}), I(-1));
  EXPECT_EQ(Ok("indexof", {S("μx"), S("x")}), I(1));
  EXPECT_EQ(Ok("indexof", {S("skön var våren"), S("vår")}), I(9));
  EXPECT_EQ(Ok("indexof", {S("🍧🍨🧁🍰🍮"), S("🍮")}), I(4));
  EXPECT_EQ(Err("indexof", {S("a"), S("")}).code, RegoError::kEvalBuiltin);
  EXPECT_EQ(Ok("indexof_n", {S("dogcatdogcat"), S("cat")}), J("[3, 9]"));
  EXPECT_EQ(Ok("indexof_n", {S("😇😀😇😀😇😀"), S("😀")}), J("[1, 3, 5]"));
  EXPECT_EQ(Ok("indexof_n", {S("dogcat"), S("rabbit")}), J("[]"));
}

TEST(StringBuiltins, SubstringHandlesUnicodeAndBounds) {
  EXPECT_EQ(Ok("substring", {S("abcdefgh"), I(2), I(3)}), S("cde"));
  EXPECT_EQ(Ok("substring", {S("åäö"), I(0), I(2)}), S("åä"));
  EXPECT_EQ(Ok("substring", {S("abcdefgh"), I(2), I(-1)}), S("cdefgh"));
  EXPECT_EQ(Ok("substring", {S("aåäö"), I(2), I(-1)}), S("äö"));
  EXPECT_EQ(Ok("substring", {S("abcdefghåäö"), I(2), I(10000)}), S("cdefghåäö"));
  EXPECT_EQ(Ok("substring", {S("åäö"), I(3), I(-1)}), S(""));
  EXPECT_EQ(Err("substring", {S("abc"), I(-1), I(1)}).message, "substring: negative offset");
}

TEST(StringBuiltins, CaseMappingIsUnicodeAware) {
  EXPECT_EQ(Ok("upper", {S("AbCdEf")}), S("ABCDEF"));
  EXPECT_EQ(Ok("lower", {S("AbCdEf")}), S("abcdef"));
  // Go uses simple case mapping: ß has no single-rune upper case and stays.
  EXPECT_EQ(Ok("upper", {S("straße")}), S("STRAßE"));
  EXPECT_EQ(Ok("lower", {S("ÅÄÖ ΣΑΣ ЖИ")}), S("åäö σασ жи"));
  EXPECT_EQ(Ok("upper", {S("åäö")}), S("ÅÄÖ"));
}

TEST(StringBuiltins, SplitFollowsGo) {
  EXPECT_EQ(Ok("split", {S("foo.bar.baz"), S(".")}), J(R"(["foo", "bar", "baz"])"));
  EXPECT_EQ(Ok("split", {S(""), S(".")}), J(R"([""])"));
  // strings.split_n: the first n parts, or the last -n, never more than there are.
  EXPECT_EQ(Ok("strings.split_n", {S("a.b.c.d"), S("."), I(2)}), J(R"(["a", "b"])"));
  EXPECT_EQ(Ok("strings.split_n", {S("a.b.c.d"), S("."), I(-2)}), J(R"(["c", "d"])"));
  EXPECT_EQ(Ok("strings.split_n", {S("a.b.c.d"), S("."), I(10)}), J(R"(["a", "b", "c", "d"])"));
  EXPECT_EQ(Ok("strings.split_n", {S("a.b"), S("."), I(0)}), J("[]"));
  EXPECT_EQ(Ok("strings.split_n", {S("abc"), S(""), I(-2)}), J(R"(["b", "c"])"));
  EXPECT_EQ(Err("strings.split_n", {S("a.b"), S("."), D(1.5)}).message,
            "strings.split_n: operand 3 must be integer number but got floating-point number");
  EXPECT_EQ(Ok("split", {S("test"), S("")}), J(R"(["t", "e", "s", "t"])"));
  EXPECT_EQ(Ok("split", {S(""), S("")}), J("[]"));
  EXPECT_EQ(Ok("split", {S("a,"), S(",")}), J(R"(["a", ""])"));
}

TEST(StringBuiltins, ReplaceAndReplaceN) {
  EXPECT_EQ(Ok("replace", {S("foo.bar.baz"), S("."), S(",")}), S("foo,bar,baz"));
  EXPECT_EQ(Ok("replace", {S(""), S("hi"), S("bye")}), S(""));
  EXPECT_EQ(Ok("replace", {S("ab"), S(""), S("-")}), S("-a-b-"));
  EXPECT_EQ(
      Ok("strings.replace_n", {J(R"({"<": "&lt;", ">": "&gt;"})"), S("This is <b>HTML</b>!")}),
      S("This is &lt;b&gt;HTML&lt;/b&gt;!"));
  // Keys are tried in sorted order: "f" wins over "foo".
  EXPECT_EQ(Ok("strings.replace_n", {J(R"({"f": "x", "foo": "xxx"})"), S("foobar")}), S("xoobar"));
  // Go's Replacer: after the empty key matches, the others still get the same position.
  EXPECT_EQ(Ok("strings.replace_n", {J(R"({"": "X", "a": "Y"})"), S("ab")}), S("XYXbX"));
  EXPECT_EQ(Ok("strings.replace_n", {J(R"({"": "-", "é": "e"})"), S("aéb")}), S("-a-e-b-"));
  EXPECT_EQ(Ok("replace", {S("é"), S(""), S("|")}), S("|é|"));
  Value bad_key = Value::Object({{I(2), S("x")}});
  Error e = Err("strings.replace_n", {bad_key, S("foo")});
  EXPECT_EQ(e.code, RegoError::kEvalType);
  EXPECT_EQ(e.message, "strings.replace_n: operand 1 non-string key found in pattern object");
  EXPECT_EQ(Err("strings.replace_n", {J(R"({"a": 1})"), S("foo")}).message,
            "strings.replace_n: operand 1 non-string value found in pattern object");
  EXPECT_EQ(Err("strings.replace_n", {J(R"({"a": "b"})"), I(1)}).message,
            "strings.replace_n: operand 2 must be string but got number");
}

TEST(StringBuiltins, TrimFamily) {
  EXPECT_EQ(Ok("trim", {S("...foo.bar..."), S(".")}), S("foo.bar"));
  EXPECT_EQ(Ok("trim", {S("...foo.bar..."), S(".fr")}), S("oo.ba"));
  EXPECT_EQ(Ok("trim", {S("¡¡¡foo, bar!!!"), S("i")}), S("¡¡¡foo, bar!!!"));
  EXPECT_EQ(Ok("trim", {S("¡¡¡foo!!!"), S("¡!")}), S("foo"));
  EXPECT_EQ(Ok("trim_left", {S("!!!foo, bar¡¡¡"), S("¡")}), S("!!!foo, bar¡¡¡"));
  EXPECT_EQ(Ok("trim_left", {S("xxfoo"), S("x")}), S("foo"));
  EXPECT_EQ(Ok("trim_right", {S("foo¡¡¡"), S("¡")}), S("foo"));
  EXPECT_EQ(Ok("trim_prefix", {S("¡¡¡foo, bar!!!"), S("¡¡¡foo")}), S(", bar!!!"));
  EXPECT_EQ(Ok("trim_prefix", {S("¡¡¡foo, bar!!!"), S("¡¡¡bar")}), S("¡¡¡foo, bar!!!"));
  EXPECT_EQ(Ok("trim_suffix", {S("¡¡¡foo, bar!!!"), S(", bar!!!")}), S("¡¡¡foo"));
  EXPECT_EQ(Ok("trim_space", {S(" \t\n foo, bar \n\t\r\n")}), S("foo, bar"));
  EXPECT_EQ(Ok("trim_space", {S("\u00a0x\u3000")}), S("x"));
}

TEST(StringBuiltins, ReverseCountAndAffixMatches) {
  EXPECT_EQ(Ok("strings.reverse", {S("bar")}), S("rab"));
  EXPECT_EQ(Ok("strings.reverse", {S("1😀𝛾")}), S("𝛾😀1"));
  EXPECT_EQ(Ok("strings.reverse", {S("")}), S(""));
  EXPECT_EQ(Err("strings.reverse", {I(1)}).message,
            "strings.reverse: operand 1 must be string but got number");
  EXPECT_EQ(Ok("strings.count", {S("cheese"), S("e")}), I(3));
  EXPECT_EQ(Ok("strings.count", {S("11111"), S("11")}), I(2));
  EXPECT_EQ(Ok("strings.count", {S("dummy"), S("")}), I(6));
  EXPECT_EQ(Ok("strings.count", {S(""), S("")}), I(1));
  EXPECT_EQ(Ok("strings.any_prefix_match", {J(R"(["a/b", "c/d"])"), S("c/")}), Value::Bool(true));
  EXPECT_EQ(Ok("strings.any_prefix_match", {S("abc"), Value::Set({S("x"), S("ab")})}),
            Value::Bool(true));
  EXPECT_EQ(Ok("strings.any_prefix_match", {S("abc"), J("[]")}), Value::Bool(false));
  EXPECT_EQ(Ok("strings.any_suffix_match", {S("abc.com"), J(R"([".org", ".com"])")}),
            Value::Bool(true));
  EXPECT_EQ(Err("strings.any_prefix_match", {J("[1]"), S("a")}).message,
            "strings.any_prefix_match: operand 1 must be array of strings but got array "
            "containing number");
  EXPECT_EQ(Err("strings.any_prefix_match", {S("a"), I(1)}).message,
            "strings.any_prefix_match: operand 2 must be one of {string, set, array} but got "
            "number");
}

TEST(StringBuiltins, FormatInt) {
  EXPECT_EQ(Ok("format_int", {D(15.5), I(16)}), S("f"));
  EXPECT_EQ(Ok("format_int", {D(3.1), I(10)}), S("3"));
  EXPECT_EQ(Ok("format_int", {I(-5), I(2)}), S("-101"));
  EXPECT_EQ(Ok("format_int", {I(8), I(8)}), S("10"));
  EXPECT_EQ(Ok("format_int", {D(-0.5), I(10)}), S("0"));
  EXPECT_EQ(Ok("format_int", {I(INT64_MIN), I(16)}), S("-8000000000000000"));
  EXPECT_EQ(Ok("format_int", {N("18446744073709551616"), I(16)}), S("10000000000000000"));
  EXPECT_EQ(Ok("format_int", {N("-18446744073709551616.9"), I(10)}), S("-18446744073709551616"));
  EXPECT_EQ(Ok("format_int", {D(1e30), I(10)}), S("1000000000000000000000000000000"));
  Error e = Err("format_int", {D(4.1), I(199)});
  EXPECT_EQ(e.code, RegoError::kEvalType);
  EXPECT_EQ(e.message, "format_int: operand 2 must be one of {2, 8, 10, 16}");
}

TEST(StringBuiltins, RenderTemplateFieldLookups) {
  EXPECT_EQ(Ok("strings.render_template", {S("{{.test}}"), J(R"({"test": "hello world"})")}),
            S("hello world"));
  EXPECT_EQ(Ok("strings.render_template", {S("{{.test}}"), J(R"({"test": 2023})")}), S("2023"));
  EXPECT_EQ(
      Ok("strings.render_template", {S("test {{.foo}} {{ .bar }} {{.baz}}"), J(R"({"baz": 1})")}),
      S("test <undefined> <undefined> 1"));
  EXPECT_EQ(Ok("strings.render_template", {S("{{.a.b}}!"), J(R"({"a": {"b": "x"}})")}), S("x!"));
}

TEST(StringBuiltins, RenderTemplateControlFlow) {
  EXPECT_EQ(Ok("strings.render_template",
               {S("{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}"),
                J(R"({"hellonames": ["rohan", "john doe"]})")}),
            S("hello rohan,hello john doe"));
  EXPECT_EQ(
      Ok("strings.render_template", {S("{{if .on}}yes{{else if .maybe}}maybe{{else}}no{{end}}"),
                                     J(R"({"on": false, "maybe": "x"})")}),
      S("maybe"));
  EXPECT_EQ(Ok("strings.render_template",
               {S("{{range .xs}}[{{.}}]{{else}}none{{end}} {{with .o}}{{.k}}{{end}}"),
                J(R"({"xs": [], "o": {"k": "v"}})")}),
            S("none v"));
  EXPECT_EQ(
      Ok("strings.render_template", {S("a  {{- .x -}}  b {{/* note */}}{{.m}} {{.l}}"),
                                     J(R"({"x": 1, "m": {"b": 2, "a": "s"}, "l": [1, "z"]})")}),
      S("a1b map[a:s b:2] [1 z]"));
  EXPECT_EQ(Err("strings.render_template", {S("{{if .x}}"), J("{}")}).code,
            RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("strings.render_template", {S("{{len .x}}"), J("{}")}).code,
            RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("strings.render_template", {S("{{end}}"), J("{}")}).code, RegoError::kEvalBuiltin);
}

TEST(Sprintf, BasicVerbs) {
  EXPECT_EQ(Sprintf("hi", {}), "hi");
  EXPECT_EQ(Sprintf("hi %s", {S("there")}), "hi there");
  EXPECT_EQ(Sprintf("hi %02d", {I(5)}), "hi 05");
  EXPECT_EQ(Sprintf("hi %02X.%02X", {I(127), I(1)}), "hi 7F.01");
  EXPECT_EQ(Sprintf("hi %.2f", {D(3.1415)}), "hi 3.14");
  EXPECT_EQ(Sprintf("hi %s", {Value::Bool(true)}), "hi true");
  EXPECT_EQ(Sprintf("hi %v", {J(R"(["there", 5, 3.14])")}), R"(hi ["there", 5, 3.14])");
  EXPECT_EQ(Sprintf("%d", {I(-42)}), "-42");
  EXPECT_EQ(Sprintf("%v %v", {I(1), S("a")}), "1 a");
  EXPECT_EQ(Sprintf("%%", {}), "%");
  EXPECT_EQ(Sprintf("%x %X %o %b", {I(255), I(255), I(8), I(5)}), "ff FF 10 101");
  EXPECT_EQ(Sprintf("%#x %#o %O", {I(255), I(8), I(8)}), "0xff 010 0o10");
  EXPECT_EQ(Sprintf("%c%c", {I(72), I(0x1F600)}), "H😀");
  EXPECT_EQ(Sprintf("%U", {I(0x1F600)}), "U+1F600");
  EXPECT_EQ(Sprintf("%q", {S("a\"b\n")}), R"("a\"b\n")");
  EXPECT_EQ(Sprintf("%q", {I(65)}), "'A'");
  EXPECT_EQ(Sprintf("%x", {S("hi")}), "6869");
  EXPECT_EQ(Sprintf("%T %T %T %T", {I(1), D(1.5), S("a"), J("[1]")}), "int float64 string string");
}

TEST(Sprintf, WidthPrecisionAndFlags) {
  EXPECT_EQ(Sprintf("[%5d]", {I(42)}), "[   42]");
  EXPECT_EQ(Sprintf("[%-5d]", {I(42)}), "[42   ]");
  EXPECT_EQ(Sprintf("[%05d]", {I(-42)}), "[-0042]");
  EXPECT_EQ(Sprintf("[%+d]", {I(42)}), "[+42]");
  EXPECT_EQ(Sprintf("[% d]", {I(42)}), "[ 42]");
  EXPECT_EQ(Sprintf("[%.3d]", {I(7)}), "[007]");
  EXPECT_EQ(Sprintf("[%6s]", {S("åäö")}), "[   åäö]");
  EXPECT_EQ(Sprintf("[%-4s]", {S("ab")}), "[ab  ]");
  EXPECT_EQ(Sprintf("[%.2s]", {S("åäö")}), "[åä]");
  EXPECT_EQ(Sprintf("[%8.3f]", {D(3.14159)}), "[   3.142]");
  EXPECT_EQ(Sprintf("[%08.3f]", {D(-3.14159)}), "[-003.142]");
  EXPECT_EQ(Sprintf("[%*d]", {I(4), I(7)}), "[   7]");
  EXPECT_EQ(Sprintf("[%#08x]", {I(255)}), "[0x000000ff]");  // Go: the prefix is not counted
  EXPECT_EQ(Sprintf("[%.*f]", {I(1), D(2.25)}), "[2.2]");
}

TEST(Sprintf, FloatsFollowGoFormatting) {
  EXPECT_EQ(Sprintf("%v", {D(3.14)}), "3.14");
  EXPECT_EQ(Sprintf("%v", {D(1e6 + 0.5)}), "1.0000005e+06");
  EXPECT_EQ(Sprintf("%v", {D(0.0001)}), "0.0001");
  EXPECT_EQ(Sprintf("%v", {D(0.00001)}), "1e-05");
  EXPECT_EQ(Sprintf("%v", {D(123456.5)}), "123456.5");
  EXPECT_EQ(Sprintf("%g", {D(2.5)}), "2.5");
  EXPECT_EQ(Sprintf("%e", {D(1234.5678)}), "1.234568e+03");
  EXPECT_EQ(Sprintf("%E", {D(0.5)}), "5.000000E-01");
  EXPECT_EQ(Sprintf("%f", {D(0.5)}), "0.500000");
  EXPECT_EQ(Sprintf("%.3g", {D(1234.5678)}), "1.23e+03");
  EXPECT_EQ(Sprintf("%+.1f", {D(2.25)}), "+2.2");
  // Integers are Go ints: float verbs do not apply to them.
  EXPECT_EQ(Sprintf("%f", {I(5)}), "%!f(int=5)");
  EXPECT_EQ(Sprintf("%.1f", {D(5.5)}), "5.5");
}

TEST(Sprintf, GoErrorNotations) {
  EXPECT_EQ(Sprintf("%d", {S("hi")}), "%!d(string=hi)");
  EXPECT_EQ(Sprintf("%s", {I(5)}), "%!s(int=5)");
  EXPECT_EQ(Sprintf("%d", {Value::Bool(true)}), "%!d(string=true)");
  EXPECT_EQ(Sprintf("%s %s", {S("a")}), "a %!s(MISSING)");
  EXPECT_EQ(Sprintf("%s", {S("a"), I(1), S("b")}), "a%!(EXTRA int=1, string=b)");
  EXPECT_EQ(Sprintf("abc%", {}), "abc%!(NOVERB)");
  EXPECT_EQ(Sprintf("%z", {I(1)}), "%!z(int=1)");
  EXPECT_EQ(Sprintf("%[2]s %[1]s", {S("a"), S("b")}), "b a");
  EXPECT_EQ(Sprintf("%[3]s", {S("a")}), "%!s(BADINDEX)");
}

TEST(Sprintf, CompositeValuesPrintAsRego) {
  EXPECT_EQ(Sprintf("%v", {Value::Set({I(2), I(1)})}), "{1, 2}");
  EXPECT_EQ(Sprintf("%v", {Value::EmptySet()}), "set()");
  EXPECT_EQ(Sprintf("%v", {J(R"({"b": [1], "a": "x"})")}), R"({"a": "x", "b": [1]})");
  EXPECT_EQ(Sprintf("%s", {Value::Null()}), "null");
  EXPECT_EQ(Sprintf("%v", {J(R"([{"a": null}])")}), R"([{"a": null}])");
}

TEST(Sprintf, RejectsNonArrayArgsAndBoundsOutput) {
  EXPECT_EQ(Err("sprintf", {S("%s"), S("x")}).message,
            "sprintf: operand 2 must be array but got string");
  BuiltinContext small;
  small.limits.max_output_bytes = 16;
  EXPECT_FALSE(Call("sprintf", {S("%100d"), A({I(1)})}, small).has_value());
  EXPECT_FALSE(
      Call("sprintf", {S("%s%s"), A({S("0123456789"), S("0123456789")})}, small).has_value());
}

}  // namespace
}  // namespace gatehouse::rego
