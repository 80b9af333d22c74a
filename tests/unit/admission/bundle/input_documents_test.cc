// Conftest's input splitting (docs/conftest-compat.md section 2): the literal "\n---\n" split,
// null documents for empty parts, top-level arrays split, parser names, and gatehouse's own
// rule that a bad document is reported with its number while the others are kept.
#include "admission/bundle/input_documents.h"

#include <gtest/gtest.h>

#include "admission/admission_errors.h"

namespace gatehouse::admission::bundle {
namespace {

rego::Value Str(const char* s) { return rego::Value::String(s); }

TEST(InputDocuments, YamlSplitsOnTheLiteralSeparatorAndKeepsEmptyParts) {
  InputDocuments d = ParseInputDocuments("a: 1\n---\nb: 2\n---\n", InputParser::kYaml);
  ASSERT_TRUE(d.errors.empty());
  ASSERT_EQ(d.documents.size(), 3u);
  EXPECT_EQ(d.documents[0], rego::Value::Object({{Str("a"), rego::Value::Int(1)}}));
  EXPECT_EQ(d.documents[1], rego::Value::Object({{Str("b"), rego::Value::Int(2)}}));
  EXPECT_TRUE(d.documents[2].is_null());  // a trailing separator adds a null document
}

TEST(InputDocuments, SeparatorWithTrailingTextDoesNotSplit) {
  // "--- # c" is not Conftest's separator: the part is one YAML stream of two documents, and
  // like go-yaml v2's Unmarshal the reader keeps the first.
  InputDocuments d = ParseInputDocuments("a: 1\n--- # c\nb: 2\n", InputParser::kYaml);
  ASSERT_TRUE(d.errors.empty());
  ASSERT_EQ(d.documents.size(), 1u);
  EXPECT_EQ(d.documents[0], rego::Value::Object({{Str("a"), rego::Value::Int(1)}}));
}

TEST(InputDocuments, CrLfFilesSplitOnCrLfSeparator) {
  InputDocuments d = ParseInputDocuments("a: 1\r\n---\r\nb: 2\r\n", InputParser::kYaml);
  ASSERT_TRUE(d.errors.empty());
  EXPECT_EQ(d.documents.size(), 2u);
}

TEST(InputDocuments, TopLevelArraysAreSplitButNotArrayParts) {
  InputDocuments json = ParseInputDocuments(R"([{"a":1},{"a":2}])", InputParser::kJson);
  ASSERT_TRUE(json.errors.empty());
  EXPECT_EQ(json.documents.size(), 2u);
  InputDocuments yaml = ParseInputDocuments("- 1\n- 2\n", InputParser::kYaml);
  EXPECT_EQ(yaml.documents.size(), 2u);
  InputDocuments parts = ParseInputDocuments("- 1\n- 2\n---\nx: 1\n", InputParser::kYaml);
  ASSERT_EQ(parts.documents.size(), 2u);
  EXPECT_TRUE(parts.documents[0].is_array());
}

TEST(InputDocuments, EmptyFileIsOneNullDocument) {
  InputDocuments d = ParseInputDocuments("", InputParser::kYaml);
  ASSERT_EQ(d.documents.size(), 1u);
  EXPECT_TRUE(d.documents[0].is_null());
}

TEST(InputDocuments, BadDocumentIsReportedWithNumberAndFileLineOthersKept) {
  InputDocuments d = ParseInputDocuments("a: 1\n---\nb: [1, 2\n---\nc: 3\n", InputParser::kYaml);
  ASSERT_EQ(d.documents.size(), 2u);
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].document, 2u);
  // The part starts on line 3 of the file: the reader's line within the part (1 or 2, where the
  // unclosed flow ends) is shifted to the file's (3 or 4).
  const std::string& m = d.errors[0].message;
  ASSERT_TRUE(m.starts_with("invalid YAML at line ")) << m;
  const int line = std::stoi(m.substr(std::string("invalid YAML at line ").size()));
  EXPECT_TRUE(line == 3 || line == 4) << m;
}

TEST(InputDocuments, JsonBomIsStrippedAndErrorsReported) {
  InputDocuments ok = ParseInputDocuments("\xEF\xBB\xBF{\"a\": 1}", InputParser::kJson);
  ASSERT_TRUE(ok.errors.empty());
  InputDocuments bad = ParseInputDocuments("{\"a\": ", InputParser::kJson);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].document, 1u);
  EXPECT_TRUE(bad.documents.empty());
}

TEST(InputDocuments, OversizedInputIsRefused) {
  InputLimits limits;
  limits.max_bytes = 4;
  InputDocuments d = ParseInputDocuments("a: 12345", InputParser::kYaml, limits);
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_NE(d.errors[0].message.find("exceeds the limit of 4"), std::string::npos);
}

TEST(InputParsers, ByNameAsConftestDerivesThem) {
  EXPECT_EQ(*ParserForPath("-"), InputParser::kYaml);
  EXPECT_EQ(*ParserForPath("dir/x.YML"), InputParser::kYaml);
  EXPECT_EQ(*ParserForPath("x.json"), InputParser::kJson);
  auto txt = ParserForPath("a.txt");
  ASSERT_FALSE(txt);
  EXPECT_EQ(txt.error().code, AdmissionError::kInvalidInput);
  EXPECT_EQ(txt.error().message, "unknown parser: txt, path: a.txt");
  auto tf = ParserForPath("main.tf");
  ASSERT_FALSE(tf);
  EXPECT_EQ(tf.error().message,
            "parser hcl2 is not supported by gatehouse (yaml and json are), path: main.tf");
  EXPECT_EQ(ParserByName("foo").error().message, "unknown parser: foo");
  EXPECT_TRUE(InputFileSupported("Dockerfile"));
  EXPECT_TRUE(InputFileSupported("a.yaml"));
  EXPECT_FALSE(InputFileSupported("README.md"));
}

}  // namespace
}  // namespace gatehouse::admission::bundle
