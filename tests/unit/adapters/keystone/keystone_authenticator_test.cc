#include "adapters/keystone/keystone_authenticator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <latch>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../recording_http_client.h"
#include "adapters/http/http_errors.h"
#include "adapters/keystone/keystone_auth_errors.h"
#include "authn/keystone/keystone_errors.h"
#include "authn/keystone/user_info_builder.h"

namespace gatehouse::adapters {
namespace {

using std::chrono::seconds;
using Strings = std::vector<std::string>;

constexpr char kUrl[] = "http://keystone.test:5000/v3";
constexpr char kUserId[] = "295f16e1c23841828ece1ac27bc9faf5";
constexpr char kProjectId[] = "fe88d664c3a54173bd832d853b11d720";
constexpr char kToken[] = "gAAAAABuserToken-secret-value";

std::string Testdata(const std::string& name) {
  std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/tests/unit/authn/keystone/testdata/" +
                   name);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

std::string Header(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

using FakeKeystone = testing::RecordingHttpClient;
using testing::Respond;

// A self-validating Keystone knowing one token: the captured demo user (SPEC H10).
Result<HttpResponse> DemoKeystone(const HttpRequest& request) {
  const std::string auth = Header(request, "X-Auth-Token");
  if (request.url == std::string(kUrl) + "/auth/tokens?nocatalog") {
    if (auth != kToken) return Respond(401, Testdata("error_401.json"));
    if (Header(request, "X-Subject-Token") != kToken)
      return Respond(404, Testdata("error_404.json"));
    return Respond(200, Testdata("token_project.json"));
  }
  if (request.url == std::string(kUrl) + "/users/" + kUserId + "/groups") {
    if (auth != kToken) return Respond(401, Testdata("error_401.json"));
    return Respond(200, Testdata("groups.json"));
  }
  return Respond(404, R"({"error": {"code": 404, "message": "not here"}})");
}

class KeystoneAuthenticatorTest : public ::testing::Test {
 protected:
  // Starts one second before the captured tokens expire (2026-11-25T12:49:02Z).
  KeystoneAuthenticatorTest()
      : clock_(std::chrono::system_clock::time_point(seconds(1795610942 - 3600))) {}

  std::unique_ptr<KeystoneAuthenticator> Make(KeystoneAuthenticatorOptions options = {}) {
    if (options.url.empty()) options.url = kUrl;
    Result<std::unique_ptr<KeystoneAuthenticator>> made =
        KeystoneAuthenticator::Create(options, fake_, clock_);
    EXPECT_TRUE(made.has_value()) << made.error().ToString();
    return made ? std::move(made).value() : nullptr;
  }
  void Serve(FakeKeystone::Handler handler) { fake_->set_handler(std::move(handler)); }

  ManualClock clock_;
  std::shared_ptr<FakeKeystone> fake_ = std::make_shared<FakeKeystone>(DemoKeystone);
};

void ExpectNoSecret(const Result<k8s::UserInfo>& r) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message.find(kToken), std::string::npos) << r.error().message;
}

TEST_F(KeystoneAuthenticatorTest, SelfValidationProducesReferenceIdentity) {
  auto auth = Make();
  Result<k8s::UserInfo> user = auth->Authenticate(kToken);
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->username, "demo");
  EXPECT_EQ(user->uid, kUserId);
  EXPECT_EQ(user->groups, (Strings{"mygroup", kProjectId}));
  const k8s::Extra expected = {
      {"alpha.kubernetes.io/identity/roles", {"member", "reader"}},
      {"alpha.kubernetes.io/identity/project/id", {kProjectId}},
      {"alpha.kubernetes.io/identity/project/name", {"demo"}},
      {"alpha.kubernetes.io/identity/user/domain/id", {"default"}},
      {"alpha.kubernetes.io/identity/user/domain/name", {"Default"}},
  };
  ASSERT_TRUE(user->extra.has_value());
  EXPECT_EQ(*user->extra, expected);

  std::vector<HttpRequest> requests = fake_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(Header(requests[0], "X-Auth-Token"), kToken);
  EXPECT_EQ(Header(requests[0], "X-Subject-Token"), kToken);
  EXPECT_EQ(Header(requests[0], "Accept"), "application/json");
  EXPECT_LE(requests[0].timeout.count(), 2000);
  EXPECT_GT(requests[0].timeout.count(), 0);
  EXPECT_EQ(requests[1].url, std::string(kUrl) + "/users/" + kUserId + "/groups");
  EXPECT_EQ(Header(requests[1], "X-Auth-Token"), kToken);
  EXPECT_EQ(Header(requests[1], "X-Subject-Token"), "<absent>");
}

