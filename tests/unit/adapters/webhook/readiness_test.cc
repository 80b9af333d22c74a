#include "adapters/webhook/readiness.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "authz/keystone/policy_errors.h"

namespace gatehouse::adapters {
namespace {

// A watched source whose content the test sets: nullopt is "absent".
struct FakeSource {
  std::optional<std::string> text = "good";
  bool refuse = false;
  WatchedSource source{"file /etc/gatehouse/policy.json",
                       [this]() -> Result<std::optional<std::string>> { return text; },
                       [this](const std::string&) -> Status {
                         if (refuse)
                           return MakeError(authz::keystone::PolicyError::kInvalidPolicy,
                                            "policy[0]: bad");
                         return Ok();
                       }};
};

TEST(ReadinessTest, WatchedSourceIsNotReadyUntilAVersionLoads) {
  FakeSource fake;
  fake.text.reset();
  EXPECT_FALSE(fake.source.Poll());
  ReadinessCheck check = WatchedSourceCheck("policy", fake.source);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.detail,
            "policy not loaded: source_missing: file /etc/gatehouse/policy.json: not found");
  Readiness readiness = ReadinessFromChecks({check});
  EXPECT_FALSE(readiness.ready);
  EXPECT_EQ(ReadinessText(readiness, false),
            "not ready: policy not loaded: source_missing: file /etc/gatehouse/policy.json: not "
            "found\n");
  EXPECT_EQ(ReadinessText(readiness, true),
            "[-]policy failed: policy not loaded: source_missing: file "
            "/etc/gatehouse/policy.json: not found\n"
            "readyz check failed\n");
}

TEST(ReadinessTest, FailedReloadKeepsTheReplicaReadyButShows) {
  FakeSource fake;
  ASSERT_TRUE(fake.source.Poll());
  EXPECT_EQ(WatchedSourceCheck("policy", fake.source).detail, "");

  fake.text.reset();  // the policy file is deleted
  EXPECT_FALSE(fake.source.Poll());
  ReadinessCheck check = WatchedSourceCheck("policy", fake.source);
  EXPECT_TRUE(check.ok);
  EXPECT_EQ(check.detail,
            "last reload failed: source_missing: file /etc/gatehouse/policy.json: not found; "
            "serving the version loaded before");
  Readiness readiness = ReadinessFromChecks({check, {"keystone", true, ""}});
  EXPECT_TRUE(readiness.ready);
  EXPECT_EQ(ReadinessText(readiness, false), "ok\n");
  EXPECT_EQ(ReadinessText(readiness, true),
            "[+]policy ok (last reload failed: source_missing: file /etc/gatehouse/policy.json: "
            "not found; serving the version loaded before)\n"
            "[+]keystone ok\n"
            "readyz check passed\n");

  fake.text = "refused";  // back, but refused: still visible, with the loader's error
  fake.refuse = true;
  EXPECT_FALSE(fake.source.Poll());
  EXPECT_EQ(WatchedSourceCheck("policy", fake.source).detail,
            "last reload failed: invalid_policy: policy[0]: bad; serving the version loaded "
            "before");

  fake.text = "good-2";
  fake.refuse = false;
  ASSERT_TRUE(fake.source.Poll());
  EXPECT_EQ(WatchedSourceCheck("policy", fake.source).detail, "");
}

TEST(ReadinessTest, FirstFailingCheckGivesTheReason) {
  Readiness readiness = ReadinessFromChecks({{"policy", true, ""},
                                             {"keystone", false, "keystone not reachable yet"},
                                             {"oidc", false, "no keys yet"}});
  EXPECT_FALSE(readiness.ready);
  EXPECT_EQ(readiness.reason, "keystone not reachable yet");
  EXPECT_EQ(ReadinessText(readiness, true),
            "[+]policy ok\n[-]keystone failed: keystone not reachable yet\n"
            "[-]oidc failed: no keys yet\nreadyz check failed\n");
  EXPECT_TRUE(ReadinessFromChecks({}).ready);
}

}  // namespace
}  // namespace gatehouse::adapters
