// The bootstrap server's DTLS port (bootstrap.listen_dtls) with the real
// daemon: a simulated device bootstraps over DTLS PSK with its bootstrap
// credentials (`credentials add --bootstrap`), is given fresh PSK credentials
// for the LwM2M server, registers over DTLS with them, and after a gateway
// restart registers with them again. Bootstrap events reach MQTT through the
// mapping; identities used for another endpoint and plain CoAP for an
// endpoint with bootstrap credentials are refused with their reason.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kBootstrapKey = "000102030405060708090a0b0c0d0e0f";

// gateway.yaml with the DTLS bootstrap port and a mapping that publishes the
// bootstrap events; made before the gateway starts, removed after it stopped.
struct Scratch {
  explicit Scratch(std::uint16_t bootstrapDtlsPort)
      : dir(fs::temp_directory_path() /
            ("bootstrap-dtls-" + std::to_string(::getpid()) + "-" + std::to_string(bootstrapDtlsPort))) {
    fs::create_directories(dir / "sim");
    std::ofstream(dir / "gateway.yaml") << "bootstrap:\n  listen_dtls: \"127.0.0.1:" << bootstrapDtlsPort << "\"\n";
    std::ofstream(dir / "mapping.yaml")
        << "uplink:\n"
           "  - name: bootstrap-events\n"
           "    match: {events: [bootstrap-started, bootstrap-finished, bootstrap-failed]}\n"
           "    topic: \"site/{endpoint}/{event}\"\n"
           "    payload: event\n";
  }
  ~Scratch() { fs::remove_all(dir); }
  fs::path dir;
};

class BootstrapDtls : public ::testing::Test {
 protected:
  BootstrapDtls()
      : bootstrapDtlsPort_(freeUdpPort()),
        scratch_(bootstrapDtlsPort_),
        coapsPort_(freeUdpPort()),
        bootstrapPort_(freeUdpPort()),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--config", (scratch_.dir / "gateway.yaml").string(), "--mapping",
                  (scratch_.dir / "mapping.yaml").string(), "--coaps", "127.0.0.1:" + std::to_string(coapsPort_),
                  "--bootstrap", "127.0.0.1:" + std::to_string(bootstrapPort_)}) {}

  std::string bootstrapDtlsAddress() const { return "127.0.0.1:" + std::to_string(bootstrapDtlsPort_); }
  CommandResult addBootstrapCredentials(const std::string& endpoint, const std::string& identity) {
    return runCommand({LWM2M_GATEWAY_BIN, "credentials", "--data-dir", gateway_.dataDir().string(), "add",
                       "--bootstrap", endpoint, "--psk-identity", identity, "--psk-key", kBootstrapKey});
  }
  // The simulator bootstrapping over DTLS PSK, keeping its account in scratch/sim.
  std::vector<std::string> simArgs(const std::string& endpoint, const std::string& identity) const {
    return {"--bootstrap", bootstrapDtlsAddress(), "-e", endpoint, "--psk-identity", identity, "--psk-key", kBootstrapKey,
            "--state-dir", (scratch_.dir / "sim").string(), "--no-deregister", "-d", "60"};
  }

  Mosquitto broker_;
  std::uint16_t bootstrapDtlsPort_;
  Scratch scratch_;
  std::uint16_t coapsPort_;
  std::uint16_t bootstrapPort_;
  GatewayProcess gateway_;
};

TEST_F(BootstrapDtls, DeviceBootstrapsOverDtlsPskRegistersWithNewCredentialsAndAgainAfterRestart) {
  MqttSubscriber sub(broker_, "site/#");
  EXPECT_TRUE(waitForLog(gateway_, "LwM2M bootstrap server on coap://127.0.0.1:" + std::to_string(bootstrapPort_) +
                                       ", coaps://" + bootstrapDtlsAddress()))
      << gateway_.log();
  auto added = addBootstrapCredentials("bs-dev", "bs-dev-factory");
  ASSERT_EQ(added.exitCode, 0) << added.output;

  std::string identity;
  {
    Simulator sim(simArgs("bs-dev", "bs-dev-factory"));
    auto finished = sim.waitForLine("bootstrap-finished bs-dev", 20s);
    ASSERT_TRUE(finished) << gateway_.log();
    EXPECT_NE(finished->find("coaps://127.0.0.1:" + std::to_string(coapsPort_) + " psk-identity=bs-dev-"),
              std::string::npos)
        << *finished;
    identity = finished->substr(finished->find("psk-identity=") + 13);
    ASSERT_TRUE(sim.waitForLine("registered bs-dev", 20s)) << gateway_.log();
    // The bootstrap session used the bootstrap identity, the registration the new one.
    EXPECT_TRUE(waitForLog(gateway_, "established (psk identity 'bs-dev-factory')")) << gateway_.log();
    EXPECT_TRUE(waitForLog(gateway_, "established (psk identity '" + identity + "')")) << gateway_.log();
    EXPECT_EQ(gateway_.log().find(kBootstrapKey), std::string::npos) << "no key in the log";

    auto started = nextJsonOn(sub, "site/bs-dev/bootstrap-started");
    ASSERT_TRUE(started) << gateway_.log();
    EXPECT_EQ(str((*started)["event"]), "bootstrap-started");
    EXPECT_EQ(str((*started)["address"]).rfind("127.0.0.1:", 0), 0u);
    auto done = nextJsonOn(sub, "site/bs-dev/bootstrap-finished");
    ASSERT_TRUE(done) << gateway_.log();
    EXPECT_EQ(str((*done)["endpoint"]), "bs-dev");
    sim.terminate();
  }

  ASSERT_EQ(gateway_.terminate(), 0) << gateway_.log();
  const std::size_t firstRun = gateway_.log().size();  // the log file is appended to
  gateway_.restart();
  // The device keeps its account and registers with it: no new bootstrap.
  Simulator again(simArgs("bs-dev", "bs-dev-factory"));
  EXPECT_TRUE(again.waitForLine("bootstrap-skipped bs-dev", 10s));
  ASSERT_TRUE(again.waitForLine("registered bs-dev", 20s)) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "established (psk identity '" + identity + "')")) << gateway_.log();
  EXPECT_EQ(gateway_.log().substr(firstRun).find("bootstrap-started"), std::string::npos) << gateway_.log();
}

