// gator Suite documents, the --run filter and assertion checks (admission/gator_suite.h).
#include "admission/gator_suite.h"

#include <gtest/gtest.h>

#include "admission/admission_errors.h"
#include "value/yaml.h"

namespace gatehouse::admission {
namespace {

value::Value Yaml(const std::string& text) {
  auto v = value::ParseYaml(text);
  EXPECT_TRUE(v) << v.error().ToString();
  return v ? *v : value::Value();
}

TEST(GatorSuiteTest, ReadsTestsCasesAndAssertions) {
  auto s = ParseGatorSuite(Yaml(R"(
kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
tests:
  - name: t
    template: template.yaml
    constraint: c.yaml
    cases:
      - name: c1
        object: o.yaml
        inventory: [i1.yaml, i2.yaml]
        assertions:
          - violations: 2
            message: "must"
          - violations: "no"
          - {}
      - name: c2
        skip: true
  - name: invalid
    template: template.yaml
    constraint: bad.yaml
    invalid: true
)"));
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(s->tests.size(), 2u);
  const SuiteTest& t = s->tests[0];
  EXPECT_EQ(t.template_path, "template.yaml");
  ASSERT_EQ(t.cases.size(), 2u);
  EXPECT_EQ(t.cases[0].inventory.size(), 2u);
  ASSERT_EQ(t.cases[0].assertions.size(), 3u);
  EXPECT_EQ(t.cases[0].assertions[0].count, SuiteAssertion::Count::kExactly);
  EXPECT_EQ(t.cases[0].assertions[0].exactly, 2);
  EXPECT_EQ(*t.cases[0].assertions[0].message, "must");
  EXPECT_EQ(t.cases[0].assertions[1].count, SuiteAssertion::Count::kNo);
  EXPECT_EQ(t.cases[0].assertions[2].count, SuiteAssertion::Count::kYes);
  EXPECT_TRUE(t.cases[1].skip);
  EXPECT_TRUE(s->tests[1].invalid);

  auto bad = ParseGatorSuite(
      Yaml("kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests: [{name: t, cases: [{name: "
           "c, assertions: [{violations: maybe}]}]}]\n"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, AdmissionError::kInvalidSuite);
  EXPECT_EQ(bad.error().message,
            "invalid yaml: assertion.violation, if set, must be a nonnegative integer, \"yes\", "
            "or \"no\"");
}

TEST(GatorSuiteTest, AssertionsInGatorsWords) {
  const std::vector<std::string> messages = {"image <nginx> is not allowed", "missing label"};
  SuiteAssertion yes;
  EXPECT_EQ(*CheckAssertion(yes, messages), "");
  EXPECT_EQ(*CheckAssertion(yes, {}),
            "unexpected number of violations: got 0 violations but want at least 1: got "
            "messages []");
  SuiteAssertion no;
  no.count = SuiteAssertion::Count::kNo;
  no.message = "image";
  EXPECT_EQ(*CheckAssertion(no, messages),
            "unexpected number of violations: got 1 violations containing \"image\" but want "
            "none: got messages [image <nginx> is not allowed missing label]");
  SuiteAssertion two;
  two.count = SuiteAssertion::Count::kExactly;
  two.exactly = 2;
  EXPECT_EQ(*CheckAssertion(two, messages), "");
  two.exactly = 3;
  EXPECT_EQ(*CheckAssertion(two, messages),
            "unexpected number of violations: got 2 violations but want exactly 3: got messages "
            "[image <nginx> is not allowed missing label]");
  SuiteAssertion bad_regex;
  bad_regex.message = "(";
  auto r = CheckAssertion(bad_regex, messages);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("message contains invalid regular expression: ", 0), 0u);
}

TEST(GatorSuiteTest, RunFilterMatchesTestOrCaseOrBoth) {
  SuiteTest t;
  t.name = "allowed-repos";
  t.cases = {{"example-allowed", "", {}, {}, false}, {"container-disallowed", "", {}, {}, false}};
  auto any = SuiteFilter::Parse("disallowed");
  ASSERT_TRUE(any);
  EXPECT_TRUE(any->RunsTest(t)) << "a case name matches";
  EXPECT_TRUE(any->RunsCase(t, t.cases[1]));
  EXPECT_FALSE(any->RunsCase(t, t.cases[0]));
  auto by_test = SuiteFilter::Parse("repos");
  ASSERT_TRUE(by_test);
  EXPECT_TRUE(by_test->RunsCase(t, t.cases[0])) << "the test name matches";
  auto both = SuiteFilter::Parse("allowed-repos//^example");
  ASSERT_TRUE(both);
  EXPECT_TRUE(both->RunsCase(t, t.cases[0]));
  EXPECT_FALSE(both->RunsCase(t, t.cases[1]));
  auto other = SuiteFilter::Parse("other//");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->RunsTest(t));
  EXPECT_TRUE(SuiteFilter::Parse("")->RunsTest(t));
  auto two = SuiteFilter::Parse("a//b//c");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().message, "invalid test filter: a filter may include at most one \"//\"");
  auto bad = SuiteFilter::Parse("(");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("invalid test filter: error parsing regexp: ", 0), 0u);
}

}  // namespace
}  // namespace gatehouse::admission
