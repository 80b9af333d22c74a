#include "adapters/tls/server_tls_context.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "../http/socket_test_util.h"
#include "adapters/tls/self_signed.h"
#include "adapters/tls/tls_errors.h"

namespace gatehouse::adapters {
namespace {

class ServerTlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TlsFiles> a = EnsureSelfSignedCertificate(tmp_.Sub("a"), {});
    Result<TlsFiles> b = EnsureSelfSignedCertificate(tmp_.Sub("b"), {});
    ASSERT_TRUE(a && b);
    a_ = *a;
    b_ = *b;
    config_.cert_file = tmp_.Sub("tls.crt");
    config_.key_file = tmp_.Sub("tls.key");
    config_.reload_check_interval = std::chrono::milliseconds(0);
    Install(a_);
  }
  void Install(const TlsFiles& files) {
    testing::ReplaceFile(config_.key_file, testing::ReadFile(files.key_file));
    testing::ReplaceFile(config_.cert_file, testing::ReadFile(files.cert_file));
  }

  testing::TempDir tmp_;
  TlsFiles a_, b_;
  ServerTlsConfig config_;
};

TEST_F(ServerTlsContextTest, RefusesOldProtocolsAndLoadsTheCertificate) {
  Result<std::shared_ptr<SSL_CTX>> ctx = LoadServerSslContext(config_);
  ASSERT_TRUE(ctx) << ctx.error().ToString();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->get()), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get0_certificate(ctx->get()), nullptr);
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx->get()), SSL_VERIFY_NONE);
}

TEST_F(ServerTlsContextTest, ClientCertificateModes) {
  config_.client_ca_file = b_.ca_file;
  Result<std::shared_ptr<SSL_CTX>> optional = LoadServerSslContext(config_);
  ASSERT_TRUE(optional);
  EXPECT_EQ(SSL_CTX_get_verify_mode(optional->get()), SSL_VERIFY_PEER);
  config_.require_client_cert = true;
  Result<std::shared_ptr<SSL_CTX>> required = LoadServerSslContext(config_);
  ASSERT_TRUE(required);
  EXPECT_EQ(SSL_CTX_get_verify_mode(required->get()),
            SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  config_.client_ca_file.clear();
  Result<std::shared_ptr<SSL_CTX>> no_ca = LoadServerSslContext(config_);
  ASSERT_FALSE(no_ca);
  EXPECT_EQ(no_ca.error().code, TlsError::kConfig);
}

TEST_F(ServerTlsContextTest, LoadErrorsNameTheFile) {
  config_.key_file = tmp_.Sub("absent.key");
  Result<std::unique_ptr<ServerTlsContext>> tls = ServerTlsContext::Load(config_);
  ASSERT_FALSE(tls);
  EXPECT_EQ(tls.error().code, TlsError::kConfig);
  EXPECT_NE(tls.error().message.find("absent.key"), std::string::npos);
}

TEST_F(ServerTlsContextTest, ReloadsOnChangeAndKeepsOldOnFailure) {
  Result<std::unique_ptr<ServerTlsContext>> loaded = ServerTlsContext::Load(config_);
  ASSERT_TRUE(loaded);
  ServerTlsContext& tls = **loaded;
  std::shared_ptr<SSL_CTX> first = tls.Current();
  EXPECT_EQ(tls.Current(), first);  // unchanged files: same context
  EXPECT_EQ(tls.reload_count(), 0u);

  Install(b_);
  std::shared_ptr<SSL_CTX> second = tls.Current();
  EXPECT_NE(second, first);
  EXPECT_EQ(tls.reload_count(), 1u);
  EXPECT_EQ(tls.last_reload_error(), "");
  EXPECT_NE(X509_cmp(SSL_CTX_get0_certificate(first.get()), SSL_CTX_get0_certificate(second.get())),
            0);

  testing::ReplaceFile(config_.key_file, testing::ReadFile(a_.key_file));  // mismatched pair
  EXPECT_EQ(tls.Current(), second);
  EXPECT_EQ(tls.reload_count(), 1u);
  EXPECT_NE(tls.last_reload_error().find("mismatch"), std::string::npos) << tls.last_reload_error();
  EXPECT_EQ(tls.Current(), second);  // not retried until the files change again

  Install(a_);
  EXPECT_NE(tls.Current(), second);
  EXPECT_EQ(tls.reload_count(), 2u);
  EXPECT_EQ(tls.last_reload_error(), "");
}

TEST_F(ServerTlsContextTest, ChecksAtMostOncePerInterval) {
  config_.reload_check_interval = std::chrono::hours(1);
  Result<std::unique_ptr<ServerTlsContext>> loaded = ServerTlsContext::Load(config_);
  ASSERT_TRUE(loaded);
  std::shared_ptr<SSL_CTX> first = (*loaded)->Current();
  Install(b_);
  EXPECT_EQ((*loaded)->Current(), first);
  EXPECT_EQ((*loaded)->reload_count(), 0u);
}

}  // namespace
}  // namespace gatehouse::adapters
