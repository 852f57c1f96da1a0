// The gateway's retained status with its Last Will, and per-device retained
// status, seen by an MQTT client as a cloud application would.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

std::string writeConfig(const std::string& name, const std::string& yaml) {
  const auto path = std::filesystem::temp_directory_path() /
                    (name + "-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << yaml;
  return path.string();
}

// Polls the retained status until it equals `wanted` (bounded).
bool retainedBecomes(const Mosquitto& broker, const std::string& topic, const std::string& wanted,
                     std::chrono::seconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (retainedMessage(broker, topic, 2s) == wanted) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

TEST(MqttStatus, OnlineAfterStartOfflineAsLastWillAfterKillDashNine) {
  Mosquitto broker;
  const std::string config = writeConfig("mqtt-status", "gateway:\n  id: it-gw-1\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config});
  const std::string topic = "lwm2m-gateway/it-gw-1/status";
  EXPECT_TRUE(retainedBecomes(broker, topic, "online")) << gateway.log();
  gateway.kill();
  EXPECT_TRUE(retainedBecomes(broker, topic, "offline")) << broker.log();
  gateway.restart();
  EXPECT_TRUE(retainedBecomes(broker, topic, "online")) << gateway.log();
  EXPECT_EQ(gateway.terminate(), 0);
  EXPECT_TRUE(retainedBecomes(broker, topic, "offline"));
  std::filesystem::remove(config);
}

TEST(MqttStatus, DeviceStatusIsRetainedOnlineThenOffline) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "status-dev", "--lifetime", "60"});
    ASSERT_TRUE(sim.waitForLine("registered status-dev"));
    EXPECT_TRUE(retainedBecomes(broker, "lwm2m/status-dev/status", "online")) << gateway.log();
    sim.terminate();  // de-registers
  }
  EXPECT_TRUE(retainedBecomes(broker, "lwm2m/status-dev/status", "offline")) << gateway.log();
}

}  // namespace
}  // namespace lwm2m::testing
