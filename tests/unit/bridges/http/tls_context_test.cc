#include "bridges/http/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/test_pki.h"

namespace lwm2m::bridges::http {
namespace {

class TlsContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lwm2m-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    pki_ = lwm2m::testing::makeTestPki(dir_);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static TlsSettings server() { return {pki_.serverCert, pki_.serverKey, {}, ClientAuth::None}; }

  static std::string errorOf(const TlsSettings& settings) {
    auto context = makeServerTlsContext(settings);
    return context ? std::string("(no error)") : context.error().message;
  }

  static inline std::filesystem::path dir_;
  static inline lwm2m::testing::TestPki pki_;
};

TEST_F(TlsContextTest, ServesTls12AndLaterFromTheCertificateAndKey) {
  auto context = makeServerTlsContext(server());
  ASSERT_TRUE(context.ok()) << context.error().message;
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*context)->native_handle()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode((*context)->native_handle()), SSL_VERIFY_NONE);
}

TEST_F(TlsContextTest, ClientAuthenticationModes) {
  auto settings = server();
  settings.clientCaFile = pki_.caFile;
  settings.clientAuth = ClientAuth::Require;
  auto required = makeServerTlsContext(settings);
  ASSERT_TRUE(required.ok()) << required.error().message;
  EXPECT_EQ(SSL_CTX_get_verify_mode((*required)->native_handle()),
            SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  settings.clientAuth = ClientAuth::Optional;
  auto optional = makeServerTlsContext(settings);
  ASSERT_TRUE(optional.ok()) << optional.error().message;
  EXPECT_EQ(SSL_CTX_get_verify_mode((*optional)->native_handle()), SSL_VERIFY_PEER);
}

TEST_F(TlsContextTest, BadFilesAreNamedWithTheReason) {
  auto settings = server();
  settings.certificateChainFile = (dir_ / "missing.pem").string();
  EXPECT_EQ(errorOf(settings), "certificate chain '" + settings.certificateChainFile + "': no such file");

  const auto garbage = (dir_ / "garbage.pem").string();
  std::ofstream(garbage) << "not a certificate\n";
  settings.certificateChainFile = garbage;
  EXPECT_EQ(errorOf(settings), "certificate chain '" + garbage + "': no start line");

  settings = server();
  settings.privateKeyFile = pki_.clientKey;  // another key
  EXPECT_EQ(errorOf(settings), "private key '" + pki_.clientKey +
                                   "' does not match the certificate '" + pki_.serverCert + "'");

  settings = server();
  settings.clientAuth = ClientAuth::Require;
  EXPECT_EQ(errorOf(settings), "client CA: no file given");
  settings.clientCaFile = garbage;
  EXPECT_NE(errorOf(settings).find("client CA '" + garbage + "': "), std::string::npos);
}

TEST(ClientAuthText, ParsesTheThreeModes) {
  EXPECT_EQ(parseClientAuth("none"), ClientAuth::None);
  EXPECT_EQ(parseClientAuth("optional"), ClientAuth::Optional);
  EXPECT_EQ(parseClientAuth("require"), ClientAuth::Require);
  EXPECT_FALSE(parseClientAuth("required").has_value());
}

}  // namespace
}  // namespace lwm2m::bridges::http
