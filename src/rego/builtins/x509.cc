#include "rego/builtins/x509.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "common/codec/base64.h"
#include "rego/builtins/builtin_failure.h"
#include "rego/builtins/pem.h"

namespace gatehouse::rego::builtins {

void X509Deleter::operator()(X509* x) const { X509_free(x); }

namespace {

struct ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* s) const { X509_STORE_CTX_free(s); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* g) const { GENERAL_NAMES_free(g); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

Value Str(std::string_view s) { return Value::String(s); }
Value Key(std::string_view s) { return Value::String(s); }

Value Bytes64(const unsigned char* p, std::size_t n) {
  return Value::String(codec::EncodeBase64(std::string_view(reinterpret_cast<const char*>(p), n)));
}

Value StringsOrNull(const std::vector<std::string>& v) {
  if (v.empty()) return Value::Null();
  std::vector<Value> out;
  for (const auto& s : v) out.push_back(Value::String(s));
  return Value::Array(std::move(out));
}

Value OidValue(const ASN1_OBJECT* obj) {
  char buf[128];
  const int n = OBJ_obj2txt(buf, sizeof(buf), obj, 1);
  std::vector<Value> parts;
  if (n > 0) {
    std::string_view s(buf, static_cast<std::size_t>(std::min<int>(n, sizeof(buf) - 1)));
    std::size_t start = 0;
    while (start <= s.size()) {
      const auto dot = s.find('.', start);
      const std::string_view part =
          s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
      parts.push_back(Value::Int(std::stoll(std::string(part))));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  return Value::Array(std::move(parts));
}

std::string Asn1String(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) {
    ERR_clear_error();
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

// Go's pkix.Name.
Value NameValue(const X509_NAME* name) {
  std::vector<std::string> country, org, ou, locality, province, street, postal;
  std::string serial, cn;
  std::vector<Value> names;
  const int count = X509_NAME_entry_count(name);
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    const std::string value = Asn1String(X509_NAME_ENTRY_get_data(e));
    names.push_back(Value::Object({{Key("Type"), OidValue(obj)}, {Key("Value"), Str(value)}}));
    switch (OBJ_obj2nid(obj)) {
      case NID_countryName:
        country.push_back(value);
        break;
      case NID_organizationName:
        org.push_back(value);
        break;
      case NID_organizationalUnitName:
        ou.push_back(value);
        break;
      case NID_localityName:
        locality.push_back(value);
        break;
      case NID_stateOrProvinceName:
        province.push_back(value);
        break;
      case NID_streetAddress:
        street.push_back(value);
        break;
      case NID_postalCode:
        postal.push_back(value);
        break;
      case NID_serialNumber:
        serial = value;
        break;
      case NID_commonName:
        cn = value;
        break;
      default:
        break;
    }
  }
  return Value::Object({
      {Key("Country"), StringsOrNull(country)},
      {Key("Organization"), StringsOrNull(org)},
      {Key("OrganizationalUnit"), StringsOrNull(ou)},
      {Key("Locality"), StringsOrNull(locality)},
      {Key("Province"), StringsOrNull(province)},
      {Key("StreetAddress"), StringsOrNull(street)},
      {Key("PostalCode"), StringsOrNull(postal)},
      {Key("SerialNumber"), Str(serial)},
      {Key("CommonName"), Str(cn)},
      {Key("Names"), names.empty() ? Value::Null() : Value::Array(std::move(names))},
      {Key("ExtraNames"), Value::Null()},
  });
}

Value TimeValue(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return Str("0001-01-01T00:00:00Z");
  }
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return Str(buf);
}

Value SerialValue(const ASN1_INTEGER* serial) {
  std::int64_t v = 0;
  if (ASN1_INTEGER_get_int64(&v, serial) == 1) return Value::Int(v);
  ERR_clear_error();
  std::unique_ptr<BIGNUM, BnFree> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return Value::Int(0);
  // Beyond int64 a JSON number is only approximate in this engine.
  char* dec = BN_bn2dec(bn.get());
  const double d = dec != nullptr ? std::strtod(dec, nullptr) : 0.0;
  OPENSSL_free(dec);
  return Value::Number(d);
}

int GoSignatureAlgorithm(int nid) {
  switch (nid) {
    case NID_md2WithRSAEncryption:
      return 1;
    case NID_md5WithRSAEncryption:
      return 2;
    case NID_sha1WithRSAEncryption:
      return 3;
    case NID_sha256WithRSAEncryption:
      return 4;
    case NID_sha384WithRSAEncryption:
      return 5;
    case NID_sha512WithRSAEncryption:
      return 6;
    case NID_dsaWithSHA1:
      return 7;
    case NID_dsa_with_SHA256:
      return 8;
    case NID_ecdsa_with_SHA1:
      return 9;
    case NID_ecdsa_with_SHA256:
      return 10;
    case NID_ecdsa_with_SHA384:
      return 11;
    case NID_ecdsa_with_SHA512:
      return 12;
    case NID_rsassaPss:
      return 13;
    case NID_ED25519:
      return 16;
    default:
      return 0;
  }
}

int GoPublicKeyAlgorithm(EVP_PKEY* key) {
  if (key == nullptr) return 0;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return 1;
    case EVP_PKEY_DSA:
      return 2;
    case EVP_PKEY_EC:
      return 3;
    case EVP_PKEY_ED25519:
      return 4;
    default:
      return 0;
  }
}

struct Sans {
  std::vector<std::string> dns, email, uri;
  std::vector<Value> ips;
};

Sans SansOf(const GENERAL_NAMES* names) {
  Sans out;
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    switch (g->type) {
      case GEN_DNS:
        out.dns.push_back(Asn1String(g->d.dNSName));
        break;
      case GEN_EMAIL:
        out.email.push_back(Asn1String(g->d.rfc822Name));
        break;
      case GEN_URI:
        out.uri.push_back(Asn1String(g->d.uniformResourceIdentifier));
        break;
      case GEN_IPADD: {
        const ASN1_OCTET_STRING* ip = g->d.iPAddress;
        std::string text;
        const unsigned char* p = ASN1_STRING_get0_data(ip);
        const int n = ASN1_STRING_length(ip);
        if (n == 4) {
          text = std::to_string(p[0]) + "." + std::to_string(p[1]) + "." + std::to_string(p[2]) +
                 "." + std::to_string(p[3]);
        } else if (n == 16) {
          char buf[48];
          std::snprintf(buf, sizeof(buf), "%x:%x:%x:%x:%x:%x:%x:%x", (p[0] << 8) | p[1],
                        (p[2] << 8) | p[3], (p[4] << 8) | p[5], (p[6] << 8) | p[7],
                        (p[8] << 8) | p[9], (p[10] << 8) | p[11], (p[12] << 8) | p[13],
                        (p[14] << 8) | p[15]);
          text = buf;
        }
        out.ips.push_back(Str(text));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

Value ExtensionsValue(const STACK_OF(X509_EXTENSION) * exts) {
  std::vector<Value> out;
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
    X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, i);
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(e);
    out.push_back(Value::Object({
        {Key("Id"), OidValue(X509_EXTENSION_get_object(e))},
        {Key("Critical"), Value::Bool(X509_EXTENSION_get_critical(e) != 0)},
        {Key("Value"),
         Bytes64(ASN1_STRING_get0_data(data), static_cast<std::size_t>(ASN1_STRING_length(data)))},
    }));
  }
  return out.empty() ? Value::Null() : Value::Array(std::move(out));
}

int GoExtKeyUsage(int nid) {
  switch (nid) {
    case NID_anyExtendedKeyUsage:
      return 0;
    case NID_server_auth:
      return 1;
    case NID_client_auth:
      return 2;
    case NID_code_sign:
      return 3;
    case NID_email_protect:
      return 4;
    case NID_ipsecEndSystem:
      return 5;
    case NID_ipsecTunnel:
      return 6;
    case NID_ipsecUser:
      return 7;
    case NID_time_stamp:
      return 8;
    case NID_OCSP_sign:
      return 9;
    case NID_ms_sgc:
      return 10;
    case NID_ns_sgc:
      return 11;
    default:
      return -1;
  }
}

// DER bytes: `input` is PEM, base64 of PEM, or base64 of DER. pem_text is set for PEM.
Result<std::string> DecodeInput(std::string_view input, bool& is_pem) {
  is_pem = input.starts_with("-----BEGIN");
  if (is_pem) return std::string(input);
  auto decoded =
      codec::DecodeBase64Go(input, codec::Base64Alphabet::kStandard, codec::Base64Padding::kPadded);
  if (!decoded) return decoded.error();
  is_pem = decoded->starts_with("-----BEGIN");
  return decoded;
}

std::string B64Url(const BIGNUM* bn) {
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  return codec::EncodeBase64Url(bytes);
}

std::optional<std::string> BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string out = B64Url(bn);
  BN_free(bn);
  return out;
}

std::optional<Value> PrivateKeyJwk(EVP_PKEY* key) {
  std::vector<Member> m;
  auto add = [&](const char* jwk_name, const char* param) {
    if (auto v = BnParam(key, param)) m.emplace_back(Key(jwk_name), Str(*v));
  };
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      m.emplace_back(Key("kty"), Str("RSA"));
      add("n", OSSL_PKEY_PARAM_RSA_N);
      add("e", OSSL_PKEY_PARAM_RSA_E);
      add("d", OSSL_PKEY_PARAM_RSA_D);
      add("p", OSSL_PKEY_PARAM_RSA_FACTOR1);
      add("q", OSSL_PKEY_PARAM_RSA_FACTOR2);
      add("dp", OSSL_PKEY_PARAM_RSA_EXPONENT1);
      add("dq", OSSL_PKEY_PARAM_RSA_EXPONENT2);
      add("qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
      break;
    case EVP_PKEY_EC: {
      char group[64] = {};
      std::size_t len = 0;
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len);
      const std::string_view g(group, len);
      m.emplace_back(Key("kty"), Str("EC"));
      m.emplace_back(Key("crv"), Str(g == "prime256v1"  ? "P-256"
                                     : g == "secp384r1" ? "P-384"
                                     : g == "secp521r1" ? "P-521"
                                                        : g));
      add("x", OSSL_PKEY_PARAM_EC_PUB_X);
      add("y", OSSL_PKEY_PARAM_EC_PUB_Y);
      add("d", OSSL_PKEY_PARAM_PRIV_KEY);
      break;
    }
    case EVP_PKEY_ED25519: {
      unsigned char buf[32];
      std::size_t n = sizeof(buf);
      m.emplace_back(Key("kty"), Str("OKP"));
      m.emplace_back(Key("crv"), Str("Ed25519"));
      if (EVP_PKEY_get_raw_public_key(key, buf, &n) == 1) {
        m.emplace_back(
            Key("x"),
            Str(codec::EncodeBase64Url(std::string_view(reinterpret_cast<char*>(buf), n))));
      }
      n = sizeof(buf);
      if (EVP_PKEY_get_raw_private_key(key, buf, &n) == 1) {
        m.emplace_back(
            Key("d"),
            Str(codec::EncodeBase64Url(std::string_view(reinterpret_cast<char*>(buf), n))));
      }
      break;
    }
    default:
      return std::nullopt;
  }
  ERR_clear_error();
  return Value::Object(std::move(m));
}

std::string Der(X509* cert) {
  const int n = i2d_X509(cert, nullptr);
  if (n <= 0) return {};
  std::string out(static_cast<std::size_t>(n), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_X509(cert, &p);
  return out;
}

}  // namespace

Result<std::vector<X509Ptr>> ParseCertificates(std::string_view input) {
  bool is_pem = false;
  auto data = DecodeInput(input, is_pem);
  if (!data) return data.error();
  std::vector<X509Ptr> out;
  if (is_pem) {
    std::string_view rest = *data;
    while (true) {
      std::string_view next;
      auto block = DecodePem(rest, &next);
      if (!block) break;
      if (block->type != "CERTIFICATE") {
        return MakeError(BuiltinFailure::kX509,
                         "PEM block type is '" + block->type + "', expected CERTIFICATE");
      }
      const auto* p = reinterpret_cast<const unsigned char*>(block->bytes.data());
      X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(block->bytes.size())));
      if (!cert) {
        ERR_clear_error();
        return MakeError(BuiltinFailure::kX509, "x509: malformed certificate");
      }
      out.push_back(std::move(cert));
      rest = next;
    }
    return out;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(data->data());
  const auto* end = p + data->size();
  while (p < end) {
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(end - p)));
    if (!cert) {
      ERR_clear_error();
      return MakeError(BuiltinFailure::kX509, "x509: malformed certificate");
    }
    out.push_back(std::move(cert));
  }
  return out;
}

