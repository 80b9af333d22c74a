// X.509 certificates, certificate requests and private keys for the crypto.x509.* builtins,
// converted to the JSON shape Go's encoding/json gives x509.Certificate (as OPA returns it) for
// the commonly used fields: Raw, Version, SerialNumber, Subject/Issuer (pkix.Name with Names),
// NotBefore/NotAfter, KeyUsage, ExtKeyUsage, BasicConstraints, key ids, SANs (DNSNames,
// EmailAddresses, IPAddresses, URIStrings), OCSP/issuer URLs, CRL points, Extensions,
// PublicKeyAlgorithm, SignatureAlgorithm, Signature. Not reproduced: PublicKey, URIs (url.URL
// objects), name constraints and policies. Parsing uses OpenSSL 3; pure and thread-safe.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::builtins {

struct X509Deleter {
  void operator()(X509* x) const;
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

// OPA's certificate input: PEM text, or base64 of PEM, or base64 of concatenated DER.
// Errors carry Go-like text ("illegal base64 data at input byte N", "x509: malformed
// certificate").
Result<std::vector<X509Ptr>> ParseCertificates(std::string_view input);
Value CertificateToValue(X509* cert);

// OPA's chain order: the root first, the leaf last, intermediates between. Verifies the leaf
// up to that root at `now_unix` seconds (any key usage) and returns the verified chain, leaf
// first (Go's chains[0]); nullopt when it does not verify or has fewer than two certificates.
struct VerifyOptions {
  std::int64_t now_unix = 0;
  std::string dns_name;             // when set, the leaf must be valid for this host
  std::vector<int> ext_key_usages;  // Go ExtKeyUsage values; empty or 0 (any): no check
};
std::optional<std::vector<X509Ptr>> VerifyChain(const std::vector<X509Ptr>& certs,
                                                const VerifyOptions& options);

// Go's ExtKeyUsage value for an OPA option name ("KeyUsageServerAuth"), or -1.
int ExtKeyUsageByName(std::string_view name);

// crypto.x509.parse_certificate_request: PEM, base64 PEM or base64 DER.
Result<Value> ParseCertificateRequest(std::string_view input);

// PEM private keys (PKCS#1 RSA, SEC1 EC, PKCS#8) from PEM or base64 PEM text, as JWKs
// ({"kty":"RSA","n":...}). `input` base64 errors are reported.
Result<std::vector<Value>> ParsePrivateKeysToJwk(std::string_view input);

// The DER bytes of the certificate(s) and the private key of a key pair, checked to match.
Result<Value> ParseKeyPair(std::string_view cert_input, std::string_view key_input);

}  // namespace gatehouse::rego::builtins