TEST_F(KeystoneAuthenticatorTest, SuccessIsCachedButNotPastTokenExpiry) {
  KeystoneAuthenticatorOptions options;
  options.positive_ttl = seconds(600);
  auto auth = Make(options);
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  clock_.Advance(seconds(599));
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  EXPECT_EQ(fake_->requests().size(), 2u);
  EXPECT_EQ(auth->stats().cache.hits, 1u);
  EXPECT_EQ(auth->stats().keystone_requests, 2u);

  // Past the TTL and past expires_at: Keystone (this fake) still says 200, we say expired.
  clock_.Advance(seconds(3001));
  Result<k8s::UserInfo> r = auth->Authenticate(kToken);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, KeystoneAuthError::kTokenExpired);
  EXPECT_EQ(fake_->requests().size(), 3u);
  // Negative results are cached too.
  EXPECT_EQ(auth->Authenticate(kToken).error().code, KeystoneAuthError::kTokenExpired);
  EXPECT_EQ(fake_->requests().size(), 3u);
}

TEST_F(KeystoneAuthenticatorTest, PositiveTtlCappedByTokenExpiry) {
  KeystoneAuthenticatorOptions options;
  options.positive_ttl = seconds(7200);  // longer than the token's remaining hour
  auto auth = Make(options);
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  clock_.Advance(seconds(3600));
  EXPECT_EQ(auth->Authenticate(kToken).error().code, KeystoneAuthError::kTokenExpired);
}

TEST_F(KeystoneAuthenticatorTest, OtherScopesAreRejectedAndCached) {
  for (const char* body_file : {"token_unscoped.json", "token_system.json"}) {
    std::string body = Testdata(body_file);
    Serve([body](const HttpRequest&) { return Respond(200, body); });
    auto auth = Make();
    Result<k8s::UserInfo> r = auth->Authenticate(kToken);
    ASSERT_FALSE(r.has_value()) << body_file;
    EXPECT_EQ(r.error().code, KeystoneAuthError::kTokenNotProjectScoped);
    ExpectNoSecret(r);
    const std::size_t before = fake_->requests().size();
    EXPECT_EQ(auth->Authenticate(kToken).error().code, KeystoneAuthError::kTokenNotProjectScoped);
    EXPECT_EQ(fake_->requests().size(), before) << "negative result not cached";
  }
  Serve([](const HttpRequest&) {
    return Respond(200, R"({"token": {"user": {"id": "u", "name": "n"}, "domain": {"id": "d"},
                     "expires_at": "2026-11-25T12:49:02Z", "roles": [{"name": "admin"}]}})");
  });
  Result<k8s::UserInfo> r = Make()->Authenticate(kToken);
  EXPECT_EQ(r.error().code, KeystoneAuthError::kTokenNotProjectScoped);
  EXPECT_NE(r.error().message.find("domain-scoped"), std::string::npos);
  // No group listing for rejected tokens.
  for (const HttpRequest& request : fake_->requests()) {
    EXPECT_EQ(request.url.find("/groups"), std::string::npos);
  }
}

TEST_F(KeystoneAuthenticatorTest, UnknownTokenIsInvalidAndCachedForNegativeTtl) {
  KeystoneAuthenticatorOptions options;
  options.negative_ttl = seconds(10);
  auto auth = Make(options);
  const std::string bogus = "bogus-token";
  Result<k8s::UserInfo> r = auth->Authenticate(bogus);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, KeystoneAuthError::kTokenInvalid);
  EXPECT_NE(r.error().message.find("401"), std::string::npos);
  EXPECT_EQ(r.error().message.find(bogus), std::string::npos);
  EXPECT_EQ(auth->Authenticate(bogus).error().code, KeystoneAuthError::kTokenInvalid);
  EXPECT_EQ(fake_->requests().size(), 1u);
  EXPECT_EQ(auth->stats().cache.negative_hits, 1u);
  clock_.Advance(seconds(10));
  EXPECT_EQ(auth->Authenticate(bogus).error().code, KeystoneAuthError::kTokenInvalid);
  EXPECT_EQ(fake_->requests().size(), 2u);
}

