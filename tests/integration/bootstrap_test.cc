// The bootstrap server of the real daemon: the simulator bootstraps from it
// (--bootstrap), is provisioned with freshly generated PSK credentials that
// the gateway stored, and registers with them over DTLS; the credentials and
// the registration survive a gateway restart. Refusals are logged with their
// reason.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

class Bootstrap : public ::testing::Test {
 protected:
  explicit Bootstrap(std::vector<std::string> extra = {})
      : coapsPort_(freeUdpPort()),
        bootstrapPort_(freeUdpPort()),
        gateway_(broker_.uri(), "127.0.0.1", args(extra)) {}

  std::vector<std::string> args(std::vector<std::string> extra) const {
    std::vector<std::string> all{"--coaps", "127.0.0.1:" + std::to_string(coapsPort_), "--bootstrap",
                                 "127.0.0.1:" + std::to_string(bootstrapPort_)};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }
  std::string bootstrapAddress() const { return "127.0.0.1:" + std::to_string(bootstrapPort_); }
  CommandResult credentialsList() {
    return runCommand({LWM2M_GATEWAY_BIN, "credentials", "--data-dir", gateway_.dataDir().string(), "list"});
  }

  Mosquitto broker_;
  std::uint16_t coapsPort_;
  std::uint16_t bootstrapPort_;
  GatewayProcess gateway_;
};

TEST_F(Bootstrap, SimulatedDeviceIsProvisionedAndRegistersOverDtlsWithTheNewCredentials) {
  EXPECT_TRUE(waitForLog(gateway_, "LwM2M bootstrap server on coap://127.0.0.1:" + std::to_string(bootstrapPort_)))
      << gateway_.log();
  Simulator sim({"--bootstrap", bootstrapAddress(), "-e", "sim-bs", "--no-deregister", "-d", "60"});
  auto finished = sim.waitForLine("bootstrap-finished sim-bs", 20s);
  ASSERT_TRUE(finished) << gateway_.log();
  // Pointed at this gateway's coaps listener with an identity made for it.
  EXPECT_NE(finished->find("coaps://127.0.0.1:" + std::to_string(coapsPort_) + " psk-identity=sim-bs-"),
            std::string::npos)
      << *finished;
  ASSERT_TRUE(sim.waitForLine("registered sim-bs", 20s)) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-started sim-bs")) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-finished sim-bs")) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "established (psk identity 'sim-bs-")) << gateway_.log();
  EXPECT_EQ(httpGet(gateway_.httpUrl("/api/v1/devices/sim-bs")).status, 200);

  // The store holds the provisioned identity (never the key).
  const std::string identity = finished->substr(finished->find("psk-identity=") + 13);
  auto listed = credentialsList();
  ASSERT_EQ(listed.exitCode, 0) << listed.output;
  EXPECT_NE(listed.output.find(identity), std::string::npos) << listed.output;

  // After a restart the credentials and the registration are still there.
  sim.terminate();
  ASSERT_EQ(gateway_.terminate(), 0) << gateway_.log();
  gateway_.restart();
  EXPECT_EQ(httpGet(gateway_.httpUrl("/api/v1/devices/sim-bs")).status, 200) << gateway_.log();
  listed = credentialsList();
  EXPECT_NE(listed.output.find(identity), std::string::npos) << listed.output;
}

TEST_F(Bootstrap, RepeatedBootstrapReplacesTheCredentials) {
  std::string first;
  {
    Simulator sim({"--bootstrap", bootstrapAddress(), "-e", "sim-again", "-d", "30"});
    auto line = sim.waitForLine("bootstrap-finished sim-again", 20s);
    ASSERT_TRUE(line) << gateway_.log();
    first = line->substr(line->find("psk-identity="));
    ASSERT_TRUE(sim.waitForLine("registered sim-again", 20s)) << gateway_.log();
  }
  Simulator sim({"--bootstrap", bootstrapAddress(), "-e", "sim-again", "-d", "30"});
  auto line = sim.waitForLine("bootstrap-finished sim-again", 20s);
  ASSERT_TRUE(line) << gateway_.log();
  EXPECT_EQ(line->find(first), std::string::npos);  // new identity
  EXPECT_TRUE(sim.waitForLine("registered sim-again", 20s)) << gateway_.log();
}

std::filesystem::path configDirectory() {
  auto dir = std::filesystem::temp_directory_path() /
             ("bootstrap-configs-" + std::to_string(::getpid()) + "-" + std::to_string(freeUdpPort()));
  std::filesystem::create_directories(dir / "bootstrap");
  std::ofstream(dir / "bootstrap" / "known.yaml") << "endpoint: known\nsecurity:\n  - {instance: 1, mode: psk}\n"
                                                     "servers:\n  - {instance: 0, lifetime: 120}\n";
  std::ofstream(dir / "gateway.yaml") << "bootstrap:\n  configs: \"" << (dir / "bootstrap").string() << "\"\n";
  return dir;
}

// Made before the gateway starts, removed after it stopped.
struct ConfigDirectory {
  ConfigDirectory() : dir(configDirectory()) {}
  ~ConfigDirectory() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

class BootstrapConfigured : public ConfigDirectory, public Bootstrap {
 protected:
  BootstrapConfigured() : ConfigDirectory(), Bootstrap({"--config", (dir / "gateway.yaml").string()}) {}
};

TEST_F(BootstrapConfigured, EndpointWithoutConfigurationIsRefusedWithTheReason) {
  Simulator sim({"--bootstrap", bootstrapAddress(), "-e", "stranger", "-d", "10"});
  auto failed = sim.waitForLine("bootstrap-failed stranger", 20s);
  ASSERT_TRUE(failed) << gateway_.log();
  EXPECT_NE(failed->find("4.04 (no bootstrap configuration for this endpoint)"), std::string::npos) << *failed;
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-failed stranger from 127.0.0.1:")) << gateway_.log();

  Simulator known({"--bootstrap", bootstrapAddress(), "-e", "known", "-d", "30"});
  ASSERT_TRUE(known.waitForLine("bootstrap-finished known", 20s)) << gateway_.log();
  EXPECT_TRUE(known.waitForLine("registered known", 20s)) << gateway_.log();
}

TEST(BootstrapCheckConfig, BadFileIsNamedWithItsLineAndStopsTheGateway) {
  ConfigDirectory config;
  std::ofstream(config.dir / "bootstrap" / "broken.yaml") << "endpoint: broken\nsecurity:\n  - {instance: 1, mode: tls}\n"
                                                             "servers: [{}]\n";
  const std::string gatewayYaml = (config.dir / "gateway.yaml").string();
  auto check = runCommand({"/bin/sh", "-c", std::string(LWM2M_GATEWAY_BIN) + " --config " + gatewayYaml +
                                                " --coaps 127.0.0.1:5684 --check-config 2>&1"});
  EXPECT_EQ(check.exitCode, 1) << check.output;
  EXPECT_NE(check.output.find("broken.yaml:3: security[0].mode: expected psk or nosec (got 'tls')"),
            std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find("bootstrap configurations are invalid"), std::string::npos) << check.output;

  std::filesystem::remove(config.dir / "bootstrap" / "broken.yaml");
  auto good = runCommand({"/bin/sh", "-c", std::string(LWM2M_GATEWAY_BIN) + " --config " + gatewayYaml +
                                               " --coaps 127.0.0.1:5684 --check-config 2>&1"});
  EXPECT_EQ(good.exitCode, 0) << good.output;
  EXPECT_NE(good.output.find("bootstrap configurations are valid"), std::string::npos) << good.output;
}

}  // namespace
}  // namespace lwm2m::testing