Value CertificateToValue(X509* cert) {
  std::vector<Member> m;
  const std::string der = Der(cert);
  m.emplace_back(Key("Raw"), Str(codec::EncodeBase64(der)));
  m.emplace_back(Key("Version"), Value::Int(X509_get_version(cert) + 1));
  m.emplace_back(Key("SerialNumber"), SerialValue(X509_get0_serialNumber(cert)));
  m.emplace_back(Key("Issuer"), NameValue(X509_get_issuer_name(cert)));
  m.emplace_back(Key("Subject"), NameValue(X509_get_subject_name(cert)));
  m.emplace_back(Key("NotBefore"), TimeValue(X509_get0_notBefore(cert)));
  m.emplace_back(Key("NotAfter"), TimeValue(X509_get0_notAfter(cert)));
  m.emplace_back(Key("SignatureAlgorithm"),
                 Value::Int(GoSignatureAlgorithm(X509_get_signature_nid(cert))));
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  m.emplace_back(Key("PublicKeyAlgorithm"), Value::Int(GoPublicKeyAlgorithm(pub)));
  const ASN1_BIT_STRING* sig = nullptr;
  X509_get0_signature(&sig, nullptr, cert);
  if (sig != nullptr) {
    m.emplace_back(Key("Signature"), Bytes64(ASN1_STRING_get0_data(sig),
                                             static_cast<std::size_t>(ASN1_STRING_length(sig))));
  }
  // KeyUsage as Go's bit order (digitalSignature = 1 ... decipherOnly = 256).
  const std::uint32_t flags = X509_get_extension_flags(cert);
  int key_usage = 0;
  if (flags & EXFLAG_KUSAGE) {
    const std::uint32_t ku = X509_get_key_usage(cert);
    static constexpr std::uint32_t kBits[] = {
        KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, KU_KEY_ENCIPHERMENT,
        KU_DATA_ENCIPHERMENT, KU_KEY_AGREEMENT,   KU_KEY_CERT_SIGN,
        KU_CRL_SIGN,          KU_ENCIPHER_ONLY,   KU_DECIPHER_ONLY};
    for (int i = 0; i < 9; ++i) {
      if (ku & kBits[i]) key_usage |= 1 << i;
    }
  }
  m.emplace_back(Key("KeyUsage"), Value::Int(key_usage));
  std::vector<Value> eku;
  if (auto* ext = static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr))) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(ext); ++i) {
      const int go = GoExtKeyUsage(OBJ_obj2nid(sk_ASN1_OBJECT_value(ext, i)));
      if (go >= 0) eku.push_back(Value::Int(go));
    }
    EXTENDED_KEY_USAGE_free(ext);
  }
  m.emplace_back(Key("ExtKeyUsage"), eku.empty() ? Value::Null() : Value::Array(std::move(eku)));
  bool bc_valid = false, is_ca = false;
  std::int64_t max_path = -1;
  if (auto* bc = static_cast<BASIC_CONSTRAINTS*>(
          X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr))) {
    bc_valid = true;
    is_ca = bc->ca != 0;
    if (bc->pathlen != nullptr) {
      std::int64_t v = 0;
      if (ASN1_INTEGER_get_int64(&v, bc->pathlen) == 1) max_path = v;
    }
    BASIC_CONSTRAINTS_free(bc);
  }
  if (!bc_valid) max_path = 0;
  m.emplace_back(Key("BasicConstraintsValid"), Value::Bool(bc_valid));
  m.emplace_back(Key("IsCA"), Value::Bool(is_ca));
  m.emplace_back(Key("MaxPathLen"), Value::Int(max_path));
  m.emplace_back(Key("MaxPathLenZero"), Value::Bool(max_path == 0 && bc_valid));
  if (const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(cert)) {
    m.emplace_back(
        Key("SubjectKeyId"),
        Bytes64(ASN1_STRING_get0_data(skid), static_cast<std::size_t>(ASN1_STRING_length(skid))));
  }
  if (const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(cert)) {
    m.emplace_back(
        Key("AuthorityKeyId"),
        Bytes64(ASN1_STRING_get0_data(akid), static_cast<std::size_t>(ASN1_STRING_length(akid))));
  }
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> san(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  Sans sans = SansOf(san.get());
  m.emplace_back(Key("DNSNames"), StringsOrNull(sans.dns));
  m.emplace_back(Key("EmailAddresses"), StringsOrNull(sans.email));
  m.emplace_back(Key("IPAddresses"),
                 sans.ips.empty() ? Value::Null() : Value::Array(std::move(sans.ips)));
  m.emplace_back(Key("URIStrings"), StringsOrNull(sans.uri));
  std::vector<std::string> ocsp, issuers;
  if (auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(
          X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr))) {
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
      const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
      if (ad->location->type != GEN_URI) continue;
      const std::string uri = Asn1String(ad->location->d.uniformResourceIdentifier);
      const int nid = OBJ_obj2nid(ad->method);
      if (nid == NID_ad_OCSP) ocsp.push_back(uri);
      if (nid == NID_ad_ca_issuers) issuers.push_back(uri);
    }
    AUTHORITY_INFO_ACCESS_free(aia);
  }
  m.emplace_back(Key("OCSPServer"), StringsOrNull(ocsp));
  m.emplace_back(Key("IssuingCertificateURL"), StringsOrNull(issuers));
  std::vector<std::string> crl;
  if (auto* points = static_cast<CRL_DIST_POINTS*>(
          X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr))) {
    for (int i = 0; i < sk_DIST_POINT_num(points); ++i) {
      const DIST_POINT* dp = sk_DIST_POINT_value(points, i);
      if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
      const GENERAL_NAMES* names = dp->distpoint->name.fullname;
      for (int k = 0; k < sk_GENERAL_NAME_num(names); ++k) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, k);
        if (g->type == GEN_URI) crl.push_back(Asn1String(g->d.uniformResourceIdentifier));
      }
    }
    CRL_DIST_POINTS_free(points);
  }
  m.emplace_back(Key("CRLDistributionPoints"), StringsOrNull(crl));
  m.emplace_back(Key("Extensions"), ExtensionsValue(X509_get0_extensions(cert)));
  ERR_clear_error();
  return Value::Object(std::move(m));
}