TEST_F(KeystoneAuthenticatorTest, NotFoundIsInvalid) {
  Serve([](const HttpRequest&) { return Respond(404, Testdata("error_404.json")); });
  Result<k8s::UserInfo> r = Make()->Authenticate(kToken);
  EXPECT_EQ(r.error().code, KeystoneAuthError::kTokenInvalid);
  EXPECT_NE(r.error().message.find("Could not recognize Fernet token"), std::string::npos);
}

TEST_F(KeystoneAuthenticatorTest, ForbiddenIsNotCached) {
  Serve([](const HttpRequest&) { return Respond(403, Testdata("error_403.json")); });
  auto auth = Make();
  Result<k8s::UserInfo> r = auth->Authenticate(kToken);
  EXPECT_EQ(r.error().code, KeystoneAuthError::kForbidden);
  EXPECT_NE(r.error().message.find("identity:validate_token"), std::string::npos);
  ExpectNoSecret(r);
  (void)auth->Authenticate(kToken);
  EXPECT_EQ(fake_->requests().size(), 2u);
}

TEST_F(KeystoneAuthenticatorTest, TransportErrorsAreUnavailableAndNotCached) {
  Serve([](const HttpRequest&) -> Result<HttpResponse> {
    return MakeError(HttpError::kTimeout, "no response within 2000 ms");
  });
  auto auth = Make();
  Result<k8s::UserInfo> r = auth->Authenticate(kToken);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, KeystoneAuthError::kUnavailable);
  EXPECT_NE(r.error().message.find("http_timeout"), std::string::npos);
  ExpectNoSecret(r);
  Serve(DemoKeystone);  // Keystone is back: the failure was not remembered
  EXPECT_TRUE(auth->Authenticate(kToken).has_value());
  EXPECT_EQ(auth->stats().keystone_errors, 1u);
}

TEST_F(KeystoneAuthenticatorTest, ServerErrorsAndOddStatusesAreUnavailable) {
  for (int status : {500, 503, 302, 400}) {
    Serve([status](const HttpRequest&) { return Respond(status, "<html>oops</html>"); });
    Result<k8s::UserInfo> r = Make()->Authenticate(kToken);
    ASSERT_FALSE(r.has_value()) << status;
    EXPECT_EQ(r.error().code, KeystoneAuthError::kUnavailable) << status;
    EXPECT_NE(r.error().message.find(std::to_string(status)), std::string::npos);
  }
}

TEST_F(KeystoneAuthenticatorTest, GroupListingFailures) {
  struct Case {
    int status;
    const char* body;
    ErrorCode code;
  } cases[] = {
      {401, R"({"error": {"code": 401, "message": "x"}})", KeystoneAuthError::kTokenInvalid},
      {403, R"({"error": {"code": 403, "message": "identity:list_groups_for_user"}})",
       KeystoneAuthError::kForbidden},
      {502, "", KeystoneAuthError::kUnavailable},
      {200, "not json", authn::KeystoneError::kBadResponse},
      {200, R"({"groups": [{"id": "g"}]})", authn::KeystoneError::kBadResponse},
  };
  for (const Case& c : cases) {
    Serve([&c](const HttpRequest& request) -> Result<HttpResponse> {
      if (request.url.find("/groups") != std::string::npos) return Respond(c.status, c.body);
      return DemoKeystone(request);
    });
    Result<k8s::UserInfo> r = Make()->Authenticate(kToken);
    ASSERT_FALSE(r.has_value()) << c.status;
    EXPECT_EQ(r.error().code, c.code) << c.status << " " << c.body;
  }
}

TEST_F(KeystoneAuthenticatorTest, BadValidationBody) {
  for (const char* body : {"{", R"({"token": {"user": {}}})", "[]"}) {
    Serve([body](const HttpRequest&) { return Respond(200, body); });
    Result<k8s::UserInfo> r = Make()->Authenticate(kToken);
    EXPECT_EQ(r.error().code, authn::KeystoneError::kBadResponse) << body;
  }
}

TEST_F(KeystoneAuthenticatorTest, FollowsGroupPagination) {
  const std::string first = std::string(kUrl) + "/users/" + kUserId + "/groups";
  const std::string second = first + "?marker=g2";
  Serve([&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url == first) {
      return Respond(200, R"({"groups": [{"name": "g1"}, {"name": "g2"}],
                             "links": {"next": ")" +
                              second + R"("}})");
    }
    if (request.url == second) {
      EXPECT_EQ(Header(request, "X-Auth-Token"), kToken);
      return Respond(200, R"({"groups": [{"name": "g3"}], "links": {"next": null}})");
    }
    return DemoKeystone(request);
  });
  Result<k8s::UserInfo> r = Make()->Authenticate(kToken);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->groups, (Strings{"g1", "g2", "g3", kProjectId}));
}

