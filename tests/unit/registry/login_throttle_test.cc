#include "registry/login_throttle.h"

#include <gtest/gtest.h>

namespace gatehouse::registry {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

LoginThrottleOptions Options(int source_burst, int account_burst) {
  LoginThrottleOptions options;
  options.source_burst = source_burst;
  options.account_burst = account_burst;
  options.period = seconds(60);
  return options;
}

TEST(LoginThrottleTest, SourceIsThrottledAfterItsBurstAndEarnsTriesBack) {
  ManualClock clock;
  LoginThrottle throttle(Options(3, 0), clock);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(throttle.Check("10.0.0.1", "robot+a")) << i;
    throttle.RecordFailure("10.0.0.1", "robot+a");
  }
  std::optional<Throttled> refused = throttle.Check("10.0.0.1", "robot+b");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->by, Throttled::By::kSource);
  EXPECT_EQ(refused->retry_after, seconds(20));         // one try every 60 s / 3
  EXPECT_FALSE(throttle.Check("10.0.0.2", "robot+a"));  // another source is not affected
  clock.Advance(seconds(19));
  EXPECT_TRUE(throttle.Check("10.0.0.1", "robot+a"));
  EXPECT_EQ(throttle.Check("10.0.0.1", "robot+a")->retry_after, seconds(1));
  clock.Advance(seconds(1));
  EXPECT_FALSE(throttle.Check("10.0.0.1", "robot+a"));
}

TEST(LoginThrottleTest, AccountIsThrottledAcrossSources) {
  ManualClock clock;
  LoginThrottle throttle(Options(100, 2), clock);
  throttle.RecordFailure("10.0.0.1", "robot+ci");
  throttle.RecordFailure("10.0.0.2", "robot+ci");
  std::optional<Throttled> refused = throttle.Check("10.0.0.3", "robot+ci");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->by, Throttled::By::kAccount);
  EXPECT_EQ(refused->retry_after, seconds(30));
  EXPECT_FALSE(throttle.Check("10.0.0.3", "robot+other"));
}

TEST(LoginThrottleTest, ZeroBurstDisablesThatLimit) {
  ManualClock clock;
  LoginThrottle throttle(Options(0, 0), clock);
  for (int i = 0; i < 1000; ++i) throttle.RecordFailure("10.0.0.1", "robot+a");
  EXPECT_FALSE(throttle.Check("10.0.0.1", "robot+a"));
  EXPECT_EQ(throttle.tracked_sources(), 0u);
  EXPECT_EQ(throttle.tracked_accounts(), 0u);
}

TEST(LoginThrottleTest, MemoryIsBoundedByForgettingTheLeastRecentlyFailed) {
  ManualClock clock;
  LoginThrottleOptions options = Options(1, 1);
  options.max_tracked = 4;
  LoginThrottle throttle(options, clock);
  for (int i = 0; i < 100; ++i) {
    throttle.RecordFailure("10.0.0." + std::to_string(i), "user" + std::to_string(i));
  }
  EXPECT_EQ(throttle.tracked_sources(), 4u);
  EXPECT_EQ(throttle.tracked_accounts(), 4u);
  EXPECT_TRUE(throttle.Check("10.0.0.99", "x"));  // the most recent are kept
  EXPECT_FALSE(throttle.Check("10.0.0.0", "x"));  // the oldest were forgotten
  // Attacker-chosen names are capped, so a long name costs no more memory than a short one.
  throttle.RecordFailure("10.9.9.9", std::string(100000, 'n'));
  EXPECT_TRUE(throttle.Check("10.9.9.8", std::string(200, 'n')));
}

TEST(LoginThrottleTest, SourceKeyIsTheAddressWithoutPortAndAnIpv6Slash64) {
  EXPECT_EQ(LoginThrottle::SourceKey("192.0.2.7:51234"), "192.0.2.7");
  EXPECT_EQ(LoginThrottle::SourceKey("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(LoginThrottle::SourceKey("[2001:db8:1:2:aaaa::1]:443"), "2001:0db8:0001:0002::/64");
  EXPECT_EQ(LoginThrottle::SourceKey("[2001:db8:1:2:ffff::9]:1"),
            LoginThrottle::SourceKey("[2001:db8:1:2::5]:2"));
  EXPECT_NE(LoginThrottle::SourceKey("[2001:db8:1:3::5]:2"),
            LoginThrottle::SourceKey("[2001:db8:1:2::5]:2"));
  EXPECT_EQ(LoginThrottle::SourceKey("[::ffff:198.51.100.4]:80"), "198.51.100.4");
  EXPECT_EQ(LoginThrottle::SourceKey("not an address"), "not an address");
}

}  // namespace
}  // namespace gatehouse::registry
