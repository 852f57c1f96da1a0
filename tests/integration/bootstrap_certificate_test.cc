// Bootstrap over DTLS with an X.509 certificate (bootstrap.listen_dtls with
// the coaps.* certificate, key and CA bundle): a simulated device whose
// certificate names its endpoint (CN) bootstraps, is given fresh PSK
// credentials and registers over DTLS with them; the same certificate used
// for another endpoint name is refused (4.03) with the reason in the log.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/support/test_pki.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The test PKI and gateway.yaml; made before the gateway starts, removed after it stopped.
struct PkiScratch {
  explicit PkiScratch(std::uint16_t bootstrapDtlsPort)
      : dir(fs::temp_directory_path() /
            ("bootstrap-cert-" + std::to_string(::getpid()) + "-" + std::to_string(bootstrapDtlsPort))) {
    fs::create_directories(dir);
    pki = makeTestPki(dir);
    std::ofstream(dir / "gateway.yaml") << "coaps:\n  cert_file: " << pki.serverCert << "\n  key_file: "
                                        << pki.serverKey << "\n  ca_file: " << pki.caFile
                                        << "\nbootstrap:\n  listen_dtls: \"127.0.0.1:" << bootstrapDtlsPort << "\"\n";
  }
  ~PkiScratch() { fs::remove_all(dir); }
  fs::path dir;
  TestPki pki;
};

class BootstrapCertificate : public ::testing::Test {
 protected:
  BootstrapCertificate()
      : bootstrapDtlsPort_(freeUdpPort()),
        scratch_(bootstrapDtlsPort_),
        coapsPort_(freeUdpPort()),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--config", (scratch_.dir / "gateway.yaml").string(), "--coaps",
                  "127.0.0.1:" + std::to_string(coapsPort_), "--bootstrap",
                  "127.0.0.1:" + std::to_string(freeUdpPort())}) {}

  // The simulator bootstrapping over DTLS with the test PKI's client certificate (CN lwm2m-gateway).
  std::vector<std::string> simArgs(const std::string& endpoint) const {
    return {"--bootstrap", "127.0.0.1:" + std::to_string(bootstrapDtlsPort_), "-e", endpoint, "--cert",
            scratch_.pki.clientCert, "--key", scratch_.pki.clientKey, "--ca", scratch_.pki.caFile,
            "--no-deregister", "-d", "60"};
  }

  std::uint16_t bootstrapDtlsPort_;
  PkiScratch scratch_;
  std::uint16_t coapsPort_;
  Mosquitto broker_;
  GatewayProcess gateway_;
};

TEST_F(BootstrapCertificate, DeviceNamedByItsCertificateBootstrapsAndRegistersWithTheNewPskCredentials) {
  Simulator sim(simArgs("lwm2m-gateway"));
  auto finished = sim.waitForLine("bootstrap-finished lwm2m-gateway", 20s);
  ASSERT_TRUE(finished) << gateway_.log();
  EXPECT_NE(finished->find("coaps://127.0.0.1:" + std::to_string(coapsPort_) + " psk-identity=lwm2m-gateway-"),
            std::string::npos)
      << *finished;
  const std::string identity = finished->substr(finished->find("psk-identity=") + 13);
  ASSERT_TRUE(sim.waitForLine("registered lwm2m-gateway", 20s)) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "established (certificate CN 'lwm2m-gateway')")) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-finished lwm2m-gateway from 127.0.0.1:")) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "established (psk identity '" + identity + "')")) << gateway_.log();
  EXPECT_EQ(httpGet(gateway_.httpUrl("/api/v1/devices/lwm2m-gateway")).status, 200);
}

TEST_F(BootstrapCertificate, CertificateUsedForAnotherEndpointIsRefused) {
  Simulator sim(simArgs("someone-else"));
  auto failed = sim.waitForLine("bootstrap-failed someone-else", 20s);
  ASSERT_TRUE(failed) << gateway_.log();
  EXPECT_NE(failed->find("4.03"), std::string::npos) << *failed;
  EXPECT_TRUE(waitForLog(gateway_, "refused: certificate CN 'lwm2m-gateway' is bound to no endpoint and does not "
                                   "name this one"))
      << gateway_.log();
  EXPECT_EQ(gateway_.log().find("bootstrap-started someone-else"), std::string::npos) << gateway_.log();
}

}  // namespace
}  // namespace lwm2m::testing
