// METADATA annotations, from OPA's documentation of annotations and rego.metadata.*.
#include "rego/annotations.h"

#include <gtest/gtest.h>

#include <string>

#include "eval_test_util.h"
#include "rego/engine.h"
#include "rego/parser.h"
#include "rego/rego_errors.h"
#include "value/json.h"

namespace gatehouse::rego {
namespace {

using testing::EvalQuery;
using testing::One;

Result<Module> Parse(const std::string& text) {
  return ParseModule("m.rego", text, RegoVersion::kV1);
}

std::string Documents(const Module& m) {
  std::string out;
  for (const Annotation& a : m.annotations) {
    if (!out.empty()) out += "\n";
    out += value::ToJson(a.document);
  }
  return out;
}

TEST(AnnotationsTest, ScopesDefaultToWhatTheBlockIsAbove) {
  auto m = Parse(R"(# METADATA
# title: Pkg
package a.b

# METADATA
# title: Allow
allow := true

# METADATA
# entrypoint: true
deny contains "x"
)");
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_EQ(m->annotations.size(), 3u);
  EXPECT_EQ(m->annotations[0].scope, Annotation::Scope::kPackage);
  EXPECT_EQ(m->annotations[1].scope, Annotation::Scope::kRule);
  EXPECT_EQ(m->annotations[1].rule, 0u);
  EXPECT_EQ(m->annotations[2].scope, Annotation::Scope::kDocument);
  EXPECT_EQ(m->annotations[2].rule, 1u);
  EXPECT_EQ(m->annotations[1].loc.row, 5u);
  EXPECT_EQ(Documents(*m),
            "{\"title\":\"Pkg\",\"scope\":\"package\"}\n"
            "{\"title\":\"Allow\",\"scope\":\"rule\"}\n"
            "{\"entrypoint\":true,\"scope\":\"document\"}");
}

TEST(AnnotationsTest, ReadsEveryFieldInOpasForm) {
  auto m = Parse(R"(package p

# METADATA
# scope: document
# title: Containers must have limits
# description: |
#   Every container sets cpu and memory limits.
# organizations:
# - Acme
# related_resources:
# - https://example.com/limits
# - ref: https://example.com/more
#   description: more
# authors:
# - Jane Doe <jane@example.com>
# - name: John
# - email: ops@example.com
# schemas:
# - input: schema.review
# - input.x:
#     type: string
# custom:
#   severity: high
deny contains "x"
)");
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_EQ(m->annotations.size(), 1u);
  EXPECT_EQ(Documents(*m),
            R"({"title":"Containers must have limits",)"
            R"("description":"Every container sets cpu and memory limits.\n",)"
            R"("organizations":["Acme"],)"
            R"("related_resources":[{"ref":"https://example.com/limits"},)"
            R"({"ref":"https://example.com/more","description":"more"}],)"
            R"("authors":[{"name":"Jane Doe","email":"jane@example.com"},{"name":"John"},)"
            R"({"email":"ops@example.com"}],)"
            R"("schemas":[{"path":["input"],"schema":["schema","review"]},)"
            R"({"path":["input","x"],"definition":{"type":"string"}}],)"
            R"("custom":{"severity":"high"},"scope":"document"})");
}

TEST(AnnotationsTest, UnknownKeysAreIgnoredAndPlainCommentsAreNotBlocks) {
  auto m = Parse(R"(package p

# just a comment
# title: not metadata
# METADATA
# title: T
# labels: {a: 1}
p := 1
)");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(Documents(*m), R"({"title":"T","scope":"rule"})");
}

TEST(AnnotationsTest, MistakesAreParseErrorsWithOpasMessages) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"package p\n\n# METADATA\np := 1\n",
       "m.rego:3:1: expected METADATA block, found whitespace"},
      {"package p\n\n# METADATA\n# scope: everything\np := 1\n",
       "m.rego:3:1: invalid annotation scope 'everything'. Use one of 'rule', 'document', "
       "'package', or 'subpackages'"},
      {"# METADATA\n# scope: rule\npackage p\n",
       "m.rego:1:1: annotation scope 'rule' must be applied to rule (have package)"},
      {"package p\n\n# METADATA\n# scope: subpackages\np := 1\n",
       "m.rego:3:1: annotation scope 'subpackages' must be applied to package (have rule)"},
      {"package p\n\n# METADATA\n# title: x\nimport input.x\n",
       "m.rego:3:1: invalid annotation scope 'import'. Use one of 'rule', 'document', "
       "'package', or 'subpackages'"},
      {"package p\n\np := 1\n# METADATA\n# title: nothing below\n",
       "m.rego:4:1: invalid annotation scope ''. Use one of 'rule', 'document', 'package', or "
       "'subpackages'"},
      {"package p\n\n# METADATA\n# scope: rule\n# entrypoint: true\np := 1\n",
       "m.rego:3:1: annotation entrypoint applied to non-document or package scope 'rule'"},
      {"package p\n\n# METADATA\n# authors:\n# - \" \"\np := 1\n",
       "m.rego:3:1: invalid author definition \" \": author is an empty string"},
      {"package p\n\n# METADATA\n# related_resources:\n# - description: d\np := 1\n",
       "m.rego:3:1: invalid related-resource definition {\"description\":\"d\"}: 'ref' value "
       "required in object"},
      {"package p\n\n# METADATA\n# schemas:\n# - input: nonsense\np := 1\n",
       "m.rego:3:1: invalid schema reference"},
  };
  for (const Case& c : cases) {
    auto m = Parse(c.text);
    ASSERT_FALSE(m) << c.text;
    EXPECT_EQ(m.error().code, RegoError::kParse) << c.text;
    EXPECT_EQ(m.error().message, c.error) << c.text;
  }
  auto yaml = Parse("package p\n\n# METADATA\n# title: [unclosed\np := 1\n");
  ASSERT_FALSE(yaml);
  EXPECT_EQ(yaml.error().code, RegoError::kParse);
  EXPECT_TRUE(yaml.error().message.starts_with("m.rego:3:1: ")) << yaml.error().message;
}