int ExtKeyUsageByName(std::string_view name) {
  static constexpr std::string_view kNames[] = {"KeyUsageAny",
                                                "KeyUsageServerAuth",
                                                "KeyUsageClientAuth",
                                                "KeyUsageCodeSigning",
                                                "KeyUsageEmailProtection",
                                                "KeyUsageIPSECEndSystem",
                                                "KeyUsageIPSECTunnel",
                                                "KeyUsageIPSECUser",
                                                "KeyUsageTimeStamping",
                                                "KeyUsageOCSPSigning",
                                                "KeyUsageMicrosoftServerGatedCrypto",
                                                "KeyUsageNetscapeServerGatedCrypto"};
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// Whether `cert`'s extended key usage (if it has one) allows one of `wanted`.
static bool AllowsUsage(X509* cert, const std::vector<int>& wanted) {
  if (wanted.empty()) return true;
  for (int w : wanted) {
    if (w == 0) return true;
  }
  auto* ext =
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (ext == nullptr) {
    ERR_clear_error();
    return true;
  }
  bool ok = false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(ext) && !ok; ++i) {
    const int have = GoExtKeyUsage(OBJ_obj2nid(sk_ASN1_OBJECT_value(ext, i)));
    for (int w : wanted) ok = ok || have == 0 || have == w;
  }
  EXTENDED_KEY_USAGE_free(ext);
  return ok;
}

