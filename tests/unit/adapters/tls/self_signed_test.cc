#include "adapters/tls/self_signed.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>

#include "../http/socket_test_util.h"
#include "adapters/tls/tls_errors.h"

namespace gatehouse::adapters {
namespace {

X509* LoadCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return cert;
}

int VerifyAgainst(X509* cert, X509* ca) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_VERIFY_PARAM_set_purpose(X509_STORE_CTX_get0_param(ctx), X509_PURPOSE_SSL_SERVER);
  int ok = X509_verify_cert(ctx);
  int error = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return error;
}

TEST(SelfSignedTest, GeneratesVerifiableCertificateWithSans) {
  testing::TempDir tmp;
  std::string dir = tmp.Sub("tls");
  Result<TlsFiles> files = EnsureSelfSignedCertificate(dir, {"gatehouse.svc", "10.0.0.7"});
  ASSERT_TRUE(files) << files.error().ToString();
  EXPECT_EQ(files->cert_file, dir + "/tls.crt");
  EXPECT_EQ(files->key_file, dir + "/tls.key");
  EXPECT_EQ(files->ca_file, dir + "/ca.crt");

  struct stat st;
  ASSERT_EQ(::stat(files->key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);

  X509* cert = LoadCert(files->cert_file);
  X509* ca = LoadCert(files->ca_file);
  ASSERT_NE(cert, nullptr);
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(VerifyAgainst(cert, ca), X509_V_OK);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "gatehouse.svc", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "other.svc", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.0.0.7", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.0.0.8", 0), 0);
  EXPECT_EQ(X509_check_ca(ca), 1);
  EXPECT_EQ(X509_check_ca(cert), 0);
  // About a year of validity.
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert), X509_get0_notAfter(cert)),
            1);
  EXPECT_GE(days, 365);
  EXPECT_LE(days, 366);
  EVP_PKEY* key = X509_get0_pubkey(cert);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  X509_free(cert);
  X509_free(ca);
}

TEST(SelfSignedTest, ReusesExistingFiles) {
  testing::TempDir tmp;
  std::string dir = tmp.Sub("tls");
  ASSERT_TRUE(EnsureSelfSignedCertificate(dir, {}));
  std::string cert = testing::ReadFile(dir + "/tls.crt");
  std::string key = testing::ReadFile(dir + "/tls.key");
  ASSERT_FALSE(cert.empty());
  ASSERT_TRUE(EnsureSelfSignedCertificate(dir, {"ignored.example"}));
  EXPECT_EQ(testing::ReadFile(dir + "/tls.crt"), cert);
  EXPECT_EQ(testing::ReadFile(dir + "/tls.key"), key);
}

TEST(SelfSignedTest, RegeneratesWhenAFileIsMissing) {
  testing::TempDir tmp;
  std::string dir = tmp.Sub("tls");
  ASSERT_TRUE(EnsureSelfSignedCertificate(dir, {}));
  std::string cert = testing::ReadFile(dir + "/tls.crt");
  std::remove((dir + "/ca.crt").c_str());
  ASSERT_TRUE(EnsureSelfSignedCertificate(dir, {}));
  EXPECT_NE(testing::ReadFile(dir + "/tls.crt"), cert);
  X509* new_cert = LoadCert(dir + "/tls.crt");
  X509* new_ca = LoadCert(dir + "/ca.crt");
  ASSERT_NE(new_cert, nullptr);
  ASSERT_NE(new_ca, nullptr);
  EXPECT_EQ(VerifyAgainst(new_cert, new_ca), X509_V_OK);
  X509_free(new_cert);
  X509_free(new_ca);
}

TEST(SelfSignedTest, RefusesNamesThatWouldInjectSans) {
  testing::TempDir tmp;
  Result<TlsFiles> files = EnsureSelfSignedCertificate(tmp.Sub("tls"), {"a.example,DNS:evil"});
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, TlsError::kGenerate);
}

TEST(SelfSignedTest, UnwritableDirectoryIsAnError) {
  Result<TlsFiles> files = EnsureSelfSignedCertificate("/proc/gatehouse-no/tls", {});
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, TlsError::kWrite);
}

}  // namespace
}  // namespace gatehouse::adapters
