// crypto.x509.* and crypto.parse_private_keys, with certificates from OPA's conformance cases.
#include <gtest/gtest.h>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::CaseStrings;
using builtin_test::ErrorOf;
using builtin_test::S;
using builtin_test::Text;

std::vector<std::string> CommonNames(const BuiltinResult& r) {
  std::vector<std::string> out;
  if (!r || !r->has_value()) return out;
  for (const auto& c : (**r).Items()) {
    out.emplace_back(c.Find("Subject")->Find("CommonName")->AsString());
  }
  return out;
}

TEST(X509Builtins, ParseCertificatesFromCases) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  struct Want {
    const char* note;
    std::vector<std::string> names;
  };
  for (const Want& w : std::vector<Want>{
           {"cryptox509parsecertificates/DER, single cert, b64", {"mail.google.com"}},
           {"cryptox509parsecertificates/DER, chain, b64", {"mail.google.com", "Thawte SGC CA"}},
           {"cryptox509parsecertificates/PEM, single cert, string", {"openpolicyagent.org"}},
           {"cryptox509parsecertificates/PEM, chain, string",
            {"openpolicyagent.org", "Let's Encrypt Authority X3", "DST Root CA X3"}}}) {
    auto strings = CaseStrings("cryptox509parsecertificates", w.note);
    ASSERT_FALSE(strings.empty()) << w.note;
    auto r = Call("crypto.x509.parse_certificates", {S(strings[0])});
    EXPECT_EQ(CommonNames(r), w.names) << w.note << " " << ErrorOf(r);
  }
  EXPECT_NE(ErrorOf(Call("crypto.x509.parse_certificates", {S("foobar")})).find("illegal base64"),
            std::string::npos);
}

TEST(X509Builtins, CertificateFields) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  auto strings =
      CaseStrings("cryptox509parsecertificates", "cryptox509parsecertificates/uri_strings");
  ASSERT_FALSE(strings.empty());
  auto r = Call("crypto.x509.parse_certificates", {S(strings[0])});
  ASSERT_TRUE(r && r->has_value()) << ErrorOf(r);
  const Value& cert = (**r).Items()[0];
  EXPECT_EQ(ToJsonText(*cert.Find("URIStrings")), R"(["spiffe://example.com/opa"])");
  EXPECT_TRUE(cert.Find("DNSNames")->is_null());
  EXPECT_EQ(ToJsonText(*cert.Find("Version")), "3");
  EXPECT_EQ(ToJsonText(*cert.Find("PublicKeyAlgorithm")), "3");  // ECDSA
  EXPECT_EQ(ToJsonText(*cert.Find("Subject")->Find("Country")), R"(["GB"])");
  auto none =
      CaseStrings("cryptox509parsecertificates", "cryptox509parsecertificates/uri_strings_no_uris");
  ASSERT_FALSE(none.empty());
  auto r2 = Call("crypto.x509.parse_certificates", {S(none[0])});
  ASSERT_TRUE(r2 && r2->has_value()) << ErrorOf(r2);
  EXPECT_TRUE((**r2).Items()[0].Find("URIStrings")->is_null());
}

TEST(X509Builtins, ParseAndVerify) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  auto strings = CaseStrings("cryptox509parseandverifycertificates",
                             "cryptox509parseandverifycertificates/base_case");
  ASSERT_FALSE(strings.empty());
  BuiltinContext ctx;
  ctx.now_ns = 1700000000LL * 1000000000LL;  // 2023, inside the chain's validity
  auto r = builtin_test::Call(ctx, "crypto.x509.parse_and_verify_certificates", {S(strings[0])});
  ASSERT_TRUE(r && r->has_value()) << ErrorOf(r);
  EXPECT_EQ(ToJsonText((**r).Items()[0]), "true");
  EXPECT_EQ(CommonNames(std::optional<Value>((**r).Items()[1])),
            (std::vector<std::string>{"notarealsite.opa.localhost", "OPA Test Intermediate CA",
                                      "OPA Test Root CA"}));
  ctx.now_ns = 4102444800LL * 1000000000LL;  // 2100: expired
  EXPECT_EQ(
      Text(builtin_test::Call(ctx, "crypto.x509.parse_and_verify_certificates", {S(strings[0])})),
      "[false,[]]");
}