std::optional<std::vector<X509Ptr>> VerifyChain(const std::vector<X509Ptr>& certs,
                                                const VerifyOptions& options) {
  const std::int64_t now_unix = options.now_unix;
  if (certs.size() < 2) return std::nullopt;
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  if (!store || !ctx || untrusted == nullptr) {
    sk_X509_free(untrusted);
    return std::nullopt;
  }
  X509_STORE_add_cert(store.get(), certs.front().get());
  for (std::size_t i = 1; i + 1 < certs.size(); ++i) sk_X509_push(untrusted, certs[i].get());
  std::optional<std::vector<X509Ptr>> out;
  if (X509_STORE_CTX_init(ctx.get(), store.get(), certs.back().get(), untrusted) == 1) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now_unix));
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY);
    if (!options.dns_name.empty()) {
      X509_VERIFY_PARAM_set1_host(param, options.dns_name.data(), options.dns_name.size());
    }
    if (X509_verify_cert(ctx.get()) == 1 &&
        AllowsUsage(certs.back().get(), options.ext_key_usages)) {
      STACK_OF(X509)* chain = X509_STORE_CTX_get1_chain(ctx.get());
      out.emplace();
      for (int i = 0; i < sk_X509_num(chain); ++i) out->emplace_back(sk_X509_value(chain, i));
      sk_X509_free(chain);  // the references moved into `out`
    }
  }
  sk_X509_free(untrusted);
  ERR_clear_error();
  return out;
}

