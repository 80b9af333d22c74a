// CallerAuthenticator's refusals all cost a PBKDF2 verification, so their timing does not tell
// which robot or user names exist. Observed through an injected, counting verifier (no timing).
#include "adapters/registry/caller_authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "adapters/registry/access_tokens.h"
#include "adapters/registry/registry_service_errors.h"
#include "adapters/registry/robot_accounts.h"
#include "adapters/registry_store/open_store.h"

namespace gatehouse::adapters::registry_service {
namespace {

constexpr std::uint32_t kIterations = registry::kMinPbkdf2Iterations + 7;

class RegistryCallerTimingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/rcaller-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = OpenRegistryStore("", dir_, clock_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(store).value();
    MakeAuthenticator(registry::LoginThrottleOptions{});
    ASSERT_TRUE(store_->CreateProject("cli", "team-a", false));
  }
  void MakeAuthenticator(registry::LoginThrottleOptions throttle) {
    CallerAuthOptions options;
    options.hashing.iterations = kIterations;
    options.verify_secret = [this](std::string_view secret, std::string_view stored) {
      std::lock_guard<std::mutex> lock(mu_);
      checked_.emplace_back(stored);
      return registry::VerifySecret(secret, stored);
    };
    options.throttle = throttle;
    options.metrics = &metrics_;
    auth_ = std::make_unique<CallerAuthenticator>(options, *store_, nullptr, cache_, clock_);
  }
  void TearDown() override {
    auth_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }
  // A pull robot of team-a, its secret hashed with the test's cheap iteration count.
  Result<RobotWithSecret> PullRobot(const std::string& name) {
    RobotRequest request;
    request.project = "team-a";
    request.name = name;
    request.actions = {"pull"};
    registry::SecretHashOptions hashing;
    hashing.iterations = kIterations;
    return CreateRobotAccount(*store_, "test", "robot+", request, Now(), hashing);
  }
  Result<Caller> Login(const std::string& user, const std::string& password,
                       std::string_view source = "192.0.2.1:40000") {
    return auth_->AuthenticateBasic(
        user, password, std::chrono::steady_clock::now() + std::chrono::seconds(5), source);
  }
  double Metric(const std::string& series) {
    const std::string text = metrics_.RenderPrometheusText();
    const std::size_t at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
  }
  // The stored hashes verified since the last call.
  std::vector<std::string> Checked() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(checked_, {});
  }
  std::int64_t NewUser(const std::string& name) {
    auto user = store_->UpsertUserAtLogin({"https://idp.example", "sub-" + name, name, "", false});
    EXPECT_TRUE(user) << user.error().ToString();
    return user ? user->id : 0;
  }
  IssuedAccessToken NewToken(std::int64_t user_id, const std::string& name,
                             std::optional<std::int64_t> days) {
    AccessTokenRequest request;
    request.user_id = user_id;
    request.name = name;
    request.expires_days = days;
    registry::SecretHashOptions hashing;
    hashing.iterations = kIterations;
    auto issued = IssueAccessToken(*store_, "test", request, Now(), hashing);
    EXPECT_TRUE(issued) << issued.error().ToString();
    return issued ? *issued : IssuedAccessToken{};
  }

  ManualClock clock_{std::chrono::system_clock::now()};
  MetricsRegistry metrics_;
  std::string dir_;
  std::unique_ptr<registry::RegistryStore> store_;
  registry::VerifiedSecretCache cache_{{}, clock_};
  std::unique_ptr<CallerAuthenticator> auth_;
  std::mutex mu_;
  std::vector<std::string> checked_;
};

