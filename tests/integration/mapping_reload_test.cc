// Mapping reloads in the real daemon when a file changes under it: an empty
// file, a file cut short by an editor's save in progress, and a file that
// lost every rule of a kind are refused with file:line, the rules in force
// stay (devices keep being published, commands keep being answered), and the
// refusal shows in GET /api/v1/mapping and in the metrics. A change is read
// only once the file stayed the same for mapping.settle_ms.

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/integration/gateway_checks.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

const std::string kRules = R"(uplink:
  - match: {events: [registered]}
    topic: "first/{endpoint}"
    payload: event
downlink:
  - topic: "cmd/{endpoint}"
    response_topic: "cmd/{endpoint}/result"
)";

// Reloads refused so far, as GET /api/v1/mapping tells them.
int refusedReloads(const GatewayProcess& gateway) {
  auto status = parse(httpGet(gateway.httpUrl("/api/v1/mapping")).body);
  if (!status.IsObject() || !status.HasMember("reloads")) return -1;
  return status["reloads"]["refused"].GetInt();
}

class MappingReload : public ::testing::Test {
 protected:
  MappingReload()
      : files_("mapping-reload"),
        mapping_(files_.write("rules.yaml", kRules)),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--mapping", mapping_, "--config",
                  files_.write("gateway.yaml", "mapping:\n  watch_interval_ms: 200\n  settle_ms: 1500\n")}) {}

  // The rules in force still publish registrations and answer commands.
  void expectTheFirstRulesInForce(const std::string& endpoint) {
    auto status = parse(httpGet(gateway_.httpUrl("/api/v1/mapping")).body);
    EXPECT_EQ(status["uplink"].GetInt(), 1) << gateway_.log();
    EXPECT_EQ(status["downlink"].GetInt(), 1) << gateway_.log();
    Simulator sim({"--server", gateway_.coapAddress(), "-e", endpoint, "--objects", "1/0,3/0"});
    ASSERT_TRUE(nextJsonOn(sub_, "first/" + endpoint)) << gateway_.log();
    ASSERT_EQ(runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker_.port()), "-q", "1", "-t",
                          "cmd/" + endpoint, "-m", R"({"id":"r1","operation":"read","path":"/3/0/0"})"})
                  .exitCode,
              0);
    auto answer = nextJsonOn(sub_, "cmd/" + endpoint + "/result");
    ASSERT_TRUE(answer) << gateway_.log();
    const std::string answered = str((*answer)["status"]);  // "queued" first, unless the result overtook it
    EXPECT_TRUE(answered == "queued" || answered == "content") << answered;
  }

  // Writes `text` as the mapping file and waits for the refusal naming `where`.
  void expectRefused(const std::string& text, const std::string& where) {
    const int before = refusedReloads(gateway_);
    files_.write("rules.yaml", text);
    ASSERT_TRUE(eventually([&] { return refusedReloads(gateway_) > before; })) << gateway_.log();
    auto status = parse(httpGet(gateway_.httpUrl("/api/v1/mapping")).body);
    EXPECT_NE(str(status["reloads"]["lastError"]).find(where), std::string::npos)
        << str(status["reloads"]["lastError"]);
    EXPECT_EQ(metricValue(gateway_, "lwm2m_gateway_mapping_reload_refused"), 1);
    EXPECT_TRUE(waitForLog(gateway_, "refused, the rules in force stay: " + where)) << gateway_.log();
  }

  Mosquitto broker_;
  MqttSubscriber sub_{broker_, "#"};
  ScratchFiles files_;
  std::string mapping_;
  GatewayProcess gateway_;
};

TEST_F(MappingReload, AnEmptyFileIsRefusedAndTheRulesInForceStay) {
  expectRefused("", mapping_ + ":1: the file is empty");
  expectTheFirstRulesInForce("after-empty");
  expectRefused("# being edited\n", mapping_ + ":1: the file is empty");
  expectTheFirstRulesInForce("after-comment");
}

TEST_F(MappingReload, AFileCutShortIsRefusedWithItsLine) {
  // An unclosed quote: the save stopped in the middle of the topic.
  expectRefused(kRules.substr(0, kRules.find("first/") + 4), mapping_ + ":");
  expectTheFirstRulesInForce("after-quote");
  // Cut after the uplink section: no downlink rules any more.
  expectRefused(kRules.substr(0, kRules.find("downlink:")), mapping_ + ":1: no downlink rules (1 in force) any more");
  expectTheFirstRulesInForce("after-cut");
}

TEST_F(MappingReload, AKindOfRuleIsRemovedOnlyWhenTheFileSaysSo) {
  files_.write("rules.yaml", kRules.substr(0, kRules.find("downlink:")) + "downlink: []\n");
  ASSERT_TRUE(eventually([&] {
    return parse(httpGet(gateway_.httpUrl("/api/v1/mapping")).body)["downlink"].GetInt() == 0;
  })) << gateway_.log();
  EXPECT_EQ(refusedReloads(gateway_), 0);
  EXPECT_EQ(metricValue(gateway_, "lwm2m_gateway_mapping_reloads_total", {{"result", "applied"}}), 1);
  EXPECT_EQ(metricValue(gateway_, "lwm2m_gateway_mapping_reload_refused"), 0);
}

TEST_F(MappingReload, ASaveInProgressIsNotReadUntilTheFileSettles) {
  std::string next = kRules;
  next.replace(next.find("first/"), 6, "second/");
  // The editor writes the file in three pieces, 150 ms apart (well within
  // settle_ms, even on a loaded machine): each piece alone would be refused.
  for (std::size_t end : {next.size() / 3, 2 * next.size() / 3, next.size()}) {
    files_.write("rules.yaml", next.substr(0, end));
    std::this_thread::sleep_for(150ms);
  }
  ASSERT_TRUE(eventually([&] {
    return str(parse(httpGet(gateway_.httpUrl("/api/v1/mapping")).body)["rules"]).find("second/{endpoint}") !=
           std::string::npos;
  })) << gateway_.log();
  EXPECT_EQ(refusedReloads(gateway_), 0) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "mapping reloaded (a mapping file changed)")) << gateway_.log();
  Simulator sim({"--server", gateway_.coapAddress(), "-e", "settled", "--objects", "1/0,3/0"});
  EXPECT_TRUE(nextJsonOn(sub_, "second/settled")) << gateway_.log();
}

}  // namespace
}  // namespace lwm2m::testing
