#include <gtest/gtest.h>

#include "builtin_test_util.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::ErrorOf;
using builtin_test::J;
using builtin_test::S;
using builtin_test::Text;

TEST(EncodingBuiltins, Base64) {
  EXPECT_EQ(Text(Call("base64.encode", {S("hello")})), "\"aGVsbG8=\"");
  EXPECT_EQ(Text(Call("base64.decode", {S("c3ViamVjdHM/X2Q=")})), "\"subjects?_d\"");
  EXPECT_EQ(Text(Call("base64.is_valid", {S("aGVsbG8=")})), "true");
  EXPECT_EQ(Text(Call("base64.is_valid", {S("aGVsbG8")})), "false");
  EXPECT_NE(ErrorOf(Call("base64.decode", {S("a$==")})).find("illegal base64 data at input byte 1"),
            std::string::npos);
  EXPECT_EQ(Text(Call("base64url.encode", {S("there")})), "\"dGhlcmU=\"");
  EXPECT_EQ(Text(Call("base64url.encode_no_pad", {S("hello")})), "\"aGVsbG8\"");
  EXPECT_EQ(Text(Call("base64url.decode", {S("aGVsbG8")})), "\"hello\"");
  EXPECT_EQ(Text(Call("base64url.decode", {S("_-8")})), "\"\xff\xef\"");
  EXPECT_EQ(ErrorOf(Call("base64.encode", {Value::Int(1)})),
            "eval_type_error: base64.encode: operand 1 must be string but got number");
}

TEST(EncodingBuiltins, Hex) {
  EXPECT_EQ(Text(Call("hex.encode", {S("lorem ipsum")})), "\"6c6f72656d20697073756d\"");
  EXPECT_EQ(Text(Call("hex.decode", {S("6c6f72656d20697073756d")})), "\"lorem ipsum\"");
  EXPECT_EQ(ErrorOf(Call("hex.decode", {S("fghijkl")})),
            "eval_builtin_error: hex.decode: encoding/hex: invalid byte: U+0067 'g'");
  EXPECT_NE(ErrorOf(Call("hex.decode", {S("abc")})).find("odd length"), std::string::npos);
}