TEST_F(RegistryCallerTimingTest, UnknownRobotCostsOneVerificationOfTheSameIterations) {
  auto refused = Login("robot+team-a+ghost", "Secret123456789");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, RegistryServiceError::kUnauthorized);
  std::vector<std::string> checked = Checked();
  ASSERT_EQ(checked.size(), 1u);
  auto dummy = registry::ParseSecretHash(checked[0]);
  ASSERT_TRUE(dummy) << "the dummy must be a real hash, so the check costs a derivation";
  EXPECT_EQ(dummy->iterations, kIterations);

  // A known robot with a wrong secret costs the same single verification.
  auto robot = PullRobot("ci");
  ASSERT_TRUE(robot);
  EXPECT_FALSE(Login(robot->login, "Wrong123456789"));
  std::vector<std::string> known = Checked();
  ASSERT_EQ(known.size(), 1u);
  EXPECT_EQ(registry::ParseSecretHash(known[0])->iterations, kIterations);
  EXPECT_NE(known[0], checked[0]);
  // The right secret is accepted (the verifier is really used).
  EXPECT_TRUE(Login(robot->login, robot->secret));
  EXPECT_THAT(Checked(), ::testing::ElementsAre(known[0]));

  // A malformed robot login and a second unknown robot use the same, once-built dummy.
  EXPECT_FALSE(Login("robot+Not+Valid!", "x"));
  EXPECT_FALSE(Login("robot+team-a+other", "y"));
  EXPECT_THAT(Checked(), ::testing::ElementsAre(checked[0], checked[0]));
}

TEST_F(RegistryCallerTimingTest, UnknownUsersAndUsersWithoutUsableTokensCostOneVerification) {
  EXPECT_FALSE(Login("nobody", "Secret123456789"));
  std::vector<std::string> unknown = Checked();
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(registry::ParseSecretHash(unknown[0])->iterations, kIterations);

  const std::int64_t empty = NewUser("empty");
  ASSERT_NE(empty, 0);
  EXPECT_FALSE(Login("empty", "Secret123456789"));
  EXPECT_THAT(Checked(), ::testing::ElementsAre(unknown[0]));

  const std::int64_t expired = NewUser("expired");
  IssuedAccessToken old = NewToken(expired, "old", 1);
  clock_.Advance(std::chrono::hours(48));
  EXPECT_FALSE(Login("expired", old.secret));
  EXPECT_THAT(Checked(), ::testing::ElementsAre(unknown[0]));

  const std::int64_t holder = NewUser("holder");
  IssuedAccessToken token = NewToken(holder, "laptop", std::nullopt);
  // A secret not of the token form, or naming a token the person does not hold: the dummy.
  EXPECT_FALSE(Login("holder", "Wrong123456789"));
  EXPECT_FALSE(Login("holder", "gpat_desktop_Wrong123456789"));
  EXPECT_THAT(Checked(), ::testing::ElementsAre(unknown[0], unknown[0]));
  // A wrong secret for a token it names: that one token's hash, and only it.
  EXPECT_EQ(token.secret.rfind("gpat_laptop_", 0), 0u);
  EXPECT_FALSE(Login("holder", "gpat_laptop_Wrong123456789"));
  EXPECT_THAT(Checked(), ::testing::ElementsAre(token.token.secret_hash));
  auto caller = Login("holder", token.secret);
  ASSERT_TRUE(caller) << caller.error().ToString();
  EXPECT_EQ(caller->credential, CallerCredential::kAccessToken);
  EXPECT_EQ(caller->name, "holder");
}

TEST_F(RegistryCallerTimingTest, DummyIsBuiltOnceAcrossThreads) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([this, i] { (void)Login("robot+team-a+ghost" + std::to_string(i), "s"); });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<std::string> checked = Checked();
  ASSERT_EQ(checked.size(), 4u);
  for (const std::string& hash : checked) EXPECT_EQ(hash, checked[0]);
}

TEST_F(RegistryCallerTimingTest, CredentialKindIsRecorded) {
  auto robot = PullRobot("ci");
  ASSERT_TRUE(robot);
  auto caller = Login(robot->login, robot->secret);
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->kind, CallerKind::kRobot);
  EXPECT_EQ(caller->credential, CallerCredential::kRobotSecret);
  ServerRequest anonymous;
  auto nobody = auth_->Authenticate(anonymous);
  ASSERT_TRUE(nobody);
  EXPECT_EQ(nobody->credential, CallerCredential::kNone);
  EXPECT_TRUE(Checked().size() == 1u);  // the robot's secret only
}

// ---- Throttling: a flood of wrong passwords stops costing PBKDF2 checks ---------------------

