// The cached authentication path of the webhook: a token seen before, answered through the
// IdentityChain (OIDC issuer and Keystone both configured, as on a real platform). Issue 3 asks
// that a repeated OIDC token be at least as fast as a repeated Keystone token; the last line
// prints that ratio. Both authenticators are the production ones; only their HTTP clients are
// canned (the first call fills the caches, later calls never reach them).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "../tests/unit/adapters/oidc/oidc_test_support.h"
#include "../tests/unit/adapters/recording_http_client.h"
#include "adapters/identity/identity_chain.h"
#include "adapters/keystone/keystone_authenticator.h"
#include "adapters/oidc/jwks_cache.h"
#include "adapters/oidc/oidc_authenticator.h"

namespace {

namespace adapters = gatehouse::adapters;
namespace support = gatehouse::adapters::testing;

// A Fernet token as Keystone issues them (length and alphabet; the content is never parsed).
const std::string kKeystoneToken =
    "gAAAAABpV1cWbC4eKp5x1M2yH3oTz8Yq7kWd4sJf2nR9aLmXvB0cE6tU-hGiOjPqS_rDwF3e5gZxC7vN1bM8kA2sQ"
    "9uL4yT6pR0oI3wE5rT7yU9iO1pA3sD5fG7hJ9kL1zX3cV5bN7mQ2wE4rT6yU8iO0pA2sD4fG6hJ8kL0zX2cV4bN6m";

std::string Testdata(const std::string& name) {
  std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/tests/unit/authn/keystone/testdata/" +
                   name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Fixture {
  Fixture() {
    auto keystone_http = std::make_shared<support::RecordingHttpClient>(
        [](const adapters::HttpRequest& request) -> gatehouse::Result<adapters::HttpResponse> {
          if (request.url.find("/groups") != std::string::npos) {
            return support::Respond(200, Testdata("groups.json"));
          }
          // The recorded token has expired by now; move its expiry far ahead.
          std::string body = Testdata("token_project.json");
          const std::string key = "\"expires_at\": \"";
          if (auto at = body.find(key); at != std::string::npos) {
            body.replace(at + key.size(), 4, "2200");
          }
          return support::Respond(200, body);
        });
    adapters::KeystoneAuthenticatorOptions keystone_options;
    keystone_options.url = "http://127.0.0.1:5000/v3";
    keystone_options.positive_ttl = std::chrono::seconds(3600);
    keystone = std::shared_ptr<adapters::KeystoneAuthenticator>(
        std::move(*adapters::KeystoneAuthenticator::Create(keystone_options, keystone_http)));

    auto key = support::KeyA();
    const std::string jwks = support::JwksOf(key, "kid-a");
    const std::string jwks_file = "/tmp/gatehouse-identity-cache-bench-jwks.json";
    std::ofstream(jwks_file) << jwks;
    adapters::JwksCacheOptions cache_options;
    cache_options.issuer = support::kIssuer;
    cache_options.jwks_file = jwks_file;
    auto keys = std::make_shared<adapters::JwksCache>(cache_options, nullptr,
                                                      gatehouse::SystemClock::Instance());
    (void)keys->Refresh();
    adapters::OidcAuthenticatorOptions oidc_options;
    oidc_options.verify.issuer = support::kIssuer;
    oidc_options.verify.audiences = {support::kAudience};
    oidc_options.verify.allowed_algs = {"RS256"};
    oidc_options.mapping.groups_claim = "groups";
    oidc_options.positive_ttl = std::chrono::seconds(3600);
    auto oidc = std::shared_ptr<adapters::OidcAuthenticator>(
        std::move(*adapters::OidcAuthenticator::Create(oidc_options, keys)));
    oidc_token = support::Token(
        key, "kid-a",
        support::BaseClaims(gatehouse::SystemClock::Instance(), std::chrono::seconds(3600)));

    chain = std::make_unique<adapters::IdentityChain>(
        std::vector<adapters::IssuerAuthenticator>{{support::kIssuer, oidc}}, keystone);
    auto keystone_user = chain->Authenticate(kKeystoneToken);
    if (!keystone_user) keystone_error = keystone_user.error().ToString();
    auto oidc_user = chain->Authenticate(oidc_token);
    if (!oidc_user) oidc_error = oidc_user.error().ToString();
  }

  std::shared_ptr<adapters::KeystoneAuthenticator> keystone;
  std::unique_ptr<adapters::IdentityChain> chain;
  std::string oidc_token;
  std::string keystone_error;  // empty: the first authentication succeeded
  std::string oidc_error;
};

Fixture& TheFixture() {
  static Fixture fixture;
  return fixture;
}

void BM_CachedKeystoneToken(benchmark::State& state) {
  Fixture& f = TheFixture();
  if (!f.keystone_error.empty()) state.SkipWithError(f.keystone_error.c_str());
  for (auto _ : state) {
    auto user = f.chain->Authenticate(kKeystoneToken);
    benchmark::DoNotOptimize(user);
  }
  state.counters["token_bytes"] = static_cast<double>(kKeystoneToken.size());
}
BENCHMARK(BM_CachedKeystoneToken);

void BM_CachedOidcToken(benchmark::State& state) {
  Fixture& f = TheFixture();
  if (!f.oidc_error.empty()) state.SkipWithError(f.oidc_error.c_str());
  for (auto _ : state) {
    auto user = f.chain->Authenticate(f.oidc_token);
    benchmark::DoNotOptimize(user);
  }
  state.counters["token_bytes"] = static_cast<double>(f.oidc_token.size());
}
BENCHMARK(BM_CachedOidcToken);

// Prints "cached OIDC / cached Keystone speed: R" (≥ 1 means OIDC is at least as fast).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration) continue;
      const double ns = run.GetAdjustedRealTime();
      if (run.benchmark_name().find("Keystone") != std::string::npos) keystone_ns_ = ns;
      if (run.benchmark_name().find("Oidc") != std::string::npos) oidc_ns_ = ns;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    if (keystone_ns_ > 0 && oidc_ns_ > 0) {
      std::printf("cached OIDC / cached Keystone speed: %.2f (%.0f ns vs %.0f ns per token)\n",
                  keystone_ns_ / oidc_ns_, oidc_ns_, keystone_ns_);
    }
  }

 private:
  double keystone_ns_ = 0;
  double oidc_ns_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