TEST(EncodingBuiltins, JsonMarshal) {
  EXPECT_EQ(Text(Call("json.marshal", {J(R"([{"foo": [1, 2, 3]}])")})), R"("[{\"foo\":[1,2,3]}]")");
  // Go's encoder escapes HTML characters.
  auto r = Call("json.marshal", {S("<a&b>")});
  ASSERT_TRUE(r && r->has_value());
  EXPECT_EQ((*r)->AsString(), R"("\u003ca\u0026b\u003e")");
  const Value arr = J("[1234567890, 2000000, 1000000000]");
  auto pretty = Call("json.marshal_with_options", {arr, J(R"({"pretty": true})")});
  ASSERT_TRUE(pretty && pretty->has_value());
  EXPECT_EQ((*pretty)->AsString(), "[\n\t1234567890,\n\t2000000,\n\t1000000000\n]");
  auto prefixed = Call("json.marshal_with_options",
                       {J(R"({"foo": "bar", "bar": "baz"})"), J(R"({"prefix": "P "})")});
  ASSERT_TRUE(prefixed && prefixed->has_value());
  EXPECT_EQ((*prefixed)->AsString(), "P {\nP \t\"bar\": \"baz\",\nP \t\"foo\": \"bar\"\nP }");
  auto off = Call("json.marshal_with_options",
                  {arr, J(R"({"pretty": false, "prefix": "NO!", "indent": "BAD!"})")});
  ASSERT_TRUE(off && off->has_value());
  EXPECT_EQ((*off)->AsString(), "[1234567890,2000000,1000000000]");
  auto empty =
      Call("json.marshal_with_options", {J("[]"), J(R"({"indent": "  ", "prefix": "---"})")});
  ASSERT_TRUE(empty && empty->has_value());
  EXPECT_EQ((*empty)->AsString(), "---[]");
  auto bad = Call("json.marshal_with_options", {J("[]"), J(R"({"lottery": true})")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, RegoError::kEvalType);
  EXPECT_NE(bad.error().message.find("object contained unknown key \"lottery\""),
            std::string::npos);
}

TEST(EncodingBuiltins, JsonAndYamlValidity) {
  EXPECT_EQ(Text(Call("json.is_valid", {S("{\"json\": \"ok\"}")})), "true");
  EXPECT_EQ(Text(Call("json.is_valid", {S("{")})), "false");
  EXPECT_EQ(Text(Call("json.is_valid", {Value::Int(1)})), "false");
  EXPECT_EQ(Text(Call("json.unmarshal", {S("[1,{\"a\":null}]")})), "[1,{\"a\":null}]");
  EXPECT_EQ(Text(Call("yaml.is_valid", {S("foo:\n   - qux: bar\n   - baz: 2")})), "true");
  EXPECT_EQ(Text(Call("yaml.is_valid", {S("foo:\n   - qux: bar\n   - baz: {")})), "false");
  EXPECT_EQ(Text(Call("yaml.is_valid", {Value::Int(1)})), "false");
}

TEST(EncodingBuiltins, YamlRoundTrip) {
  const Value doc = J(R"([{"foo": [1, 2, 3], "s": "true", "t": "a: b", "e": {}, "n": null}])");
  auto text = Call("yaml.marshal", {doc});
  ASSERT_TRUE(text && text->has_value());
  EXPECT_EQ((**text).AsString().substr(0, 18), "- e: {}\n  foo:\n  -");
  auto back = Call("yaml.unmarshal", {**text});
  EXPECT_EQ(Text(back), ToJsonText(doc));
  auto err = Call("yaml.unmarshal", {S("[1,2,3")});
  EXPECT_NE(ErrorOf(err).find("yaml: line 1: did not find"), std::string::npos) << ErrorOf(err);
}

TEST(EncodingBuiltins, UrlQuery) {
  EXPECT_EQ(Text(Call("urlquery.encode", {S("a=b+1 c")})), "\"a%3Db%2B1+c\"");
  EXPECT_EQ(Text(Call("urlquery.decode", {S("a%3Db%2B1+c")})), "\"a=b+1 c\"");
  EXPECT_NE(ErrorOf(Call("urlquery.decode", {S("%zz")})).find("invalid URL escape"),
            std::string::npos);
  EXPECT_EQ(Text(Call("urlquery.encode_object", {J(R"({"a": "c=b+1", "b": ["x", "y"]})")})),
            "\"a=c%3Db%2B1&b=x&b=y\"");
  EXPECT_EQ(Text(Call("urlquery.encode_object", {J("{}")})), "\"\"");
  EXPECT_EQ(Text(Call("urlquery.decode_object", {S("a=value_a1&b=value_b&a=value_a2")})),
            R"({"a":["value_a1","value_a2"],"b":["value_b"]})");
  EXPECT_EQ(Text(Call("urlquery.decode_object", {S("a=value_a1&b")})),
            R"({"a":["value_a1"],"b":[""]})");
  EXPECT_EQ(Text(Call("urlquery.decode_object", {S("")})), "{}");
}

TEST(EncodingBuiltins, JsonFilterAndRemove) {
  const Value doc = J(R"({"a": {"b": {"c": 7, "d": 8}}, "e": 9})");
  EXPECT_EQ(Text(Call("json.filter", {doc, Value::Set({S("a/b/c"), S("e")})})),
            R"({"a":{"b":{"c":7}},"e":9})");
  EXPECT_EQ(Text(Call("json.filter", {doc, Value::Set({J(R"(["a", "b", "c"])")})})),
            R"({"a":{"b":{"c":7}}})");
  EXPECT_EQ(Text(Call("json.filter", {J(R"({"a": [{"b": 7, "c": 8}, {"d": 9}]})"),
                                      Value::Set({S("a/0/b"), S("a/1")})})),
            R"({"a":[{"b":7},{"d":9}]})");
  EXPECT_EQ(Text(Call("json.remove", {doc, J(R"(["a/b/c", "e"])")})), R"({"a":{"b":{"d":8}}})");
  EXPECT_EQ(
      Text(Call("json.remove", {J(R"({"a": {"b": 7}, "c": 1})"), Value::Set({S("a"), S("a/b")})})),
      R"({"c":1})");
  EXPECT_EQ(Text(Call("json.remove", {J(R"({"a": [{"b": 7, "c": 8}, {"d": 9}]})"),
                                      Value::Set({S("a/0/b"), S("a/1")})})),
            R"({"a":[{"c":8}]})");
  EXPECT_EQ(ErrorOf(Call("json.remove", {S("x"), Value::EmptySet()})),
            "eval_type_error: json.remove: operand 1 must be object but got string");
  EXPECT_EQ(ErrorOf(Call("json.remove", {doc, S("x")})),
            "eval_type_error: json.remove: operand 2 must be one of {set, array} but got string");
  EXPECT_EQ(ErrorOf(Call("json.remove", {doc, Value::Set({Value::Int(1)})})),
            "eval_type_error: json.remove: operand 2 must be one of {set, array} containing string "
            "paths or array of path segments but got number");
}

TEST(EncodingBuiltins, JsonPatch) {
  auto patch = [](std::string_view doc, std::string_view ops) {
    return Text(Call("json.patch", {J(doc), J(ops)}));
  };
  EXPECT_EQ(patch(R"({"foo": "bar"})", R"([{"op": "add", "path": "/baz", "value": "qux"}])"),
            R"({"baz":"qux","foo":"bar"})");
  EXPECT_EQ(
      patch(R"({"foo": ["bar", "baz"]})", R"([{"op": "add", "path": "/foo/1", "value": "q"}])"),
      R"({"foo":["bar","q","baz"]})");
  EXPECT_EQ(patch(R"({"foo": [1]})", R"([{"op": "add", "path": "/foo/-", "value": 2}])"),
            R"({"foo":[1,2]})");
  EXPECT_EQ(patch(R"({"q": {"bar": 2}})", R"([{"op": "add", "path": "/a/b", "value": 1}])"),
            "UNDEFINED");
  EXPECT_EQ(patch(R"({"foo": [1, 2]})", R"([{"op": "remove", "path": "/foo/0"}])"),
            R"({"foo":[2]})");
  EXPECT_EQ(patch(R"({"foo": {"waldo": 1}, "qux": {}})",
                  R"([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}])"),
            R"({"foo":{},"qux":{"thud":1}})");
  EXPECT_EQ(patch(R"({"a": 1})", R"([{"op": "copy", "from": "/a", "path": "/b"}])"),
            R"({"a":1,"b":1})");
  EXPECT_EQ(patch(R"({"a": 1})", R"([{"op": "test", "path": "/a", "value": 2}])"), "UNDEFINED");
  EXPECT_EQ(patch(R"({"a": 1})", R"([{"op": "test", "path": "/a", "value": 1}])"), R"({"a":1})");
  EXPECT_EQ(patch(R"({"a/b": 1})", R"([{"op": "replace", "path": "/a~1b", "value": 2}])"),
            R"({"a/b":2})");
  EXPECT_EQ(patch(R"([1, 2])", R"([{"op": "add", "path": "/01", "value": 2}])"), "UNDEFINED");
  // Sets are addressed by element.
  const Value set_doc = Value::Object({{S("foo"), Value::Set({S("a"), S("b"), S("c")})}});
  EXPECT_EQ(Text(Call("json.patch", {set_doc, J(R"([{"op": "remove", "path": "foo/b"}])")})),
            R"({"foo":["a","c"]})");
  EXPECT_EQ(
      Text(Call("json.patch", {set_doc, J(R"([{"op": "add", "path": "foo/d", "value": "e"}])")})),
      "UNDEFINED");
  const Value nested = Value::Set({J("[1]")});
  EXPECT_EQ(
      Text(Call("json.patch", {nested, J(R"([{"op": "add", "path": [[1], 1], "value": 2}])")})),
      "[[1,2]]");
}

}  // namespace
}  // namespace gatehouse::rego
