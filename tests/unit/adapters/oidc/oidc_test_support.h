// Test-only helpers for the OIDC adapter tests: keys, JWKS documents and signed tokens of one
// fake issuer (through the JOSE test signer of tests/unit/authn/jwt). Header-only because the
// unit-test glob only compiles *_test.cc files.
#pragma once

#include <chrono>
#include <string>

#include "../../authn/jwt/test_signer.h"
#include "common/clock.h"
#include "value/value.h"

namespace gatehouse::adapters::testing {

namespace signer = authn::jwt::testing;

inline constexpr char kIssuer[] = "https://sso.test/realms/demo";
inline constexpr char kAudience[] = "kubernetes";

inline signer::PkeyPtr KeyA() { return signer::Key("oidc-a", "RSA-2048"); }
inline signer::PkeyPtr KeyB() { return signer::Key("oidc-b", "RSA-2048"); }

inline std::string JwksOf(const signer::PkeyPtr& key, const std::string& kid) {
  return signer::JwksJson({signer::PublicJwk(key, kid, "RS256")});
}

inline value::Value BaseClaims(const Clock& clock,
                               std::chrono::seconds lifetime = std::chrono::seconds(300)) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  value::Value claims = value::Value::MakeObject();
  claims.Set("iss", kIssuer);
  claims.Set("aud", kAudience);
  claims.Set("sub", "user-1");
  claims.Set("preferred_username", "alice");
  claims.Set("iat", static_cast<std::int64_t>(now));
  claims.Set("exp", static_cast<std::int64_t>(now + lifetime.count()));
  value::Value groups = value::Value::MakeArray();
  groups.Append("/team-dev");
  groups.Append("/org/team-demo");
  claims.Set("groups", groups);
  return claims;
}

inline std::string Token(const signer::PkeyPtr& key, const std::string& kid,
                         const value::Value& claims) {
  return signer::SignToken(authn::jwt::JwsAlg::kRS256, key, kid, claims);
}

}  // namespace gatehouse::adapters::testing
