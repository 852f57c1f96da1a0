// DtlsTransport with X.509 certificates (ECDHE-ECDSA): the device's
// certificate name becomes its identity; a certificate from another CA is
// refused with the verification error as the reason.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "lwm2m/coap/dtls_transport.h"
#include "tests/support/test_pki.h"
#include "tests/unit/lwm2m/coap/dtls_wire.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::peerAt;
using testing::Wire;

const Peer kCertificateServer = peerAt("127.0.0.1", 5684);
const Peer kDevice = peerAt("127.0.0.1", 43000);

std::filesystem::path temporaryDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "dtls-pki-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

class DtlsCertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    trusted = new lwm2m::testing::TestPki(lwm2m::testing::makeTestPki(temporaryDirectory()));
    stranger = new lwm2m::testing::TestPki(lwm2m::testing::makeTestPki(temporaryDirectory()));
  }
  static void TearDownTestSuite() {
    for (auto* pki : {trusted, stranger}) {
      std::filesystem::remove_all(std::filesystem::path(pki->caFile).parent_path());
      delete pki;
    }
  }

  DtlsSettings serverSettings() {
    DtlsSettings s;
    s.certificateFile = trusted->serverCert;
    s.privateKeyFile = trusted->serverKey;
    s.caFile = trusted->caFile;
    s.onEvent = [this](const DtlsEvent& e) { serverEvents.push_back(e); };
    return s;
  }

  static DtlsSettings deviceSettings(const lwm2m::testing::TestPki& pki) {
    DtlsSettings s;
    s.role = DtlsSettings::Role::Client;
    s.certificateFile = pki.clientCert;
    s.privateKeyFile = pki.clientKey;
    s.caFile = trusted->caFile;  // the device trusts the gateway
    return s;
  }

  void run(DtlsSettings server, DtlsSettings device) {
    serverPort = wire.port(kCertificateServer);
    serverTransport = std::make_unique<DtlsTransport>(*serverPort, scheduler, std::move(server));
    serverTransport->start([this](const Peer&, std::span<const std::uint8_t> d) {
      received.emplace_back(d.begin(), d.end());
    });
    devicePort = wire.port(kDevice);
    device.onEvent = [this](const DtlsEvent& e) { deviceEvents.push_back(e); };
    deviceTransport = std::make_unique<DtlsTransport>(*devicePort, scheduler, std::move(device));
    deviceTransport->start([](const Peer&, std::span<const std::uint8_t>) {});
    const std::string text = "hello";
    deviceTransport->send(kCertificateServer, std::vector<std::uint8_t>(text.begin(), text.end()));
    for (int i = 0; i < 100; ++i) scheduler.runDue();
  }

  static lwm2m::testing::TestPki* trusted;
  static lwm2m::testing::TestPki* stranger;
  ManualScheduler scheduler;
  Wire wire{scheduler};
  std::unique_ptr<Wire::Port> serverPort, devicePort;
  std::unique_ptr<DtlsTransport> serverTransport, deviceTransport;
  std::vector<DtlsEvent> serverEvents, deviceEvents;
  std::vector<std::string> received;
};

lwm2m::testing::TestPki* DtlsCertificateTest::trusted = nullptr;
lwm2m::testing::TestPki* DtlsCertificateTest::stranger = nullptr;

TEST_F(DtlsCertificateTest, DeviceCertificateNameIsItsIdentity) {
  run(serverSettings(), deviceSettings(*trusted));
  ASSERT_EQ(received.size(), 1u);
  auto identity = serverTransport->identityOf(kDevice);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->kind, PeerIdentity::Kind::Certificate);
  EXPECT_EQ(identity->name, "lwm2m-gateway");
  EXPECT_TRUE(identity->hasName("lwm2m-gateway"));
}

TEST_F(DtlsCertificateTest, EcdheEcdsaCcm8Works) {
  auto device = deviceSettings(*trusted);
  device.cipherList = "ECDHE-ECDSA-AES128-CCM8";
  run(serverSettings(), device);
  ASSERT_EQ(received.size(), 1u);
}

TEST_F(DtlsCertificateTest, CertificateFromAnotherCaIsRefusedWithTheReason) {
  run(serverSettings(), deviceSettings(*stranger));
  EXPECT_TRUE(received.empty());
  EXPECT_EQ(serverTransport->sessionCount(), 0u);
  ASSERT_FALSE(serverEvents.empty());
  EXPECT_EQ(serverEvents.back().kind, DtlsEvent::Kind::Failed);
  EXPECT_NE(serverEvents.back().reason.find("certificate rejected"), std::string::npos)
      << serverEvents.back().reason;
}

TEST_F(DtlsCertificateTest, DeviceRefusesAGatewayItDoesNotTrust) {
  auto device = deviceSettings(*trusted);
  device.caFile = stranger->caFile;
  run(serverSettings(), device);
  EXPECT_TRUE(received.empty());
  ASSERT_FALSE(deviceEvents.empty());
  EXPECT_EQ(deviceEvents.back().kind, DtlsEvent::Kind::Failed);
  EXPECT_NE(deviceEvents.back().reason.find("certificate rejected"), std::string::npos)
      << deviceEvents.back().reason;
}

}  // namespace
}  // namespace lwm2m::coap
