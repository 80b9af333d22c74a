#include "adapters/tls/self_signed.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <tuple>

#include "adapters/tls/tls_errors.h"

namespace gatehouse::adapters {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

constexpr long kValiditySeconds = 365L * 24 * 3600;

Error OpenSslError(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  char buffer[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, buffer, sizeof(buffer));
  return MakeError(TlsError::kGenerate, what + ": " + buffer);
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsIpLiteral(const std::string& name) {
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str());
  if (ip == nullptr) return false;
  ASN1_OCTET_STRING_free(ip);
  return true;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Signs `key`'s certificate with `issuer_key`; issuer == nullptr means self-signed.
Result<X509Ptr> MakeCertificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                                EVP_PKEY* issuer_key,
                                const std::vector<std::pair<int, std::string>>& extensions) {
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) return OpenSslError("RAND_bytes");
  serial_bytes[0] &= 0x7f;  // RFC 5280: serial numbers are positive
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
  bool serial_ok =
      serial != nullptr && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(serial);
  if (!serial_ok) return OpenSslError("serial number");
  // Backdated an hour so clocks slightly behind ours still accept the certificate.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("gatehouse"), -1, -1, 0);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    return OpenSslError("subject name");
  }
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  if (X509_set_pubkey(cert.get(), key) != 1) return OpenSslError("X509_set_pubkey");
  X509* issuer_cert = issuer != nullptr ? issuer : cert.get();
  for (const auto& [nid, value] : extensions) {
    if (!AddExtension(cert.get(), issuer_cert, nid, value)) {
      return OpenSslError("extension " + std::string(OBJ_nid2sn(nid)));
    }
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return OpenSslError("X509_sign");
  }
  return cert;
}

Result<std::string> ToPem(X509* cert, EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return OpenSslError("BIO_new");
  bool ok = cert != nullptr ? PEM_write_bio_X509(bio.get(), cert) == 1
                            : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                       nullptr) == 1;
  if (!ok) return OpenSslError("PEM encoding");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// Write to a temporary file with the final mode, then rename: readers see the old or the new
// file, never a partial one, and a key is never briefly world-readable.
Status WriteFileAtomically(const std::string& path, const std::string& content, mode_t mode) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return MakeError(TlsError::kWrite, "create " + tmp + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return MakeError(TlsError::kWrite, "write " + tmp + ": " + std::strerror(saved));
    }
    written += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, mode);  // O_CREAT's mode is filtered by the umask
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return MakeError(TlsError::kWrite, "sync " + tmp + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    return MakeError(TlsError::kWrite, "rename to " + path + ": " + std::strerror(saved));
  }
  return Ok();
}

PkeyPtr GenerateP256Key() { return PkeyPtr(EVP_EC_gen("P-256")); }

}  // namespace

Result<TlsFiles> EnsureSelfSignedCertificate(const std::string& dir,
                                             const std::vector<std::string>& dns_names_and_ips) {
  TlsFiles files{dir + "/tls.crt", dir + "/tls.key", dir + "/ca.crt"};
  if (FileExists(files.cert_file) && FileExists(files.key_file) && FileExists(files.ca_file)) {
    return files;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return MakeError(TlsError::kWrite, "create directory " + dir + ": " + std::strerror(errno));
  }

  std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  for (const std::string& name : dns_names_and_ips) {
    // A comma or a colon-less oddity would inject extra SAN entries into the config string.
    if (name.empty() || name.find_first_of(",\n\r") != std::string::npos) {
      return MakeError(TlsError::kGenerate, "invalid subject alternative name");
    }
    san += IsIpLiteral(name) ? ",IP:" : ",DNS:";
    san += name;
  }

  PkeyPtr ca_key = GenerateP256Key();
  PkeyPtr server_key = GenerateP256Key();
  if (!ca_key || !server_key) return OpenSslError("EC P-256 key generation");
  Result<X509Ptr> ca = MakeCertificate(ca_key.get(), "gatehouse self-signed CA", nullptr, nullptr,
                                       {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                        {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                        {NID_subject_key_identifier, "hash"}});
  if (!ca) return ca.error();
  std::string common_name = dns_names_and_ips.empty() ? "localhost" : dns_names_and_ips.front();
  Result<X509Ptr> server = MakeCertificate(server_key.get(), common_name, ca->get(), ca_key.get(),
                                           {{NID_basic_constraints, "critical,CA:FALSE"},
                                            {NID_key_usage, "critical,digitalSignature"},
                                            {NID_ext_key_usage, "serverAuth,clientAuth"},
                                            {NID_subject_key_identifier, "hash"},
                                            {NID_authority_key_identifier, "keyid:always"},
                                            {NID_subject_alt_name, san}});
  if (!server) return server.error();

  Result<std::string> ca_pem = ToPem(ca->get(), nullptr);
  Result<std::string> cert_pem = ToPem(server->get(), nullptr);
  Result<std::string> key_pem = ToPem(nullptr, server_key.get());
  if (!ca_pem) return ca_pem.error();
  if (!cert_pem) return cert_pem.error();
  if (!key_pem) return key_pem.error();
  // tls.crt goes first and comes back last: a crash in between leaves it missing, so the next
  // start regenerates everything instead of pairing an old certificate with a new key.
  ::unlink(files.cert_file.c_str());
  for (auto [path, content, mode] : {std::tuple{&files.key_file, &*key_pem, mode_t{0600}},
                                     std::tuple{&files.ca_file, &*ca_pem, mode_t{0644}},
                                     std::tuple{&files.cert_file, &*cert_pem, mode_t{0644}}}) {
    if (Status s = WriteFileAtomically(*path, *content, mode); !s) return s.error();
  }
  return files;
}

}  // namespace gatehouse::adapters