TEST(X509Builtins, ParseAndVerifyWithOptions) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  auto strings = CaseStrings("cryptox509parseandverifycertificates",
                             "cryptox509parseandverifycertificates/base_case");
  ASSERT_FALSE(strings.empty());
  auto verify = [&](std::string_view options) {
    auto r = Call("crypto.x509.parse_and_verify_certificates_with_options",
                  {S(strings[0]), builtin_test::J(options)});
    return r && r->has_value() ? ToJsonText((**r).Items()[0]) : ErrorOf(r);
  };
  EXPECT_EQ(verify(R"({"CurrentTime": 1700000000000000000})"), "true");
  EXPECT_EQ(
      verify(R"({"CurrentTime": 1700000000000000000, "DNSName": "notarealsite.opa.localhost"})"),
      "true");
  EXPECT_EQ(verify(R"({"CurrentTime": 1700000000000000000, "DNSName": "example.com"})"), "false");
  EXPECT_EQ(verify(R"({"CurrentTime": 1700000000000000000, "KeyUsages": ["KeyUsageServerAuth"]})"),
            "true");
  EXPECT_EQ(verify(R"({"CurrentTime": 1700000000000000000, "KeyUsages": ["KeyUsageCodeSigning"]})"),
            "false");
  EXPECT_EQ(verify(R"({"CurrentTime": 4102444800000000000})"), "false");
  EXPECT_NE(verify(R"({"Bogus": 1})").find("invalid key option"), std::string::npos);
}

TEST(X509Builtins, CertificateRequest) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  for (const char* note : {"cryptox509parsecertificaterequest/PEM, string",
                           "cryptox509parsecertificaterequest/PEM, b64",
                           "cryptox509parsecertificaterequest/DER, b64"}) {
    auto strings = CaseStrings("cryptox509parsecertificaterequest", note);
    ASSERT_FALSE(strings.empty()) << note;
    auto r = Call("crypto.x509.parse_certificate_request", {S(strings[0])});
    ASSERT_TRUE(r && r->has_value()) << note << ErrorOf(r);
    EXPECT_EQ((**r).Find("Subject")->Find("CommonName")->AsString(), "example.com") << note;
  }
  EXPECT_NE(ErrorOf(Call("crypto.x509.parse_certificate_request", {S("YmFkc3RyaW5n")}))
                .find("asn1: structure error"),
            std::string::npos);
}

TEST(X509Builtins, PrivateKeys) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  auto strings = CaseStrings("cryptox509parsersaprivatekey", "cryptox509parsersaprivatekey/valid");
  ASSERT_FALSE(strings.empty());
  auto r = Call("crypto.x509.parse_rsa_private_key", {S(strings[0])});
  ASSERT_TRUE(r && r->has_value()) << ErrorOf(r);
  EXPECT_EQ((**r).Find("kty")->AsString(), "RSA");
  EXPECT_EQ((**r).Find("e")->AsString(), "AQAB");
  EXPECT_EQ((**r).Find("d")->AsString().substr(0, 20), "DIxnTzKCpTR286rhrck-");
  EXPECT_NE(
      ErrorOf(Call("crypto.x509.parse_rsa_private_key", {S("invalid")})).find("illegal base64"),
      std::string::npos);
  auto keys = Call("crypto.parse_private_keys", {S(strings[0])});
  ASSERT_TRUE(keys && keys->has_value());
  EXPECT_EQ((**keys).size(), 1u);
  EXPECT_EQ(Text(Call("crypto.parse_private_keys", {S("nope")})), "[]");
  EXPECT_EQ(Text(Call("crypto.parse_private_keys", {S("")})), "null");
}

}  // namespace
}  // namespace gatehouse::rego