TEST_F(KeystoneAuthenticatorTest, PaginationIsBoundedAndStaysOnKeystone) {
  // links.next pointing elsewhere would send the user's token to another server.
  Serve([](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/groups") != std::string::npos) {
      return Respond(200, R"({"groups": [], "links": {"next": "http://evil.test/v3/x"}})");
    }
    return DemoKeystone(request);
  });
  Result<k8s::UserInfo> r = Make()->Authenticate(kToken);
  EXPECT_EQ(r.error().code, authn::KeystoneError::kBadResponse);
  for (const HttpRequest& request : fake_->requests()) {
    EXPECT_EQ(request.url.find("evil"), std::string::npos);
  }

  // A Keystone that always has one more page.
  Serve([](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/groups") != std::string::npos) {
      return Respond(200, R"({"groups": [{"name": "g"}], "links": {"next": ")" + std::string(kUrl) +
                              "/users/x/groups?marker=" + std::to_string(request.url.size()) +
                              R"("}})");
    }
    return DemoKeystone(request);
  });
  KeystoneAuthenticatorOptions options;
  options.max_group_pages = 3;
  auto auth = Make(options);
  const std::size_t before = fake_->requests().size();
  r = auth->Authenticate(kToken);
  EXPECT_EQ(r.error().code, authn::KeystoneError::kBadResponse);
  EXPECT_EQ(fake_->requests().size() - before, 1u + 3u);
}

TEST_F(KeystoneAuthenticatorTest, TimeoutIsABudgetForAllCalls) {
  KeystoneAuthenticatorOptions options;
  options.timeout = std::chrono::milliseconds(500);
  Serve([this](const HttpRequest& request) {
    EXPECT_LE(request.timeout.count(), 500);
    clock_.Advance(std::chrono::milliseconds(600));  // the validation call used it all
    return DemoKeystone(request);
  });
  auto auth = Make(options);
  Result<k8s::UserInfo> r = auth->Authenticate(kToken);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, KeystoneAuthError::kUnavailable);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos);
  EXPECT_EQ(fake_->requests().size(), 1u);  // groups were never asked for
}

TEST_F(KeystoneAuthenticatorTest, MalformedTokensNeverReachKeystone) {
  auto auth = Make();
  for (std::string token : {std::string(""), std::string("a\r\nX-Evil: 1"), std::string("a b"),
                            std::string(9000, 'a')}) {
    Result<k8s::UserInfo> r = auth->Authenticate(token);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, KeystoneAuthError::kTokenInvalid);
  }
  EXPECT_TRUE(fake_->requests().empty());
}

TEST_F(KeystoneAuthenticatorTest, RoleMappingsAppliedAfterCacheAndReloadable) {
  Result<authn::KeystoneSyncConfig> sync = authn::ParseKeystoneSyncConfig(
      "role-mappings:\n  - keystone-role: member\n    username: myuser\n    groups: [g]\n");
  ASSERT_TRUE(sync.has_value());
  KeystoneAuthenticatorOptions options;
  options.sync_config = std::make_shared<const authn::KeystoneSyncConfig>(*sync);
  auto auth = Make(options);
  Result<k8s::UserInfo> r = auth->Authenticate(kToken);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->username, "myuser");
  EXPECT_EQ(r->groups, (Strings{"mygroup", kProjectId, "g"}));
  // From the cache: mapped once, not twice.
  r = auth->Authenticate(kToken);
  EXPECT_EQ(r->groups, (Strings{"mygroup", kProjectId, "g"}));
  auth->SetSyncConfig(nullptr);
  r = auth->Authenticate(kToken);
  EXPECT_EQ(r->username, "demo");
  EXPECT_EQ(r->groups, (Strings{"mygroup", kProjectId}));
  EXPECT_EQ(fake_->requests().size(), 2u);
}

