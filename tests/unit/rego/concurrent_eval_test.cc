// One PreparedQuery evaluated from several threads at once: base data, a memoised virtual
// document, the shared regex cache, `with` and one input document shared by every thread all
// give the answer a single thread gets. Run under ThreadSanitizer by the tsan preset.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "eval_test_util.h"

namespace gatehouse::rego {
namespace {

using testing::Compile;
using testing::Json;

constexpr const char* kPolicy = R"(package t

names := {c.name | some c in input.cs}

bad contains c.name if {
  some c in input.cs
  not regex.match(data.allowed_image, c.image)
}

limited contains c.name if {
  some c in input.cs
  c.n > data.max
}

summary := {"bad": bad, "limited": limited, "count": count(names), "first": sort(names)[0]}
)";

std::string InputFor(int i) {
  return R"({"cs": [{"name": "app", "image": "registry.example/app:)" + std::to_string(i % 3) +
         R"(", "n": )" + std::to_string(i % 5) +
         R"(}, {"name": "sidecar", "image": "docker.io/x:1", "n": 1}]})";
}

TEST(ConcurrentEvalTest, OnePreparedQueryFromFourThreadsMatchesOneThread) {
  auto policy = Compile({kPolicy}, Json(R"({"allowed_image": "^registry\\.example/", "max": 2})"));
  ASSERT_TRUE(policy) << policy.error().message;
  auto query =
      PreparedQuery::Prepare(*policy, "s := data.t.summary; m := data.t.bad with data.max as 0");
  ASSERT_TRUE(query) << query.error().message;

  // Expected answers from one thread; inputs 0..4 cover every combination.
  std::vector<Value> inputs;
  std::vector<std::string> want;
  for (int i = 0; i < 5; ++i) {
    inputs.push_back(Json(InputFor(i)));
    auto rs = query->Eval(testing::WithInput(inputs.back()));
    ASSERT_TRUE(rs) << rs.error().message;
    ASSERT_EQ(rs->size(), 1u);
    want.push_back(ToJsonText(rs->front().ToValue()));
  }
  EXPECT_EQ(want[3],
            R"({"bindings":{"m":["sidecar"],"s":{"bad":["sidecar"],"count":2,"first":"app",)"
            R"("limited":["app"]}},"expressions":[{"value":true},{"value":true}]})");

  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 100; ++k) {
        int i = (t + k) % 5;
        auto rs = query->Eval(testing::WithInput(inputs[static_cast<size_t>(i)]));
        if (!rs || rs->size() != 1 ||
            ToJsonText(rs->front().ToValue()) != want[static_cast<size_t>(i)]) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace gatehouse::rego