TEST_F(RegistryCallerTimingTest, SourceFloodIsThrottledWithoutFurtherChecks) {
  registry::LoginThrottleOptions throttle;
  throttle.source_burst = 3;
  throttle.account_burst = 0;
  throttle.period = std::chrono::seconds(30);
  MakeAuthenticator(throttle);
  auto robot = PullRobot("ci");
  ASSERT_TRUE(robot);
  for (int i = 0; i < 3; ++i) {
    auto refused = Login("robot+team-a+ghost" + std::to_string(i), "Wrong123456789");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, RegistryServiceError::kUnauthorized);
  }
  EXPECT_EQ(Checked().size(), 3u);
  // The fourth try from that address is refused at once, known account or not, right secret or
  // not: no verification runs.
  for (const auto& [user, secret] :
       {std::pair<std::string, std::string>{"robot+team-a+ghost", "Wrong123456789"},
        {robot->login, robot->secret},
        {"someone", "gpat_laptop_Wrong123456789"}}) {
    auto throttled = Login(user, secret);
    ASSERT_FALSE(throttled) << user;
    EXPECT_EQ(throttled.error().code, RegistryServiceError::kThrottled);
    EXPECT_EQ(throttled.error().message, "too many failed logins; retry in 10 s");
  }
  EXPECT_TRUE(Checked().empty());
  EXPECT_EQ(auth_->throttle_retry_after(), std::chrono::seconds(10));
  // Another address is not affected.
  EXPECT_TRUE(Login(robot->login, robot->secret, "[2001:db8::1]:5000"));
  // Counted by reason.
  EXPECT_EQ(Metric("gatehouse_registry_login_failures_total{reason=\"unknown_account\"}"), 3);
  EXPECT_EQ(Metric("gatehouse_registry_login_failures_total{reason=\"throttled\"}"), 3);
  EXPECT_EQ(Metric("gatehouse_registry_logins_throttled_total{by=\"source\"}"), 3);
  // Time earns tries back.
  clock_.Advance(std::chrono::seconds(10));
  EXPECT_TRUE(Login(robot->login, robot->secret));
}

TEST_F(RegistryCallerTimingTest, ThrottledAccountStillAcceptsItsAlreadyVerifiedSecret) {
  registry::LoginThrottleOptions throttle;
  throttle.source_burst = 0;
  throttle.account_burst = 2;
  MakeAuthenticator(throttle);
  auto robot = PullRobot("ci");
  ASSERT_TRUE(robot);
  ASSERT_TRUE(Login(robot->login, robot->secret, "10.1.1.1:1"));  // CI's login: now cached
  ASSERT_EQ(Checked().size(), 1u);
  // Someone guesses the robot's secret from elsewhere until the account is throttled.
  EXPECT_EQ(Login(robot->login, "Guess1", "10.6.6.6:1").error().code,
            RegistryServiceError::kUnauthorized);
  EXPECT_EQ(Login(robot->login, "Guess2", "10.6.6.7:1").error().code,
            RegistryServiceError::kUnauthorized);
  EXPECT_EQ(Login(robot->login, "Guess3", "10.6.6.8:1").error().code,
            RegistryServiceError::kThrottled);
  EXPECT_EQ(Checked().size(), 2u);
  // CI keeps working: its secret needs no derivation, so the throttle is not asked.
  auto ci = Login(robot->login, robot->secret, "10.1.1.1:2");
  ASSERT_TRUE(ci) << ci.error().ToString();
  EXPECT_TRUE(Checked().empty());
  EXPECT_EQ(Metric("gatehouse_registry_login_failures_total{reason=\"wrong_secret\"}"), 2);
  EXPECT_EQ(Metric("gatehouse_registry_logins_throttled_total{by=\"account\"}"), 1);
}

TEST_F(RegistryCallerTimingTest, RightSecretOfADisabledRobotSpendsNoTry) {
  registry::LoginThrottleOptions throttle;
  throttle.source_burst = 1;
  throttle.account_burst = 1;
  MakeAuthenticator(throttle);
  auto robot = PullRobot("ci");
  ASSERT_TRUE(robot);
  ASSERT_TRUE(store_->SetRobotDisabled("test", robot->robot.id, true));
  for (int i = 0; i < 3; ++i) {
    auto refused = Login(robot->login, robot->secret);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, RegistryServiceError::kUnauthorized);
    EXPECT_EQ(refused.error().message, "robot account " + robot->login + " is disabled");
  }
  EXPECT_EQ(Metric("gatehouse_registry_login_failures_total{reason=\"disabled\"}"), 3);
}

}  // namespace
}  // namespace gatehouse::adapters::registry_service