Result<Value> ParseCertificateRequest(std::string_view input) {
  bool is_pem = false;
  auto data = DecodeInput(input, is_pem);
  if (!data) return data.error();
  std::string der = *data;
  if (is_pem) {
    auto block = DecodePem(*data, nullptr);
    if (!block)
      return MakeError(BuiltinFailure::kX509, "failed to parse a PEM certificate request");
    der = block->bytes;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509_REQ, ReqFree> req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req) {
    ERR_clear_error();
    return MakeError(BuiltinFailure::kX509, "asn1: structure error: not a certificate request");
  }
  std::vector<Member> m;
  m.emplace_back(Key("Raw"), Str(codec::EncodeBase64(der)));
  m.emplace_back(Key("Version"), Value::Int(X509_REQ_get_version(req.get())));
  m.emplace_back(Key("Subject"), NameValue(X509_REQ_get_subject_name(req.get())));
  m.emplace_back(Key("SignatureAlgorithm"),
                 Value::Int(GoSignatureAlgorithm(X509_REQ_get_signature_nid(req.get()))));
  m.emplace_back(Key("PublicKeyAlgorithm"),
                 Value::Int(GoPublicKeyAlgorithm(X509_REQ_get0_pubkey(req.get()))));
  const ASN1_BIT_STRING* sig = nullptr;
  X509_REQ_get0_signature(req.get(), &sig, nullptr);
  if (sig != nullptr) {
    m.emplace_back(Key("Signature"), Bytes64(ASN1_STRING_get0_data(sig),
                                             static_cast<std::size_t>(ASN1_STRING_length(sig))));
  }
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req.get());
  Sans sans;
  if (exts != nullptr) {
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
      X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, i);
      if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) == NID_subject_alt_name) {
        std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
            static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(e)));
        sans = SansOf(names.get());
      }
    }
  }
  m.emplace_back(Key("Extensions"), exts != nullptr ? ExtensionsValue(exts) : Value::Null());
  if (exts != nullptr) sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  m.emplace_back(Key("DNSNames"), StringsOrNull(sans.dns));
  m.emplace_back(Key("EmailAddresses"), StringsOrNull(sans.email));
  m.emplace_back(Key("IPAddresses"),
                 sans.ips.empty() ? Value::Null() : Value::Array(std::move(sans.ips)));
  m.emplace_back(Key("URIStrings"), StringsOrNull(sans.uri));
  ERR_clear_error();
  return Value::Object(std::move(m));
}

