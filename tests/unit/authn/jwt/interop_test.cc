// Interoperability: tokens signed by another implementation (Python `cryptography`, when the
// fuzz seed corpus was generated) verify against the published JWKS fuzz/corpus/jwks/mixed, and
// each malformed seed fails with the code its file name promises. The same files seed
// fuzz/jws_fuzzer.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "authn/jwt/jwk.h"
#include "authn/jwt/jws.h"
#include "authn/jwt/verifier.h"

namespace gatehouse::authn::jwt {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(InteropTest, SeedTokensVerifyAsNamed) {
  const std::string dir = std::string(GATEHOUSE_SOURCE_DIR) + "/fuzz/corpus/";
  Result<JsonWebKeySet> keys = ParseJwks(ReadFile(dir + "jwks/mixed"));
  ASSERT_TRUE(keys.has_value()) << keys.error().ToString();
  ASSERT_EQ(keys->keys.size(), 4u);
  VerifyOptions options;
  options.issuer = "https://issuer.example";
  options.audiences = {"kubernetes"};
  options.allowed_algs = {"RS256", "PS256", "ES256", "EdDSA"};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
  const std::map<std::string, std::string> expected = {
      {"rs256_valid", "ok"},
      {"rs256_nokid", "ok"},
      {"ps256_valid", "ok"},
      {"es256_valid", "ok"},
      {"eddsa_valid", "ok"},
      {"azp_mismatch", "jwt_azp_mismatch"},
      {"expired", "jwt_expired"},
      {"wrong_issuer", "jwt_issuer_mismatch"},
      {"unknown_kid", "jwt_unknown_kid"},
      {"crit", "jwt_crit_unsupported"},
      {"alg_none", "jwt_alg_none"},
      {"hs256", "jwt_alg_not_allowed"},
      {"dup_header", "jwt_duplicate_key"},
      {"dup_claims", "jwt_duplicate_key"},
      {"deep_claims", "jwt_malformed"},
      {"not_json", "jwt_malformed"},
      {"two_parts", "jwt_malformed"},
      {"padding", "jwt_malformed"},
  };
  for (const auto& [name, code] : expected) {
    SCOPED_TRACE(name);
    const std::string token = ReadFile(dir + "jws/" + name);
    ASSERT_FALSE(token.empty());
    Result<ParsedJws> parsed = ParseJwsCompact(token);
    std::string outcome;
    if (!parsed) {
      outcome = std::string(parsed.error().code.wire());
    } else {
      Result<VerifiedToken> verified = VerifyJwt(*parsed, *keys, options, now);
      outcome = verified ? "ok" : std::string(verified.error().code.wire());
    }
    EXPECT_EQ(outcome, code);
  }
}

}  // namespace
}  // namespace gatehouse::authn::jwt
