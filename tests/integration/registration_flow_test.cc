// End to end through the real daemon: devices (the simulator, libcoap's client)
// register over real UDP, events reach a real Mosquitto, devices are listed
// over the REST API.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

rapidjson::Document parseJson(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// The next message on `topic`, skipping others; asserts it arrives within the timeout.
std::optional<std::string> nextOn(MqttSubscriber& sub, const std::string& topic,
                                  std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = sub.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (m->first == topic) return m->second;
  }
  return std::nullopt;
}

TEST(RegistrationFlow, DeviceAppearsOnMqttAndRestThenUpdatesAndDeregisters) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/#");
  GatewayProcess gateway(broker.uri());

  Simulator sim({"--server", gateway.coapAddress(), "-e", "boiler-7", "--lifetime", "30",
                 "--update-interval", "1", "--objects", "1/0,3/0,3303/0,3303/1"});
  auto registered = sim.waitForLine("registered boiler-7");
  ASSERT_TRUE(registered) << gateway.log();

  auto event = nextOn(sub, "lwm2m/boiler-7/event/registered");
  ASSERT_TRUE(event) << gateway.log();
  auto json = parseJson(*event);
  EXPECT_STREQ(json["event"].GetString(), "registered");
  EXPECT_STREQ(json["endpoint"].GetString(), "boiler-7");
  EXPECT_STREQ(json["lwm2m"].GetString(), "1.1");
  EXPECT_EQ(json["lifetime"].GetInt(), 30);
  EXPECT_STREQ(json["binding"].GetString(), "U");
  EXPECT_EQ(std::string(json["address"].GetString()).rfind("127.0.0.1:", 0), 0u);
  const auto& objects = json["objects"];
  ASSERT_EQ(objects.Size(), 4u);
  EXPECT_STREQ(objects[3].GetString(), "/3303/1");
  const std::string registrationId = json["registrationId"].GetString();
  EXPECT_NE(registered->find("rd/" + registrationId), std::string::npos);

  auto list = httpGet(gateway.httpUrl("/api/v1/devices"));
  ASSERT_EQ(list.status, 200);
  auto devices = parseJson(list.body);
  ASSERT_EQ(devices["devices"].Size(), 1u);
  EXPECT_STREQ(devices["devices"][0]["endpoint"].GetString(), "boiler-7");
  const std::string firstUpdate = devices["devices"][0]["lastUpdateAt"].GetString();

  // The simulator updates every second: an event, and a newer lastUpdateAt over REST.
  auto updated = nextOn(sub, "lwm2m/boiler-7/event/updated");
  ASSERT_TRUE(updated);
  EXPECT_STREQ(parseJson(*updated)["registrationId"].GetString(), registrationId.c_str());
  auto one = httpGet(gateway.httpUrl("/api/v1/devices/boiler-7"));
  ASSERT_EQ(one.status, 200);
  EXPECT_GT(std::string(parseJson(one.body)["lastUpdateAt"].GetString()), firstUpdate);

  // SIGTERM: the simulator de-registers before exiting.
  EXPECT_EQ(sim.terminate(), 0);
  auto gone = nextOn(sub, "lwm2m/boiler-7/event/deregistered");
  ASSERT_TRUE(gone) << gateway.log();
  EXPECT_EQ(httpGet(gateway.httpUrl("/api/v1/devices/boiler-7")).status, 404);
  EXPECT_EQ(parseJson(httpGet(gateway.httpUrl("/api/v1/devices")).body)["devices"].Size(), 0u);
  EXPECT_EQ(gateway.terminate(), 0) << gateway.log();
}

TEST(RegistrationFlow, SilentDeviceExpiresAfterItsLifetime) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/+/event/+");
  GatewayProcess gateway(broker.uri());
  {
    // Registers with a 2 s lifetime, then vanishes without de-registering.
    Simulator sim({"--server", gateway.coapAddress(), "-e", "flaky", "--lifetime", "2",
                   "--update-interval", "100", "--no-deregister", "--duration", "0.5"});
    ASSERT_TRUE(sim.waitForLine("registered flaky"));
    EXPECT_EQ(sim.waitForExit(5s), 0);
  }
  ASSERT_TRUE(nextOn(sub, "lwm2m/flaky/event/registered"));
  EXPECT_EQ(httpGet(gateway.httpUrl("/api/v1/devices/flaky")).status, 200);
  auto expired = nextOn(sub, "lwm2m/flaky/event/expired", 8s);
  ASSERT_TRUE(expired) << gateway.log();
  EXPECT_STREQ(parseJson(*expired)["event"].GetString(), "expired");
  EXPECT_EQ(httpGet(gateway.httpUrl("/api/v1/devices/flaky")).status, 404);
}

TEST(RegistrationFlow, ManyDevicesFromOneSimulatorOverIpv6) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri(), "::1");
  Simulator sim({"--server", gateway.coapAddress(), "-n", "50", "--prefix", "v6-", "--quiet"});
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(sim.waitForLine("registered v6-")) << i << gateway.log();
  auto list = httpGet(gateway.httpUrl("/api/v1/devices"));
  auto devices = parseJson(list.body);
  ASSERT_EQ(devices["devices"].Size(), 50u);
  EXPECT_EQ(std::string(devices["devices"][0]["address"].GetString()).rfind("[::1]:", 0), 0u);
  EXPECT_EQ(sim.terminate(), 0);
  EXPECT_EQ(parseJson(httpGet(gateway.httpUrl("/api/v1/devices")).body)["devices"].Size(), 0u);
}

TEST(RegistrationFlow, GatewayStartsWithoutBrokerAndPublishesOnceItIsThere) {
  Mosquitto broker;
  broker.stop();
  GatewayProcess gateway(broker.uri());
  EXPECT_EQ(httpGet(gateway.httpUrl("/health")).status, 200);
  Simulator sim({"--server", gateway.coapAddress(), "-e", "early-bird", "--lifetime", "60"});
  ASSERT_TRUE(sim.waitForLine("registered early-bird")) << gateway.log();
  broker.start();
  MqttSubscriber sub(broker, "lwm2m/#");
  // Registered while the broker was away: buffered, then published.
  auto health = parseJson(httpGet(gateway.httpUrl("/health")).body);
  EXPECT_EQ(health["devices"].GetInt(), 1);
  EXPECT_EQ(sim.terminate(), 0);
  ASSERT_TRUE(nextOn(sub, "lwm2m/early-bird/event/deregistered", 20s)) << gateway.log();
}

}  // namespace
}  // namespace lwm2m::testing