TEST_F(KeystoneAuthenticatorTest, SingleFlightAcrossThreads) {
  constexpr int kThreads = 6;
  std::unique_ptr<KeystoneAuthenticator> auth;
  Serve([&](const HttpRequest& request) {
    if (request.url.find("/auth/tokens") != std::string::npos) {
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (auth->stats().cache.coalesced < kThreads - 1 &&
             std::chrono::steady_clock::now() < give_up) {
        std::this_thread::yield();
      }
    }
    return DemoKeystone(request);
  });
  auth = Make();
  std::latch start(kThreads);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      if (auth->Authenticate(kToken).has_value()) ++ok;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads);
  EXPECT_EQ(fake_->requests().size(), 2u);
}

// --- service credentials ---

constexpr char kServiceToken[] = "gAAAAABservice-token";

class ServiceKeystone {
 public:
  Result<HttpResponse> operator()(const HttpRequest& request) {
    if (request.method == "POST" && request.url == std::string(kUrl) + "/auth/tokens") {
      ++issued;
      last_body = request.body;
      current = kServiceToken + std::to_string(issued);
      return Respond(201, R"({"token": {"expires_at": "2026-11-25T12:49:02.000000Z"}})",
                     {{"X-Subject-Token", current}});
    }
    if (Header(request, "X-Auth-Token") != current) return Respond(401, Testdata("error_401.json"));
    if (request.url == std::string(kUrl) + "/auth/tokens?nocatalog") {
      if (Header(request, "X-Subject-Token") != kToken) {
        return Respond(404, Testdata("error_404.json"));
      }
      return Respond(200, Testdata("token_project.json"));
    }
    if (request.url == std::string(kUrl) + "/users/" + kUserId + "/groups") {
      return Respond(200, Testdata("groups.json"));
    }
    return Respond(404, "{}");
  }
  int issued = 0;
  std::string current = "none";
  std::string last_body;
};

KeystoneAuthenticatorOptions ServiceOptions() {
  KeystoneAuthenticatorOptions options;
  options.mode = KeystoneValidationMode::kServiceToken;
  options.service_credentials.user_name = "gatehouse";
  options.service_credentials.user_domain_name = "Default";
  options.service_credentials.password = "service-password";
  options.service_credentials.project_name = "service";
  options.positive_ttl = seconds(0);  // every call goes to Keystone
  options.negative_ttl = seconds(0);
  return options;
}

TEST_F(KeystoneAuthenticatorTest, ServiceTokenValidatesUserTokens) {
  auto keystone = std::make_shared<ServiceKeystone>();
  Serve([keystone](const HttpRequest& r) { return (*keystone)(r); });
  auto auth = Make(ServiceOptions());
  Result<k8s::UserInfo> r = auth->Authenticate(kToken);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->username, "demo");
  EXPECT_EQ(r->groups, (Strings{"mygroup", kProjectId}));
  EXPECT_NE(keystone->last_body.find("\"password\""), std::string::npos);
  EXPECT_NE(keystone->last_body.find("\"service\""), std::string::npos);

  std::vector<HttpRequest> requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].url, std::string(kUrl) + "/auth/tokens?nocatalog");
  EXPECT_EQ(Header(requests[1], "X-Auth-Token"), std::string(kServiceToken) + "1");
  EXPECT_EQ(Header(requests[1], "X-Subject-Token"), kToken);
  EXPECT_EQ(Header(requests[2], "X-Auth-Token"), std::string(kServiceToken) + "1");

  // Reused for the next request; an unknown user token is a 404 → token_invalid.
  EXPECT_EQ(auth->Authenticate("other-token").error().code, KeystoneAuthError::kTokenInvalid);
  EXPECT_EQ(keystone->issued, 1);
  EXPECT_EQ(auth->stats().service_tokens_issued, 1u);
}

TEST_F(KeystoneAuthenticatorTest, ServiceTokenReissuedOn401AndBeforeExpiry) {
  auto keystone = std::make_shared<ServiceKeystone>();
  Serve([keystone](const HttpRequest& r) { return (*keystone)(r); });
  KeystoneAuthenticatorOptions options = ServiceOptions();
  options.service_token_refresh_margin = seconds(60);
  auto auth = Make(options);
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  EXPECT_EQ(keystone->issued, 1);

  keystone->current = "revoked-behind-our-back";
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  EXPECT_EQ(keystone->issued, 2);

  // 3600 s lifetime, 60 s margin: still reused at -61 s, re-issued at -60 s.
  clock_.Advance(seconds(3600 - 61));
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  EXPECT_EQ(keystone->issued, 2);
  clock_.Advance(seconds(1));
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  EXPECT_EQ(keystone->issued, 3);
}

