// NAT rebinding with the real daemon: a registered device that comes back
// from a new UDP port (its old socket closed, as a NAT mapping that expired
// during sleep) is found again from its Update or its next notification; the
// REST API shows the new address and commands reach the device there. A Send
// from the new port is refused (over plain UDP the address is the only proof
// of who speaks) until the device's Update.

#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/transfer_support.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

// "rebound EP OLD NEW" → {OLD, NEW}.
std::pair<std::string, std::string> addressesOf(const std::string& reboundLine) {
  std::istringstream in(reboundLine);
  std::string word, endpoint, old, now;
  in >> word >> endpoint >> old >> now;
  return {old, now};
}

class NatRebinding : public ::testing::Test {
 protected:
  NatRebinding() : gateway_(broker_.uri()), commands_(gateway_, broker_) {}

  std::string addressOf(const std::string& endpoint) {
    auto r = httpGet(gateway_.httpUrl("/api/v1/devices/" + endpoint));
    if (r.status != 200) return "HTTP " + std::to_string(r.status);
    auto d = parseJson(r.body);
    return d.HasMember("address") ? d["address"].GetString() : "";
  }
  // Polls the REST API until it shows `address` (bounded).
  bool showsAddress(const std::string& endpoint, const std::string& address, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (addressOf(endpoint) == address) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  // A read through the command API reaches the device and is answered 2.05.
  void expectReadReaches(Simulator& sim, const std::string& endpoint) {
    auto r = commands_.run(endpoint, R"({"operation":"read","path":"/3/0/2","timeout_ms":5000})");
    ASSERT_TRUE(r) << gateway_.log();
    EXPECT_STREQ((*r)["status"].GetString(), "content");
    EXPECT_STREQ((*r)["code"].GetString(), "2.05");
    EXPECT_STREQ((*r)["values"][0]["value"].GetString(), ("SN-" + endpoint).c_str());
    EXPECT_TRUE(sim.waitForLine("read " + endpoint + " /3/0/2", 2s));
  }

  Mosquitto broker_;
  GatewayProcess gateway_;
  CommandClient commands_;
};

TEST_F(NatRebinding, UpdateFromANewPortMovesTheRegistration) {
  Simulator sim({"--server", gateway_.coapAddress(), "-e", "nat-u", "--rebind-after", "1", "--rebind-with", "update"});
  ASSERT_TRUE(sim.waitForLine("registered nat-u"));
  auto rebound = sim.waitForLine("rebound nat-u", 5s);
  ASSERT_TRUE(rebound);
  const auto [old, now] = addressesOf(*rebound);
  ASSERT_NE(old, now);
  ASSERT_TRUE(sim.waitForLine("updated nat-u", 5s));
  EXPECT_EQ(addressOf("nat-u"), now);
  expectReadReaches(sim, "nat-u");
}

TEST_F(NatRebinding, NotificationFromANewPortMovesTheRegistration) {
  Simulator sim({"--server", gateway_.coapAddress(), "-e", "nat-n", "--rebind-after", "4", "--rebind-with", "notify",
                 "--update-interval", "600", "--lifetime", "1200"});
  ASSERT_TRUE(sim.waitForLine("registered nat-n"));
  auto attributes = commands_.run(
      "nat-n", R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":0,"pmax":1}})");
  ASSERT_TRUE(attributes) << gateway_.log();
  auto observed = commands_.run("nat-n", R"({"operation":"observe","path":"/3303/0/5700"})");
  ASSERT_TRUE(observed);
  ASSERT_STREQ((*observed)["code"].GetString(), "2.05") << "the observation must start before the rebinding";
  const std::string before = addressOf("nat-n");

  auto rebound = sim.waitForLine("rebound nat-n", 8s);
  ASSERT_TRUE(rebound);
  const auto [old, now] = addressesOf(*rebound);
  EXPECT_EQ(before, old);
  // No Update: only the next notification, from the new port, tells the server.
  ASSERT_TRUE(sim.waitForLine("notify nat-n", 5s));
  EXPECT_TRUE(showsAddress("nat-n", now)) << addressOf("nat-n");
  EXPECT_TRUE(commands_.message("nat-n", "3303/0/5700", 5s)) << "notifications keep flowing";
  expectReadReaches(sim, "nat-n");
}

TEST_F(NatRebinding, SendFromANewPortIsRefusedUntilTheDeviceUpdates) {
  Simulator sim({"--server", gateway_.coapAddress(), "-e", "nat-s", "--rebind-after", "1", "--rebind-with", "send",
                 "--update-interval", "600", "--lifetime", "1200"});
  ASSERT_TRUE(sim.waitForLine("registered nat-s"));
  auto rebound = sim.waitForLine("rebound nat-s", 5s);
  ASSERT_TRUE(rebound);
  const auto [old, now] = addressesOf(*rebound);
  auto refused = sim.waitForLine("send-refused nat-s", 5s);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->find("4.03"), std::string::npos) << *refused;
  // The device Updates from its new port, then its report is taken.
  ASSERT_TRUE(sim.waitForLine("sent nat-s 2.04", 5s));
  auto report = commands_.message("nat-s", "3/0/9", 5s);
  ASSERT_TRUE(report) << gateway_.log();
  EXPECT_EQ(addressOf("nat-s"), now);
  EXPECT_NE(old, now);
  expectReadReaches(sim, "nat-s");
}

}  // namespace
}  // namespace lwm2m::testing