Result<std::vector<Value>> ParsePrivateKeysToJwk(std::string_view input) {
  bool is_pem = false;
  auto data = DecodeInput(input, is_pem);
  if (!data) return data.error();
  std::vector<Value> out;
  std::string_view rest = *data;
  while (true) {
    std::string_view next;
    auto block = DecodePem(rest, &next);
    if (!block) break;
    rest = next;
    if (block->type.find("PRIVATE KEY") == std::string::npos) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(block->bytes.data());
    std::unique_ptr<EVP_PKEY, PkeyFree> key(
        d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(block->bytes.size())));
    if (!key) {
      ERR_clear_error();
      return MakeError(BuiltinFailure::kX509, "failed to parse a " + block->type);
    }
    if (auto jwk = PrivateKeyJwk(key.get())) out.push_back(std::move(*jwk));
  }
  return out;
}

Result<Value> ParseKeyPair(std::string_view cert_input, std::string_view key_input) {
  auto certs = ParseCertificates(cert_input);
  if (!certs) return certs.error();
  if (certs->empty())
    return MakeError(BuiltinFailure::kX509,
                     "tls: failed to find any PEM data in certificate input");
  bool is_pem = false;
  auto key_text = DecodeInput(key_input, is_pem);
  if (!key_text) return key_text.error();
  auto block = DecodePem(*key_text, nullptr);
  if (!block || block->type.find("PRIVATE KEY") == std::string::npos) {
    return MakeError(BuiltinFailure::kX509, "tls: failed to find any PEM data in key input");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(block->bytes.data());
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(block->bytes.size())));
  if (!key || X509_check_private_key(certs->front().get(), key.get()) != 1) {
    ERR_clear_error();
    return MakeError(BuiltinFailure::kX509, "tls: private key does not match public key");
  }
  std::vector<Value> ders;
  for (const auto& c : *certs) ders.push_back(Str(codec::EncodeBase64(Der(c.get()))));
  return Value::Object({
      {Key("Certificate"), Value::Array(std::move(ders))},
      {Key("Leaf"), CertificateToValue(certs->front().get())},
  });
}

}  // namespace gatehouse::rego::builtins
