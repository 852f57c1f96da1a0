// Durable registrations: after a gateway restart (clean or SIGKILL) devices
// stay registered and their Updates keep working without re-registering.

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

std::string registrationIdOf(GatewayProcess& gateway, const std::string& endpoint) {
  auto r = httpGet(gateway.httpUrl("/api/v1/devices/" + endpoint));
  if (r.status != 200) return {};
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return d["registrationId"].GetString();
}

std::size_t deviceCount(GatewayProcess& gateway) {
  rapidjson::Document d;
  d.Parse(httpGet(gateway.httpUrl("/api/v1/devices")).body.c_str());
  return d.HasParseError() ? 0 : d["devices"].Size();
}

void restartsKeepRegistration(bool hardKill) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  Simulator sim({"--server", gateway.coapAddress(), "-e", "meter-1", "--lifetime", "60",
                 "--update-interval", "1"});
  ASSERT_TRUE(sim.waitForLine("registered meter-1"));
  ASSERT_TRUE(sim.waitForLine("updated meter-1"));  // the registration has been committed by now
  const std::string id = registrationIdOf(gateway, "meter-1");
  ASSERT_FALSE(id.empty());

  if (hardKill) {
    gateway.kill();
    gateway.restart();
  } else {
    gateway.restart();
  }
  EXPECT_EQ(registrationIdOf(gateway, "meter-1"), id) << gateway.log();
  // The device's next Updates are accepted: it never has to register again.
  for (int i = 0; i < 2; ++i) {
    auto line = sim.waitForLine("", 5s);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->rfind("updated meter-1 rd/" + id, 0), 0u) << *line;
  }
  EXPECT_EQ(registrationIdOf(gateway, "meter-1"), id);
}

TEST(Restart, CleanRestartKeepsRegistrations) { restartsKeepRegistration(false); }

TEST(Restart, KillDashNineKeepsRegistrations) { restartsKeepRegistration(true); }

TEST(Restart, ThousandDevicesStayRegisteredAcrossRestart) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  Simulator sim({"--server", gateway.coapAddress(), "-n", "1000", "--lifetime", "120",
                 "--update-interval", "3", "--quiet", "--rate", "2000"});
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(sim.waitForLine("registered ", 20s)) << i;
  std::this_thread::sleep_for(1s);  // let the last registrations commit
  ASSERT_EQ(deviceCount(gateway), 1000u);
  gateway.kill();
  gateway.restart();
  EXPECT_EQ(deviceCount(gateway), 1000u) << gateway.log();
  // Two update rounds against the restarted gateway: no device re-registers
  // (the simulator prints update-failed / registered again only if the server forgot it).
  const auto until = std::chrono::steady_clock::now() + 7s;
  while (std::chrono::steady_clock::now() < until) {
    auto line = sim.waitForLine("", 1s);
    if (line) {
      EXPECT_EQ(line->find("update-failed"), std::string::npos) << *line;
      EXPECT_NE(line->rfind("registered ", 0), 0u) << *line;
    }
  }
  EXPECT_EQ(deviceCount(gateway), 1000u);
}

TEST(Restart, RegistrationThatExpiredWhileDownIsReportedExpired) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/+/event/expired");
  GatewayProcess gateway(broker.uri());
  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "sleepy", "--lifetime", "2",
                   "--update-interval", "100", "--no-deregister", "--duration", "0.5"});
    ASSERT_TRUE(sim.waitForLine("registered sleepy"));
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(gateway.terminate(), 0);
  std::this_thread::sleep_for(2500ms);
  gateway.restart();
  auto expired = sub.next(10s);
  ASSERT_TRUE(expired) << gateway.log();
  EXPECT_EQ(expired->first, "lwm2m/sleepy/event/expired");
  EXPECT_EQ(httpGet(gateway.httpUrl("/api/v1/devices/sleepy")).status, 404);
}

TEST(Restart, CorruptedDatabaseGivesAClearStartUpError) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  EXPECT_EQ(gateway.terminate(), 0);
  const auto db = gateway.dataDir() / "gateway.db";
  ASSERT_TRUE(std::filesystem::exists(db));
  std::filesystem::remove(gateway.dataDir() / "gateway.db-wal");
  std::filesystem::remove(gateway.dataDir() / "gateway.db-shm");
  {
    std::ofstream out(db, std::ios::binary | std::ios::trunc);
    out << std::string(8192, 'x');
  }
  auto r = runCommand({"sh", "-c", std::string(LWM2M_GATEWAY_BIN) + " --coap 127.0.0.1:0 --http 127.0.0.1:0 --mqtt " +
                                       broker.uri() + " --data-dir " + gateway.dataDir().string() + " 2>&1"});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("gateway.db"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot start"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lwm2m::testing