TEST(AnnotationsTest, ChainGoesFromTheRuleOutToTheSubpackages) {
  const std::string root = R"(# METADATA
# scope: subpackages
# title: Everything under a
package a
)";
  const std::string mid = R"(# METADATA
# scope: subpackages
# title: Everything under a.b
package a.b
)";
  const std::string leaf = R"(# METADATA
# title: Package a.b.c
package a.b.c

# METADATA
# scope: document
# title: The p document
p := 1 if false

# METADATA
# title: Far

# METADATA
# title: Near
p := rego.metadata.chain()

q := rego.metadata.chain()
r := rego.metadata.rule()

# METADATA
# title: s
s := rego.metadata.rule()
)";
  std::string near_and_far = One(EvalQuery({root, mid, leaf}, "x = data.a.b.c.p"));
  EXPECT_EQ(
      near_and_far,
      R"([{"annotations": {"scope": "rule", "title": "Near"}, "path": ["a", "b", "c", "p"]}, )"
      R"({"annotations": {"scope": "rule", "title": "Far"}, "path": ["a", "b", "c", "p"]}, )"
      R"({"annotations": {"scope": "document", "title": "The p document"}, )"
      R"("path": ["a", "b", "c", "p"]}, )"
      R"({"annotations": {"scope": "package", "title": "Package a.b.c"}, )"
      R"("path": ["a", "b", "c"]}, )"
      R"({"annotations": {"scope": "subpackages", "title": "Everything under a.b"}, )"
      R"("path": ["a", "b"]}, )"
      R"({"annotations": {"scope": "subpackages", "title": "Everything under a"}, )"
      R"("path": ["a"]}])");
  EXPECT_EQ(One(EvalQuery({root, mid, leaf}, "x = data.a.b.c.q")),
            R"([{"path": ["a", "b", "c", "q"]}, )"
            R"({"annotations": {"scope": "package", "title": "Package a.b.c"}, )"
            R"("path": ["a", "b", "c"]}, )"
            R"({"annotations": {"scope": "subpackages", "title": "Everything under a.b"}, )"
            R"("path": ["a", "b"]}, )"
            R"({"annotations": {"scope": "subpackages", "title": "Everything under a"}, )"
            R"("path": ["a"]}])");
  EXPECT_EQ(One(EvalQuery({root, mid, leaf}, "x = data.a.b.c.r")), "{}");
  EXPECT_EQ(One(EvalQuery({root, mid, leaf}, "x = data.a.b.c.s")),
            R"({"scope": "rule", "title": "s"})");
}

TEST(AnnotationsTest, APackageAnnotatedTwiceIsATypeError) {
  auto policy = testing::Compile(
      {"# METADATA\n# title: one\npackage p\n", "# METADATA\n# title: two\npackage p\n"});
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code, RegoError::kType);
  EXPECT_EQ(policy.error().message, "m1.rego:1: package annotation redeclared: m0.rego:1");
}

TEST(AnnotationsTest, ThePolicyListsItsAnnotationsByPath) {
  auto policy = testing::Compile({"package z\n\n# METADATA\n# title: zp\np := 1\n",
                                  "# METADATA\n# title: pkg a\npackage a\n\n"
                                  "# METADATA\n# title: ap\np.q := 1\n"});
  ASSERT_TRUE(policy) << policy.error().ToString();
  std::vector<AnnotationRef> list = ListAnnotations(**policy);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].path, (std::vector<std::string>{"a"}));
  EXPECT_EQ(list[0].file, "m1.rego");
  EXPECT_EQ(list[0].loc.row, 1u);
  EXPECT_EQ(value::ToJson(list[0].annotations), R"({"title":"pkg a","scope":"package"})");
  EXPECT_EQ(list[1].path, (std::vector<std::string>{"a", "p", "q"}));
  EXPECT_EQ(list[1].loc.row, 5u);
  EXPECT_EQ(list[2].path, (std::vector<std::string>{"z", "p"}));
  EXPECT_EQ(list[2].file, "m0.rego");
}

}  // namespace
}  // namespace gatehouse::rego