TEST_F(KeystoneAuthenticatorTest, RejectedServiceCredentialsAreUnavailable) {
  Serve([](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.method == "POST") return Respond(401, Testdata("error_401.json"));
    return Respond(500, "");
  });
  auto auth = Make(ServiceOptions());
  Result<k8s::UserInfo> r = auth->Authenticate(kToken);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, KeystoneAuthError::kUnavailable);
  EXPECT_NE(r.error().message.find("service token"), std::string::npos);
  EXPECT_EQ(r.error().message.find("service-password"), std::string::npos);
  ExpectNoSecret(r);
  EXPECT_EQ(fake_->requests().size(), 1u);
}

TEST_F(KeystoneAuthenticatorTest, ServiceTokenStillRejectedAfterReissue) {
  int posts = 0;
  Serve([&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.method == "POST") {
      ++posts;
      return Respond(201, R"({"token": {"expires_at": "2026-11-25T12:49:02Z"}})",
                     {{"X-Subject-Token", "svc"}});
    }
    return Respond(401, Testdata("error_401.json"));
  });
  Result<k8s::UserInfo> r = Make(ServiceOptions())->Authenticate(kToken);
  EXPECT_EQ(r.error().code, KeystoneAuthError::kUnavailable);
  EXPECT_EQ(posts, 2);
}

TEST_F(KeystoneAuthenticatorTest, ApplicationCredentialServiceToken) {
  auto keystone = std::make_shared<ServiceKeystone>();
  Serve([keystone](const HttpRequest& r) { return (*keystone)(r); });
  KeystoneAuthenticatorOptions options;
  options.mode = KeystoneValidationMode::kServiceToken;
  options.service_credentials.application_credential_id = "ac-id";
  options.service_credentials.application_credential_secret = "ac-secret";
  auto auth = Make(options);
  ASSERT_TRUE(auth->Authenticate(kToken).has_value());
  EXPECT_NE(keystone->last_body.find("application_credential"), std::string::npos);
  EXPECT_NE(keystone->last_body.find("ac-id"), std::string::npos);
}

TEST(KeystoneAuthenticatorCreateTest, OptionsAreValidated) {
  auto fake = std::make_shared<FakeKeystone>(DemoKeystone);
  auto create = [&](std::string url, KeystoneAuthenticatorOptions options = {}) {
    options.url = std::move(url);
    return KeystoneAuthenticator::Create(options, fake, SystemClock::Instance());
  };
  EXPECT_TRUE(create("http://k:5000/v3").has_value());
  EXPECT_TRUE(create("https://k/identity/v3/").has_value());
  EXPECT_EQ(create("http://k:5000").error().code, KeystoneAuthError::kInvalidOptions);
  EXPECT_EQ(create("http://k:5000/v2.0").error().code, KeystoneAuthError::kInvalidOptions);
  EXPECT_EQ(create("ftp://k/v3").error().code, KeystoneAuthError::kInvalidOptions);
  EXPECT_EQ(create("").error().code, KeystoneAuthError::kInvalidOptions);
  KeystoneAuthenticatorOptions zero;
  zero.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(create("http://k/v3", zero).error().code, KeystoneAuthError::kInvalidOptions);
  KeystoneAuthenticatorOptions no_client;
  no_client.url = "http://k/v3";
  EXPECT_EQ(KeystoneAuthenticator::Create(no_client, nullptr).error().code,
            KeystoneAuthError::kInvalidOptions);
  KeystoneAuthenticatorOptions service;
  service.mode = KeystoneValidationMode::kServiceToken;
  service.service_credentials.user_name = "svc";
  Result<std::unique_ptr<KeystoneAuthenticator>> r = create("http://k/v3", service);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, authn::KeystoneError::kCredentialIncomplete);
}

TEST(KeystoneAuthenticatorCreateTest, TrailingSlashIsNormalised) {
  auto fake = std::make_shared<FakeKeystone>(DemoKeystone);
  KeystoneAuthenticatorOptions options;
  options.url = std::string(kUrl) + "/";
  ManualClock clock(std::chrono::system_clock::time_point(seconds(1795610942 - 10)));
  auto auth = KeystoneAuthenticator::Create(options, fake, clock);
  ASSERT_TRUE(auth.has_value());
  EXPECT_TRUE((*auth)->Authenticate(kToken).has_value());
}

}  // namespace
}  // namespace gatehouse::adapters
