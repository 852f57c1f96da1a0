// Uplink rules with `batch` in the real daemon: the notifications of several
// simulated devices reach Mosquitto as fewer messages, each a JSON array of
// what the rule would have published one by one (or, per device, one SenML
// pack), and what a batch gathered when the gateway stops is published, not
// lost.

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kRules = R"(
uplink:
  - match: {path: "/3303/+/5700", events: [notification]}
    topic: "site/temperatures"
    payload: json
    qos: 1
    batch: {max_messages: 3, max_delay_ms: 1500}
  - match: {path: "/3303/+/5700", events: [notification]}
    topic: "site/{endpoint}/pack"
    payload: senml
    qos: 0
    batch: {max_messages: 100, max_delay_ms: 2500}
  - match: {path: "/3303/+/5700", events: [notification]}
    topic: "site/slow"
    payload: json
    qos: 1
    batch: {max_messages: 10000, max_delay_ms: 60000}
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 1, pmax: 1}
)";

class RulesFile {
 public:
  RulesFile() : path_(std::filesystem::temp_directory_path() / ("batch-rules-" + std::to_string(::getpid()) + ".yaml")) {
    std::ofstream(path_) << kRules;
  }
  ~RulesFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(UplinkBatch, NotificationsOfSeveralDevicesArriveGatheredAndAStopPublishesWhatWasGathered) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "site/#");
  RulesFile rules;
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--mapping", rules.path()});
  std::vector<std::unique_ptr<Simulator>> devices;
  for (const char* name : {"oven-1", "oven-2", "oven-3"}) {
    devices.push_back(std::make_unique<Simulator>(
        std::vector<std::string>{"--server", gateway.coapAddress(), "-e", name, "--objects", "1/0,3/0,3303/0"}));
    ASSERT_TRUE(devices.back()->waitForLine(std::string("registered ") + name)) << gateway.log();
  }

  // Each device notifies once a second: the JSON rule closes its batches at
  // three messages or 1.5 s, the SenML rule (one pack per device) every 2.5 s.
  std::set<std::string> endpointsSeen;
  std::size_t jsonBatches = 0, largest = 0, packs = 0, largestPack = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((endpointsSeen.size() < 3 || largest < 2 || largestPack < 2) && std::chrono::steady_clock::now() < deadline) {
    auto m = sub.next(2s);
    if (!m) continue;
    ASSERT_NE(m->first, "site/slow") << "a batch of 60 s closed early";
    rapidjson::Document doc;
    doc.Parse(m->second.c_str());
    ASSERT_FALSE(doc.HasParseError()) << m->first << ": " << m->second;
    ASSERT_TRUE(doc.IsArray()) << m->first << ": " << m->second;
    ASSERT_GE(doc.Size(), 1u) << m->second;
    if (m->first == "site/temperatures") {
      ++jsonBatches;
      EXPECT_LE(doc.Size(), 3u) << m->second;
      largest = std::max<std::size_t>(largest, doc.Size());
      for (const auto& element : doc.GetArray()) {
        ASSERT_TRUE(element.IsObject()) << m->second;
        EXPECT_EQ(str(element["path"]), "/3303/0/5700") << m->second;
        EXPECT_TRUE(element["value"].IsNumber()) << m->second;
        endpointsSeen.insert(str(element["endpoint"]));
      }
    } else if (m->first == "site/oven-2/pack") {
      // One device's notifications as one SenML pack: the base name, then its values in order.
      ++packs;
      largestPack = std::max<std::size_t>(largestPack, doc.Size());
      EXPECT_EQ(str(doc[0]["bn"]), "/") << m->second;
      for (const auto& record : doc.GetArray()) {
        ASSERT_TRUE(record.IsObject()) << m->second;
        EXPECT_EQ(str(record["n"]), "3303/0/5700") << m->second;
        EXPECT_TRUE(record["v"].IsNumber()) << m->second;
      }
    }
  }
  EXPECT_EQ(endpointsSeen, (std::set<std::string>{"oven-1", "oven-2", "oven-3"})) << gateway.log();
  EXPECT_GE(largest, 2u) << "no batch gathered more than one message";
  EXPECT_GE(largestPack, 2u) << "no SenML pack joined two notifications; packs: " << packs;
  EXPECT_GT(jsonBatches, 0u);

  // The 60 s batch has gathered every notification so far; a stop publishes
  // it into the outbox, and the broker has it after the restart at the latest.
  gateway.restart();
  bool slowArrived = false;
  const auto slowDeadline = std::chrono::steady_clock::now() + 15s;
  while (!slowArrived && std::chrono::steady_clock::now() < slowDeadline) {
    auto m = sub.next(1s);
    if (!m || m->first != "site/slow") continue;
    rapidjson::Document doc;
    doc.Parse(m->second.c_str());
    ASSERT_TRUE(doc.IsArray()) << m->second;
    EXPECT_GE(doc.Size(), 3u) << "the devices notified for several seconds: " << m->second;
    slowArrived = true;
  }
  EXPECT_TRUE(slowArrived) << gateway.log();
  EXPECT_EQ(gateway.terminate(), 0);
}

}  // namespace
}  // namespace lwm2m::testing
