// JWT verification cost: ParseJwsCompact + VerifyJwt (parse, key selection, signature, claims)
// over 1000 distinct pre-signed RS256 and ES256 tokens, against the floor set by OpenSSL alone —
// EVP_DigestVerify of the same signatures (ECDSA already in DER) with a digest fetched once,
// measured in the same run. Each gatehouse benchmark reports `vs_openssl`, its rate as a
// fraction of the matching reference's rate in CPU time (the target is >= 0.70); run the
// reference first (the default order, or --benchmark_filter matching both).
#include <benchmark/benchmark.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "authn/jwt/jwk.h"
#include "authn/jwt/jws.h"
#include "authn/jwt/verifier.h"
#include "common/codec/base64.h"
#include "value/json.h"

namespace {

namespace codec = gatehouse::codec;
namespace jwt = gatehouse::authn::jwt;
using gatehouse::value::Value;

constexpr int kTokens = 1000;
constexpr std::int64_t kNow = 1'800'000'000;
constexpr char kIssuer[] = "https://keycloak.example/realms/tenants";

void Require(bool ok) {
  if (!ok) std::abort();
}

std::string BnBytes(const EVP_PKEY* key, const char* param, std::size_t pad) {
  BIGNUM* bn = nullptr;
  Require(EVP_PKEY_get_bn_param(key, param, &bn) == 1);
  std::string out(pad != 0 ? pad : static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

std::string Sign(EVP_PKEY* key, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Require(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  Require(EVP_DigestSign(ctx, nullptr, &length, data, input.size()) == 1);
  std::string signature(length, '\0');
  Require(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                         input.size()) == 1);
  signature.resize(length);
  EVP_MD_CTX_free(ctx);
  return signature;
}

std::string DerToRaw(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  Require(sig != nullptr);
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

// One algorithm's fixture: a key, its JWKS, and kTokens distinct tokens with, for the
// reference, their signing inputs and OpenSSL-native signatures.
struct Fixture {
  std::shared_ptr<EVP_PKEY> key;
  jwt::JsonWebKeySet jwks;
  jwt::VerifyOptions options;
  std::vector<std::string> tokens;
  std::vector<std::string> signing_inputs;
  std::vector<std::string> native_signatures;
};

Fixture MakeFixture(bool ec) {
  Fixture f;
  f.key.reset(ec ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                 : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}),
              EVP_PKEY_free);
  Require(f.key != nullptr);
  Value jwk = Value::MakeObject();
  if (ec) {
    jwk.Set("kty", "EC");
    jwk.Set("crv", "P-256");
    jwk.Set("x", codec::EncodeBase64Url(BnBytes(f.key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)));
    jwk.Set("y", codec::EncodeBase64Url(BnBytes(f.key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)));
  } else {
    jwk.Set("kty", "RSA");
    jwk.Set("n", codec::EncodeBase64Url(BnBytes(f.key.get(), OSSL_PKEY_PARAM_RSA_N, 0)));
    jwk.Set("e", codec::EncodeBase64Url(BnBytes(f.key.get(), OSSL_PKEY_PARAM_RSA_E, 0)));
  }
  jwk.Set("kid", "bench-key");
  jwk.Set("use", "sig");
  Value set = Value::MakeObject();
  set.Set("keys", Value(gatehouse::value::Array{jwk}));
  gatehouse::Result<jwt::JsonWebKeySet> parsed = jwt::ParseJwks(gatehouse::value::ToJson(set));
  Require(parsed.has_value());
  f.jwks = std::move(*parsed);
  f.options.issuer = kIssuer;
  f.options.audiences = {"kubernetes"};
  f.options.allowed_algs = {ec ? "ES256" : "RS256"};

  Value header = Value::MakeObject();
  header.Set("alg", ec ? "ES256" : "RS256");
  header.Set("typ", "JWT");
  header.Set("kid", "bench-key");
  const std::string encoded_header = codec::EncodeBase64Url(gatehouse::value::ToJson(header));
  for (int i = 0; i < kTokens; ++i) {
    // A Keycloak-sized access token (~1 KiB): a handful of standard claims and groups.
    Value claims = Value::MakeObject();
    claims.Set("exp", kNow + 300);
    claims.Set("iat", kNow - 5);
    claims.Set("jti", "b1c2d3e4-" + std::to_string(i));
    claims.Set("iss", kIssuer);
    claims.Set("aud", Value(gatehouse::value::Array{"kubernetes", "account"}));
    claims.Set("sub", "9f1c5d2e-7a4b-4c3d-8e9f-" + std::to_string(100000 + i));
    claims.Set("typ", "Bearer");
    claims.Set("azp", "kubernetes");
    claims.Set("session_state", "4a5b6c7d-" + std::to_string(i));
    claims.Set("scope", "openid profile email groups");
    claims.Set("email_verified", true);
    claims.Set("preferred_username", "user" + std::to_string(i));
    claims.Set("email", "user" + std::to_string(i) + "@example.com");
    claims.Set("groups", Value(gatehouse::value::Array{"tenant-a:dev", "tenant-a:ops",
                                                       "tenant-b:viewers", "/platform"}));
    const std::string input =
        encoded_header + "." + codec::EncodeBase64Url(gatehouse::value::ToJson(claims));
    const std::string native = Sign(f.key.get(), input);
    const std::string jws_signature = ec ? DerToRaw(native) : native;
    f.tokens.push_back(input + "." + codec::EncodeBase64Url(jws_signature));
    f.signing_inputs.push_back(input);
    f.native_signatures.push_back(native);
  }
  return f;
}

const Fixture& Rs256() {
  static const Fixture f = MakeFixture(false);
  return f;
}
const Fixture& Es256() {
  static const Fixture f = MakeFixture(true);
  return f;
}

// Rates measured by the reference benchmarks, keyed by algorithm.
std::map<std::string, double>& ReferenceRates() {
  static std::map<std::string, double> rates;
  return rates;
}

// This thread's CPU time: on a shared machine wall-clock rates mostly measure the neighbours.
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

void OpenSslReference(benchmark::State& state, const Fixture& f, const std::string& alg) {
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::size_t i = 0;
  const double start = ThreadCpuSeconds();
  for (auto _ : state) {
    const std::string& input = f.signing_inputs[i];
    const std::string& signature = f.native_signatures[i];
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(ctx, nullptr, sha256, nullptr, f.key.get());
    ok = ok == 1
             ? EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                                signature.size(),
                                reinterpret_cast<const unsigned char*>(input.data()), input.size())
             : 0;
    EVP_MD_CTX_free(ctx);
    if (ok != 1) state.SkipWithError("reference verification failed");
    i = (i + 1) % f.tokens.size();
  }
  const double elapsed = ThreadCpuSeconds() - start;
  ReferenceRates()[alg] = static_cast<double>(state.iterations()) / elapsed;
  state.SetItemsProcessed(state.iterations());
  EVP_MD_free(sha256);
}

void GatehouseVerify(benchmark::State& state, const Fixture& f, const std::string& alg) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
  std::size_t i = 0;
  const double start = ThreadCpuSeconds();
  for (auto _ : state) {
    gatehouse::Result<jwt::ParsedJws> parsed = jwt::ParseJwsCompact(f.tokens[i]);
    if (!parsed) {
      state.SkipWithError("parse failed");
      break;
    }
    gatehouse::Result<jwt::VerifiedToken> verified =
        jwt::VerifyJwt(*parsed, f.jwks, f.options, now);
    if (!verified) {
      state.SkipWithError("verification failed");
      break;
    }
    benchmark::DoNotOptimize(verified);
    i = (i + 1) % f.tokens.size();
  }
  const double rate = static_cast<double>(state.iterations()) / (ThreadCpuSeconds() - start);
  state.SetItemsProcessed(state.iterations());
  const auto reference = ReferenceRates().find(alg);
  if (reference != ReferenceRates().end()) {
    state.counters["vs_openssl"] = rate / reference->second;
  }
}

void BM_OpenSslDigestVerify_RS256(benchmark::State& state) {
  OpenSslReference(state, Rs256(), "RS256");
}
void BM_GatehouseVerifyJwt_RS256(benchmark::State& state) {
  GatehouseVerify(state, Rs256(), "RS256");
}
void BM_OpenSslDigestVerify_ES256(benchmark::State& state) {
  OpenSslReference(state, Es256(), "ES256");
}
void BM_GatehouseVerifyJwt_ES256(benchmark::State& state) {
  GatehouseVerify(state, Es256(), "ES256");
}

// Parsing alone, to see the part of the cost that is not cryptography.
void BM_ParseJwsCompact(benchmark::State& state) {
  const Fixture& f = Rs256();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(jwt::ParseJwsCompact(f.tokens[i]));
    i = (i + 1) % f.tokens.size();
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_OpenSslDigestVerify_RS256);
BENCHMARK(BM_GatehouseVerifyJwt_RS256);
BENCHMARK(BM_OpenSslDigestVerify_ES256);
BENCHMARK(BM_GatehouseVerifyJwt_ES256);
BENCHMARK(BM_ParseJwsCompact);

}  // namespace

BENCHMARK_MAIN();
