// crypto.x509.parse_certificates, parse_and_verify_certificates, parse_certificate_request,
// parse_keypair, parse_rsa_private_key and crypto.parse_private_keys.
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/x509.h"

namespace gatehouse::rego::builtins {
namespace {

BuiltinResult ParseCertificatesBuiltin(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_certificates";
  auto input = StringArg(kName, args, 1);
  if (!input) return input.error();
  auto certs = ParseCertificates(*input);
  if (!certs) return BuiltinError(kName, certs.error().message);
  std::vector<Value> out;
  for (const auto& c : *certs) out.push_back(CertificateToValue(c.get()));
  return Return(Value::Array(std::move(out)));
}

BuiltinResult ParseAndVerify(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_and_verify_certificates";
  auto input = StringArg(kName, args, 1);
  if (!input) return input.error();
  const Value invalid = Value::Array({Value::Bool(false), Value::EmptyArray()});
  auto certs = ParseCertificates(*input);
  if (!certs) return Return(invalid);
  VerifyOptions options;
  options.now_unix = ctx.now_ns / 1000000000;
  auto chain = VerifyChain(*certs, options);
  if (!chain) return Return(invalid);
  std::vector<Value> out;
  for (const auto& c : *chain) out.push_back(CertificateToValue(c.get()));
  return Return(Value::Array({Value::Bool(true), Value::Array(std::move(out))}));
}

BuiltinResult ParseAndVerifyWithOptions(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_and_verify_certificates_with_options";
  auto input = StringArg(kName, args, 1);
  if (!input) return input.error();
  if (!args[1].is_object()) return OperandTypeError(kName, 2, "object", args[1]);
  VerifyOptions options;
  options.now_unix = ctx.now_ns / 1000000000;
  for (const auto& [k, v] : args[1].Members()) {
    const std::string_view key = k.is_string() ? k.AsString() : std::string_view();
    if (key == "DNSName" && v.is_string()) {
      options.dns_name = std::string(v.AsString());
    } else if (key == "CurrentTime" && v.is_number()) {
      options.now_unix = static_cast<std::int64_t>(*v.AsDouble() / 1e9);
    } else if (key == "MaxConstraintComparisons" && v.is_number()) {
      // OpenSSL bounds name-constraint work itself.
    } else if (key == "KeyUsages" && (v.is_array() || v.is_set())) {
      for (const auto& u : v.Items()) {
        const int usage = u.is_string() ? ExtKeyUsageByName(u.AsString()) : -1;
        if (usage < 0) return BuiltinError(kName, "invalid entry for KeyUsages: " + ToRegoText(u));
        options.ext_key_usages.push_back(usage);
      }
    } else {
      return BuiltinError(kName, "invalid key option: " + ToRegoText(k));
    }
  }
  const Value invalid = Value::Array({Value::Bool(false), Value::EmptyArray()});
  auto certs = ParseCertificates(*input);
  if (!certs) return Return(invalid);
  auto chain = VerifyChain(*certs, options);
  if (!chain) return Return(invalid);
  std::vector<Value> out;
  for (const auto& c : *chain) out.push_back(CertificateToValue(c.get()));
  return Return(Value::Array({Value::Bool(true), Value::Array(std::move(out))}));
}

BuiltinResult ParseCsr(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_certificate_request";
  auto input = StringArg(kName, args, 1);
  if (!input) return input.error();
  auto csr = ParseCertificateRequest(*input);
  if (!csr) return BuiltinError(kName, csr.error().message);
  return Return(std::move(*csr));
}

BuiltinResult ParseKeyPairBuiltin(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_keypair";
  auto cert = StringArg(kName, args, 1);
  if (!cert) return cert.error();
  auto key = StringArg(kName, args, 2);
  if (!key) return key.error();
  auto pair = ParseKeyPair(*cert, *key);
  if (!pair) return BuiltinError(kName, pair.error().message);
  return Return(std::move(*pair));
}

BuiltinResult ParseRsaPrivateKey(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_rsa_private_key";
  auto input = StringArg(kName, args, 1);
  if (!input) return input.error();
  auto keys = ParsePrivateKeysToJwk(*input);
  if (!keys) return BuiltinError(kName, keys.error().message);
  for (const auto& k : *keys) {
    if (const Value* kty = k.Find("kty"); kty != nullptr && kty->AsString() == "RSA") {
      return Return(k);
    }
  }
  return BuiltinError(kName, "failed to parse RSA private key");
}

BuiltinResult ParsePrivateKeys(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.parse_private_keys";
  auto input = StringArg(kName, args, 1);
  if (!input) return input.error();
  if (input->empty()) return Return(Value::Null());
  auto keys = ParsePrivateKeysToJwk(*input);
  if (!keys) return BuiltinError(kName, keys.error().message);
  return Return(Value::Array(std::move(*keys)));
}

}  // namespace
}  // namespace gatehouse::rego::builtins

namespace gatehouse::rego {

void RegisterCryptoX509Builtins(BuiltinRegistry& r) {
  using namespace builtins;  // NOLINT: the builtins defined above
  Add(r, "crypto.x509.parse_certificates", {kTString}, kTArray, ParseCertificatesBuiltin);
  Add(r, "crypto.x509.parse_and_verify_certificates", {kTString}, kTArray, ParseAndVerify);
  Add(r, "crypto.x509.parse_and_verify_certificates_with_options", {kTString, kTObject}, kTArray,
      ParseAndVerifyWithOptions);
  Add(r, "crypto.x509.parse_certificate_request", {kTString}, kTObject, ParseCsr);
  Add(r, "crypto.x509.parse_keypair", {kTString, kTString}, kTObject, ParseKeyPairBuiltin);
  Add(r, "crypto.x509.parse_rsa_private_key", {kTString}, kTObject, ParseRsaPrivateKey);
  Add(r, "crypto.parse_private_keys", {kTString}, kTArray, ParsePrivateKeys);
}

}  // namespace gatehouse::rego
