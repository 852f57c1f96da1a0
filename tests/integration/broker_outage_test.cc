// The MQTT link after a broker outage, against a real Mosquitto stopped and
// started again on the same port: the gateway is back within the back-off
// cap (mqtt.reconnect_max_ms, default 5 s) plus a margin, every failed
// attempt is counted in lwm2m_gateway_mqtt_connect_failures_total, and the
// log tells the outage in a bounded number of lines.

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/integration/gateway_checks.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool mqttConnected(const GatewayProcess& gateway) {
  return metricValue(gateway, "lwm2m_gateway_mqtt_connected") == 1;
}

// How long until the gateway reports the broker session up again (polled every 50 ms).
std::chrono::milliseconds timeToReconnect(const GatewayProcess& gateway, std::chrono::seconds limit) {
  const auto start = Clock::now();
  while (Clock::now() - start < limit && !mqttConnected(gateway)) std::this_thread::sleep_for(50ms);
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(BrokerOutage, TheGatewayIsBackWithinTheDefaultBackOffCap) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  ASSERT_TRUE(waitForLog(gateway, "MQTT connected")) << gateway.log();

  broker.stop();
  // Long enough for the back-off to reach its cap (0.5, 1, 2, 4, 5 s ...).
  std::this_thread::sleep_for(15s);
  const double failures = metricValue(gateway, "lwm2m_gateway_mqtt_connect_failures_total");
  broker.start();
  const auto back = timeToReconnect(gateway, 30s);
  std::cout << "broker back after a 15 s outage: gateway reconnected in " << back.count() << " ms, "
            << failures << " failed attempts counted during the outage\n";
  // The cap (5 s) plus a margin for the connect itself on a loaded machine.
  EXPECT_LE(back, 8s) << "reconnected after " << back.count() << " ms\n" << gateway.log();
  ASSERT_TRUE(mqttConnected(gateway)) << gateway.log();
  // Every attempt counted: at least one per cap for 15 s, the first few faster.
  EXPECT_GE(failures, 4) << gateway.log();
  EXPECT_GE(metricValue(gateway, "lwm2m_gateway_mqtt_connect_failures_total"), failures);
  // The outage in the log: the first failure, at most one line per 30 s after it, the return.
  const std::string log = gateway.log();
  EXPECT_EQ(occurrences(log, "MQTT cannot connect to"), 1u) << log;
  EXPECT_LE(occurrences(log, "MQTT still cannot connect to"), 1u) << log;
  EXPECT_NE(log.find("failed attempts in"), std::string::npos) << log;
}

TEST(BrokerOutage, TheCapComesFromTheConfiguration) {
  Mosquitto broker;
  ScratchFiles files("broker-outage");
  GatewayProcess gateway(broker.uri(), "127.0.0.1",
                         {"--config", files.write("gateway.yaml", "mqtt:\n  reconnect_min_ms: 100\n"
                                                                  "  reconnect_max_ms: 1000\n")});
  ASSERT_TRUE(waitForLog(gateway, "MQTT connected")) << gateway.log();
  broker.stop();
  std::this_thread::sleep_for(8s);
  // With a 1 s cap, 8 s away make at least 8 attempts.
  EXPECT_GE(metricValue(gateway, "lwm2m_gateway_mqtt_connect_failures_total"), 8) << gateway.log();
  broker.start();
  const auto back = timeToReconnect(gateway, 30s);
  EXPECT_LE(back, 4s) << "reconnected after " << back.count() << " ms\n" << gateway.log();
  EXPECT_TRUE(mqttConnected(gateway)) << gateway.log();
}

}  // namespace
}  // namespace lwm2m::testing
