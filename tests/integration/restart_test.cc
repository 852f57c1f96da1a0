// Durable registrations: after a gateway restart (clean or SIGKILL) devices
// stay registered and their Updates keep working without re-registering; the
// observations made on them keep delivering (tokens restored: no RST, no new
// Observe, no re-registration).

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <iostream>

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

// POSTs the same command to many devices with one curl (one connection);
// returns how many were accepted (202).
std::size_t postToAll(GatewayProcess& gateway, const std::vector<std::string>& endpoints, const std::string& command) {
  std::vector<std::string> argv{"curl", "-s", "-w", "%{http_code}\n", "-X", "POST",
                                "-H", "Content-Type: application/json", "--data-binary", command};
  for (const auto& ep : endpoints) {
    argv.insert(argv.end(), {"-o", "/dev/null", gateway.httpUrl("/api/v1/devices/" + ep + "/commands")});
  }
  auto r = runCommand(argv, 60s);
  std::size_t accepted = 0;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) accepted += line == "202" ? 1 : 0;
  return accepted;
}

// The endpoint of an event topic "lwm2m/{endpoint}/event/{kind}".
std::string endpointOfTopic(const std::string& topic) {
  const auto first = topic.find('/');
  const auto second = topic.find('/', first + 1);
  return topic.substr(first + 1, second - first - 1);
}

// Endpoints that published a notification on `sub` until all `expected`
// have, or `timeout` passes.
std::set<std::string> notifiedEndpoints(MqttSubscriber& sub, std::size_t expected, std::chrono::milliseconds timeout) {
  std::set<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (seen.size() < expected && std::chrono::steady_clock::now() < deadline) {
    auto m = sub.next(200ms);
    if (m) seen.insert(endpointOfTopic(m->first));
  }
  return seen;
}