TEST_F(BootstrapDtls, IdentityOfAnotherEndpointAndPlainCoapAreRefused) {
  MqttSubscriber sub(broker_, "site/#");
  ASSERT_EQ(addBootstrapCredentials("owner", "owner-factory").exitCode, 0);

  // A valid bootstrap identity used for another endpoint name: 4.03, and why in the log and the event.
  Simulator intruder(simArgs("intruder", "owner-factory"));
  auto refused = intruder.waitForLine("bootstrap-failed intruder", 20s);
  ASSERT_TRUE(refused) << gateway_.log();
  EXPECT_NE(refused->find("4.03"), std::string::npos) << *refused;
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-failed intruder from 127.0.0.1:")) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "refused: psk identity 'owner-factory' belongs to endpoint 'owner'"))
      << gateway_.log();
  auto failed = nextJsonOn(sub, "site/intruder/bootstrap-failed");
  ASSERT_TRUE(failed) << gateway_.log();
  EXPECT_NE(str((*failed)["reason"]).find("belongs to endpoint 'owner'"), std::string::npos);

  // Plain CoAP for an endpoint whose bootstrap credentials require DTLS.
  Simulator plain({"--bootstrap", "127.0.0.1:" + std::to_string(bootstrapPort_), "-e", "owner", "-d", "20"});
  auto plainRefused = plain.waitForLine("bootstrap-failed owner", 20s);
  ASSERT_TRUE(plainRefused) << gateway_.log();
  EXPECT_NE(plainRefused->find("4.03"), std::string::npos) << *plainRefused;
  EXPECT_TRUE(waitForLog(gateway_, "refused: the endpoint's credentials require DTLS")) << gateway_.log();
  EXPECT_EQ(gateway_.log().find("bootstrap-started owner"), std::string::npos) << gateway_.log();
}

// DTLS hides a wrong key (the Finished that does not decrypt is dropped);
// the port still refuses it within seconds of the device's retransmission,
// well inside the 30 s handshake timeout in force here, names the identity,
// never the key, and reports a failed bootstrap of the identity's endpoint.
TEST_F(BootstrapDtls, WrongKeyIsRefusedWithinSecondsWithTheIdentityAndAFailedBootstrap) {
  MqttSubscriber sub(broker_, "site/#");
  ASSERT_EQ(addBootstrapCredentials("wk-dev", "wk-dev-factory").exitCode, 0);
  const std::string wrongKey = "ffeeddccbbaa99887766554433221100";
  const auto start = std::chrono::steady_clock::now();
  Simulator sim({"--bootstrap", bootstrapDtlsAddress(), "-e", "wk-dev", "--psk-identity", "wk-dev-factory",
                 "--psk-key", wrongKey, "-d", "40"});
  ASSERT_TRUE(waitForLog(gateway_, "refused: the key does not match (psk identity 'wk-dev-factory')", 12s))
      << gateway_.log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 12s);
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-failed wk-dev from 127.0.0.1:")) << gateway_.log();
  auto failed = nextJsonOn(sub, "site/wk-dev/bootstrap-failed");
  ASSERT_TRUE(failed) << gateway_.log();
  EXPECT_NE(str((*failed)["reason"]).find("DTLS handshake refused: the key does not match"), std::string::npos)
      << str((*failed)["reason"]);
  EXPECT_EQ(gateway_.log().find(wrongKey), std::string::npos);
  EXPECT_EQ(gateway_.log().find(kBootstrapKey), std::string::npos);
  EXPECT_EQ(gateway_.log().find("bootstrap-started wk-dev"), std::string::npos);
}

}  // namespace
}  // namespace lwm2m::testing
