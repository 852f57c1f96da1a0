// Queue mode through the real daemon: a device that registers with Q is awake
// after each message for the configured window, then asleep; both are events.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

TEST(QueueMode, AwakeAndAsleepEventsFollowTheDevicesMessages) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/sleeper/event/+");
  const auto config = std::filesystem::temp_directory_path() / ("queue-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(config) << "lwm2m:\n  awake_window_s: 1\n";
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.string()});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "sleeper", "--queue", "--lifetime", "60",
                 "--update-interval", "3", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered sleeper"));

  std::vector<std::string> kinds;
  while (kinds.size() < 6) {
    auto m = sub.next(10s);
    ASSERT_TRUE(m) << "after " << kinds.size() << " events\n" << gateway.log();
    kinds.push_back(m->first.substr(m->first.rfind('/') + 1));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"registered", "awake", "asleep", "updated", "awake", "asleep"}));
  auto device = httpGet(gateway.httpUrl("/api/v1/devices/sleeper")).body;
  EXPECT_NE(device.find("\"queueMode\":true"), std::string::npos) << device;
  std::filesystem::remove(config);
}

}  // namespace
}  // namespace lwm2m::testing