// Whether the gateway's log shows `text` within `timeout` (it is written in
// periodic flushes).
bool logShows(GatewayProcess& gateway, const std::string& text, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (gateway.log().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

// Reads what is left on `sub` (the gateway is down: nothing new arrives).
void drain(MqttSubscriber& sub) {
  while (sub.next(300ms)) {
  }
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

// A device observed through the REST API (after the mapping's own
// auto-observe of the same resource, which it replaces), notifying every
// second, keeps notifying across a restart: values on its MQTT topic, no RST,
// no re-registration.
void observationKeepsNotifying(bool hardKill) {
  Mosquitto broker;
  MqttSubscriber values(broker, "lwm2m/+/3303/0/5700");
  MqttSubscriber responses(broker, "lwm2m/+/event/response");
  GatewayProcess gateway(broker.uri());
  Simulator sim({"--server", gateway.coapAddress(), "-e", "meter-1", "--lifetime", "60",
                 "--update-interval", "30"});
  ASSERT_TRUE(sim.waitForLine("registered meter-1"));
  const std::string commands = gateway.httpUrl("/api/v1/devices/meter-1/commands");
  ASSERT_EQ(httpSend("POST", commands,
                     R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":0,"pmax":1}})")
                .status,
            202);
  auto observe = httpSend("POST", commands, R"({"operation":"observe","path":"/3303/0/5700"})");
  ASSERT_EQ(observe.status, 202) << observe.body;
  rapidjson::Document accepted;
  accepted.Parse(observe.body.c_str());
  const std::string requestId = accepted["requestId"].GetString();
  // The observe command was answered: the observation is the REST one now.
  bool answered = false;
  for (auto m = responses.next(10s); m && !answered; m = answered ? m : responses.next(10s)) {
    answered = m->second.find(requestId) != std::string::npos;
  }
  ASSERT_TRUE(answered) << gateway.log();
  ASSERT_TRUE(sim.waitForLine("notify meter-1 /3303/0/5700", 5s));
  ASSERT_TRUE(values.next(5s)) << gateway.log();

  if (hardKill) {
    gateway.kill();
  } else {
    EXPECT_EQ(gateway.terminate(), 0);
  }
  drain(values);
  gateway.restart();

  // The device notifies on with its old token; the restarted gateway takes
  // the values (they reach MQTT) and never answers RST; nobody re-registers.
  auto after = values.next(5s);
  ASSERT_TRUE(after) << gateway.log();
  EXPECT_EQ(after->first, "lwm2m/meter-1/3303/0/5700");
  EXPECT_NE(after->second.find(R"("value":)"), std::string::npos) << after->second;
  int notifies = 0;
  const auto until = std::chrono::steady_clock::now() + 4s;
  while (std::chrono::steady_clock::now() < until) {
    auto line = sim.waitForLine("", 500ms);
    if (!line) continue;
    EXPECT_NE(line->rfind("observe-reset", 0), 0u) << *line;
    EXPECT_NE(line->rfind("registered ", 0), 0u) << *line;
    EXPECT_NE(line->rfind("observe ", 0), 0u) << "observed again: " << *line;
    if (line->rfind("notify meter-1 /3303/0/5700", 0) == 0) ++notifies;
  }
  EXPECT_GE(notifies, 3);
  EXPECT_TRUE(values.next(3s)) << "notifications stopped after the restart";
  EXPECT_TRUE(logShows(gateway, "1 observations restored, 0 dropped")) << gateway.log();
}

TEST(Restart, ObservationKeepsNotifyingAcrossKillDashNine) { observationKeepsNotifying(true); }

TEST(Restart, ObservationKeepsNotifyingAcrossCleanRestart) { observationKeepsNotifying(false); }

TEST(Restart, ThousandObservedDevicesKeepNotifyingAcrossRestart) {
  constexpr std::size_t kDevices = 1000;
  // Values on their resource topics, and no auto-observe: the only
  // observations are the ones this test makes.
  struct RemovedAtEnd {
    std::filesystem::path path;
    ~RemovedAtEnd() { std::filesystem::remove(path); }
  } file{std::filesystem::temp_directory_path() / ("restart-" + std::to_string(::getpid()) + ".yaml")};
  const auto& mapping = file.path;
  std::ofstream(mapping) << R"(uplink:
  - name: resource-values
    match:
      events: [notification, send, response]
    topic: "lwm2m/{endpoint}/{object}/{instance}/{resource}"
    payload: json
    qos: 1
)";
  Mosquitto broker;
  MqttSubscriber notifications(broker, "lwm2m/+/3303/0/5700");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--mapping", mapping.string()});
  Simulator sim({"--server", gateway.coapAddress(), "-n", std::to_string(kDevices), "--lifetime", "300",
                 "--update-interval", "60", "--quiet", "--rate", "2000"});
  std::vector<std::string> endpoints;
  for (std::size_t i = 0; i < kDevices; ++i) {
    auto line = sim.waitForLine("registered ", 20s);
    ASSERT_TRUE(line) << i;
    endpoints.push_back(line->substr(11, line->find(' ', 11) - 11));
  }
  const auto observeStart = std::chrono::steady_clock::now();
  EXPECT_EQ(postToAll(gateway, endpoints,
                      R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":0,"pmax":1}})"),
            kDevices);
  EXPECT_EQ(postToAll(gateway, endpoints, R"({"operation":"observe","path":"/3303/0/5700"})"), kDevices);
  const auto observing = notifiedEndpoints(notifications, kDevices, 20s);
  ASSERT_EQ(observing.size(), kDevices) << gateway.log();
  std::cout << "observations of " << kDevices << " devices established and notifying in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - observeStart).count()
            << " ms\n";
  std::this_thread::sleep_for(500ms);  // the last observations' writes commit (group commit, ~ms)

  gateway.kill();
  drain(notifications);
  const auto restartAt = std::chrono::steady_clock::now();
  gateway.restart();
  EXPECT_TRUE(logShows(gateway, "1000 observations restored, 0 dropped")) << gateway.log();
  EXPECT_EQ(deviceCount(gateway), kDevices) << gateway.log();

  // Every device's notifications reach MQTT again, without a new Observe.
  const auto notifying = notifiedEndpoints(notifications, kDevices, 15s);
  std::cout << notifying.size() << " of " << kDevices << " devices notifying again "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - restartAt).count()
            << " ms after the restart began\n";
  EXPECT_EQ(notifying.size(), kDevices);
  // No device was answered RST or had to register again (--quiet prints both).
  std::size_t resets = 0, registrations = 0, other = 0;
  std::string example;
  while (auto line = sim.waitForLine("", 1s)) {
    if (line->rfind("observe-reset ", 0) == 0) {
      ++resets;
    } else if (line->rfind("registered ", 0) == 0) {
      ++registrations;
    } else {
      ++other;
    }
    if (example.empty()) example = *line;
  }
  EXPECT_EQ(resets, 0u) << example;
  EXPECT_EQ(registrations, 0u) << example;
  EXPECT_EQ(other, 0u) << example;
  EXPECT_EQ(deviceCount(gateway), kDevices);
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

// A damaged database at start (moved aside, or refused with storage.on_damaged:
// refuse): storage_test.cc.

}  // namespace
}  // namespace lwm2m::testing
