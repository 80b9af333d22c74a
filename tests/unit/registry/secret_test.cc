#include "registry/secret.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "registry/registry_errors.h"

namespace gatehouse::registry {
namespace {

// Computed independently with Python's hashlib.pbkdf2_hmac("sha256", b"S3cretCi1xYz",
// bytes(range(16)), 1000, 32).
constexpr std::string_view kKnownHash =
    "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc=";

TEST(SecretTest, GeneratedSecretsFollowTheRule) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    Result<std::string> secret = GenerateSecret();
    ASSERT_TRUE(secret.has_value());
    EXPECT_EQ(secret->size(), 32u);
    EXPECT_TRUE(ValidateSecret(*secret)) << "missing a character class";
    EXPECT_TRUE(std::all_of(secret->begin(), secret->end(),
                            [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }));
    seen.insert(*secret);
  }
  EXPECT_EQ(seen.size(), 200u);
  Result<std::string> longer = GenerateSecret(64);
  ASSERT_TRUE(longer.has_value());
  EXPECT_EQ(longer->size(), 64u);
  EXPECT_FALSE(GenerateSecret(31).has_value());
  EXPECT_FALSE(GenerateSecret(257).has_value());
}

TEST(SecretTest, CharacterDistributionIsRoughlyUniform) {
  // 62 symbols; with rejection sampling each appears ~1/62 of the time. A modulo-biased
  // generator (byte % 62) would over-represent the first 8 symbols by ~25%.
  std::map<char, int> counts;
  int total = 0;
  for (int i = 0; i < 2000; ++i) {
    Result<std::string> secret = GenerateSecret(64);
    ASSERT_TRUE(secret.has_value());
    for (char c : *secret) ++counts[c];
    total += 64;
  }
  EXPECT_EQ(counts.size(), 62u);
  const double expected = total / 62.0;  // ≈ 2065
  int first_eight = counts['A'] + counts['B'] + counts['C'] + counts['D'] + counts['E'] +
                    counts['F'] + counts['G'] + counts['H'];
  // Biased: 8 * 2065 * 1.25 ≈ 20650; unbiased ≈ 16516 ± ~130 (σ).
  EXPECT_LT(first_eight, 8 * expected * 1.08);
  EXPECT_GT(first_eight, 8 * expected * 0.92);
}

TEST(SecretTest, ChosenSecretRule) {
  EXPECT_TRUE(ValidateSecret("S3cretCi1"));
  for (std::string_view bad :
       {"Ab1", "alllower1", "ALLUPPER1", "NoDigitsHere", "With space1A", "Tab\tTab1"}) {
    Status s = ValidateSecret(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, RegistryError::kInvalidSecret);
    EXPECT_EQ(s.error().message.find(bad), std::string::npos) << "echoes the secret";
  }
  EXPECT_FALSE(ValidateSecret("aA1" + std::string(126, 'x')));
}

TEST(SecretTest, HashAndVerify) {
  SecretHashOptions options;
  options.iterations = 1000;  // fast tests; the default is exercised once below
  Result<std::string> stored = HashSecret("S3cretCi1xYz", options);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->rfind("pbkdf2-sha256$1000$", 0), 0u);
  EXPECT_EQ(stored->find("S3cretCi1xYz"), std::string::npos);
  EXPECT_TRUE(VerifySecret("S3cretCi1xYz", *stored));
  EXPECT_FALSE(VerifySecret("S3cretCi1xYZ", *stored));
  EXPECT_FALSE(VerifySecret("", *stored));
  EXPECT_FALSE(VerifySecret("S3cretCi1xYz ", *stored));
  // Fresh salt each time.
  Result<std::string> again = HashSecret("S3cretCi1xYz", options);
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(*stored, *again);
}

TEST(SecretTest, DefaultIterations) {
  Result<std::string> stored = HashSecret("S3cretCi1xYz");
  ASSERT_TRUE(stored.has_value());
  Result<SecretHash> parsed = ParseSecretHash(*stored);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->iterations, kDefaultPbkdf2Iterations);
  EXPECT_EQ(parsed->salt.size(), 16u);
  EXPECT_EQ(parsed->hash.size(), 32u);
  EXPECT_TRUE(SecretMatches("S3cretCi1xYz", *parsed));
}

TEST(SecretTest, MatchesAnIndependentlyComputedHash) {
  EXPECT_TRUE(VerifySecret("S3cretCi1xYz", kKnownHash));
  EXPECT_FALSE(VerifySecret("S3cretCi1xYy", kKnownHash));
}

TEST(SecretTest, MalformedStoredHashesAreRefused) {
  const std::string good(kKnownHash);
  for (std::string bad : {
           std::string(""),
           std::string("plain-text-secret"),
           std::string("pbkdf2-sha1$1000$AAECAwQFBgcICQoLDA0ODw==$"
                       "PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           std::string("pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$"),
           std::string("pbkdf2-sha256$$AAECAwQFBgcICQoLDA0ODw==$"
                       "PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           std::string("pbkdf2-sha256$01000$AAECAwQFBgcICQoLDA0ODw==$"
                       "PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           std::string("pbkdf2-sha256$999$AAECAwQFBgcICQoLDA0ODw==$"
                       "PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           std::string("pbkdf2-sha256$99999999$AAECAwQFBgcICQoLDA0ODw==$"
                       "PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           std::string("pbkdf2-sha256$-1000$AAECAwQFBgcICQoLDA0ODw==$"
                       "PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           std::string("pbkdf2-sha256$1000$AAEC$PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           std::string("pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$PSjd0JIw"),
           std::string("pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$"
                       "PSjd0JIwdd7pkqkUmkaIsS7stnDrBztEG15RVB5+ujc="),
           good + "$extra",
           good + std::string(600, 'A'),
       }) {
    SCOPED_TRACE(bad.substr(0, 80));
    Result<SecretHash> parsed = ParseSecretHash(bad);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code, RegistryError::kInvalidSecretHash);
    EXPECT_FALSE(VerifySecret("S3cretCi1xYz", bad));
  }
  EXPECT_FALSE(SecretMatches("x", SecretHash{}));
}

TEST(SecretTest, IterationBounds) {
  SecretHashOptions options;
  options.iterations = 10;
  Result<std::string> weak = HashSecret("S3cretCi1xYz", options);
  ASSERT_FALSE(weak.has_value());
  EXPECT_EQ(weak.error().code, RegistryError::kInvalidSecretHash);
}

}  // namespace
}  // namespace gatehouse::registry
