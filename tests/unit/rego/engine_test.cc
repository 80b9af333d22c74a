// Embedding API: result sets, preparation errors, data loading and concurrent evaluation.
#include <gtest/gtest.h>

#include <thread>

#include "eval_test_util.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using testing::Compile;
using testing::Json;

TEST(EngineTest, ResultSetHasExpressionsAndBindings) {
  auto policy = Compile({"package t\np := 3"});
  ASSERT_TRUE(policy);
  auto q = PreparedQuery::Prepare(*policy, "data.t.p; y := data.t.p + 1");
  ASSERT_TRUE(q);
  auto rs = q->Eval({});
  ASSERT_TRUE(rs);
  ASSERT_EQ(rs->size(), 1u);
  EXPECT_EQ(ToJsonText(rs->front().ToValue()),
            R"({"bindings":{"y":4},"expressions":[{"value":3},{"value":true}]})");
}

TEST(EngineTest, UndefinedQueryHasNoResults) {
  auto policy = Compile({"package t\np if false"});
  ASSERT_TRUE(policy);
  auto q = PreparedQuery::Prepare(*policy, "data.t.p");
  ASSERT_TRUE(q);
  auto rs = q->Eval({});
  ASSERT_TRUE(rs);
  EXPECT_TRUE(rs->empty());
}

TEST(EngineTest, ParseErrorsAreReported) {
  auto policy = Compile({"package t\np := "});
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code, RegoError::kParse);
  auto ok = Compile({"package t"});
  ASSERT_TRUE(ok);
  auto q = PreparedQuery::Prepare(*ok, "x := ");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, RegoError::kParse);
}

TEST(EngineTest, V0Modules) {
  auto policy =
      Compile({"package t\np[x] { x := input.xs[_] }"}, Value::EmptyObject(), RegoVersion::kV0);
  ASSERT_TRUE(policy);
  auto q = PreparedQuery::Prepare(*policy, "x = data.t.p");
  ASSERT_TRUE(q);
  auto rs = q->Eval(testing::WithInput(testing::Json(R"({"xs": [2, 1]})")));
  EXPECT_EQ(testing::One(rs), "{1, 2}");
}

TEST(EngineTest, EvalIsThreadSafe) {
  auto policy =
      Compile({"package t\n"
               "deny contains msg if { some c in input.cs; c.n > 2; "
               "msg := sprintf(\"%v too big\", [c.name]) }\n"
               "total := sum([c.n | some c in input.cs])"});
  ASSERT_TRUE(policy);
  auto q = PreparedQuery::Prepare(*policy, "d = data.t.deny; t = data.t.total");
  ASSERT_TRUE(q);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        int n = (t * 200 + i) % 5;
        Value input = Json(R"({"cs": [{"name": "a", "n": )" + std::to_string(n) +
                           R"(}, {"name": "b", "n": 1}]})");
        auto rs = q->Eval(testing::WithInput(input));
        if (!rs || rs->size() != 1) {
          ++failures;
          continue;
        }
        const auto& b = rs->front().bindings;
        std::string want_deny = n > 2 ? R"({"a too big"})" : "set()";
        if (ToRegoText(b[0].second) != want_deny ||
            ToRegoText(b[1].second) != std::to_string(n + 1)) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(EngineTest, LoadDataDocumentsNestsByDirectory) {
  auto data = LoadDataDocuments({{"a/b/data.json", R"({"x": 1})"}, {"top.yaml", "y: 2\n"}});
  ASSERT_TRUE(data);
  EXPECT_EQ(ToJsonText(*data), R"({"a":{"b":{"x":1}},"y":2})");
  auto conflict = LoadDataDocuments({{"data.json", R"({"x": 1})"}, {"d.json", R"({"x": 2})"}});
  EXPECT_FALSE(conflict);
}

}  // namespace
}  // namespace gatehouse::rego
