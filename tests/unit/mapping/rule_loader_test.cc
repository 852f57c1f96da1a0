#include "mapping/rule_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using testing::loadError;
using testing::rulesFrom;
using testing::testModel;

TEST(RuleLoader, ReadsEveryFieldOfEachRuleKind) {
  RuleSet rules = rulesFrom(R"(
uplink:
  - name: temps
    enabled: false
    match: {endpoint: "sensor-*", path: ["/3303/+/5700", "/3/0/#"], object: temperature,
            resource: "Sensor Value", events: [notification, send]}
    topic: "t/{endpoint}/{object_name}"
    payload: value
    qos: 2
    retain: true
    transform: {scale: 0.5, offset: 1, round: 2, rename: temp}
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 5, pmax: 60, st: 0.25, gt: 30}
    composite: true
downlink:
  - name: set
    topic: "lwm2m/{endpoint}/set/{object}/{instance}/{resource}"
    operation: write
    path: "/{object}/{instance}/{resource}"
    payload: value
    response_topic: "lwm2m/{endpoint}/set/result"
    response_qos: 1
    ttl: 600
)");
  ASSERT_EQ(rules.uplink().size(), 1u);
  const UplinkRule& u = rules.uplink()[0];
  EXPECT_EQ(u.name, "temps");
  EXPECT_FALSE(u.enabled);
  EXPECT_EQ(u.source, "test.yaml:3");
  EXPECT_EQ(u.match.endpoint, "sensor-*");
  ASSERT_EQ(u.match.paths.size(), 2u);
  EXPECT_EQ(u.match.paths[1].text(), "/3/0/#");
  EXPECT_EQ(u.match.events, (std::vector<DeviceEventKind>{DeviceEventKind::Notification, DeviceEventKind::Send}));
  EXPECT_EQ(u.style, PayloadStyle::Value);
  EXPECT_EQ(u.qos, 2);
  EXPECT_TRUE(u.retain);
  EXPECT_EQ(u.transform.scale, 0.5);
  EXPECT_EQ(u.transform.offset, 1);
  EXPECT_EQ(u.transform.round, 2);
  EXPECT_EQ(u.transform.rename, "temp");

  ASSERT_EQ(rules.observe().size(), 1u);
  EXPECT_TRUE(rules.observe()[0].composite);
  EXPECT_EQ(rules.observe()[0].attributes.minPeriod, 5u);
  EXPECT_EQ(rules.observe()[0].attributes.step, 0.25);
  EXPECT_EQ(rules.observe()[0].attributes.greaterThan, 30);

  ASSERT_EQ(rules.downlink().size(), 1u);
  const DownlinkRule& d = rules.downlink()[0];
  EXPECT_EQ(d.operation, Operation::WriteReplace);
  EXPECT_EQ(d.ttlSeconds, 600u);
  EXPECT_EQ(d.responseQos, 1);
  EXPECT_EQ(rules.subscriptions(), (std::vector<std::string>{"lwm2m/+/set/+/+/+"}));
}

TEST(RuleLoader, AcceptsJsonFiles) {
  auto rules = parseRules(R"({"uplink":[{"topic":"x/{endpoint}","payload":"senml"}]})", "rules.json", testModel());
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(rules->uplink()[0].style, PayloadStyle::Senml);
}

TEST(RuleLoader, RejectsInvalidFilesWithFileLineAndReason) {
  struct Case {
    const char* yaml;
    const char* expected;
  } cases[] = {
      {"uplink:\n  - topic: a\n    payload: xml\n", "rules.yaml:3: uplink[0].payload: unknown style 'xml'"},
      {"uplink:\n  - payload: json\n", "rules.yaml:2: uplink[0].topic: is required"},
      {"uplink:\n  - topic: a\n    qos: 3\n", "rules.yaml:3: uplink[0].qos: '3' is not a QoS"},
      {"uplink:\n  - topic: \"a/{nope}\"\n", "rules.yaml:2: uplink[0].topic: template 'a/{nope}': unknown placeholder {nope}"},
      {"uplink:\n  - topic: a\n    match:\n      path: /3/x\n",
       "rules.yaml:4: uplink[0].match.path: path pattern '/3/x': 'x' is not an id"},
      {"uplink:\n  - topic: a\n    match:\n      events: [rebooted]\n",
       "rules.yaml:4: uplink[0].match.events: unknown event 'rebooted'"},
      {"uplink:\n  - topic: a\n    match:\n      object: Toaster\n",
       "rules.yaml:4: uplink[0].match.object: no object named 'Toaster' in the object model"},
      {"uplink:\n  - topic: a\n    match:\n      resource: Flux\n",
       "rules.yaml:4: uplink[0].match.resource: no resource named 'Flux'"},
      {"uplink:\n  - topic: a\n    tpoic: b\n", "rules.yaml:3: uplink[0]: unknown key 'tpoic'"},
      {"uplinks: []\n", "rules.yaml:1: unknown key 'uplinks'"},
      {"uplink:\n  - topic: a\n    retain: maybe\n", "rules.yaml:3: uplink[0].retain: 'maybe' is not true or false"},
      {"uplink:\n  - topic: a\n    transform: {scale: big}\n", "rules.yaml:3: uplink[0].transform.scale: 'big' is not a number"},
      {"uplink:\n  - topic: a\n    transform: {round: one}\n",
       "rules.yaml:3: uplink[0].transform.round: 'one' is not a whole number of decimals"},
      {"uplink:\n  topic: a\n", "rules.yaml:2: uplink: expected a list of rules"},
      {"observe:\n  - attributes: {pmin: 5}\n", "rules.yaml:2: observe[0].match: an observe rule needs match.path"},
      {"observe:\n  - match: {path: /3/0/9}\n    attributes: {pmin: 60, pmax: 10}\n",
       "rules.yaml:3: observe[0].attributes.pmax: pmax must not be below pmin"},
      {"downlink:\n  - topic: lwm2m/cmd\n", "rules.yaml:2: downlink[0].topic: the topic must capture {endpoint}"},
      {"downlink:\n  - topic: lwm2m/+/cmd\n", "rules.yaml:2: downlink[0].topic: topic pattern 'lwm2m/+/cmd': name the wildcard"},
      {"downlink:\n  - topic: lwm2m/{endpoint}/x\n    operation: reboot\n",
       "rules.yaml:3: downlink[0].operation: unknown operation 'reboot'"},
      {"downlink:\n  - topic: lwm2m/{endpoint}/x\n    payload: value\n    path: /3/0/1\n",
       "downlink[0].operation: a value payload needs 'operation' or {op} in the topic"},
      {"downlink:\n  - topic: lwm2m/{endpoint}/x\n    payload: senml\n", "rules.yaml:3: downlink[0].payload: a command payload is value, json or emqx"},
      {"downlink:\n  - topic: lwm2m/{endpoint}/x\n    path: \"/{object}/0\"\n",
       "rules.yaml:3: downlink[0].path: template '/{object}/0': unknown placeholder {object}"},
      {"uplink:\n  - topic: a\n    payload: json\n    match: {events: [registered]}\n",
       "rules.yaml:3: uplink[0].payload: style json publishes values, and none of the matched events carries any"},
      {"{\"uplink\": [\n  {\"topic\": \"a\",\n   \"qos\": 7}]}", "rules.yaml:3: uplink[0].qos: '7' is not a QoS"},
      {"uplink:\n  - topic: a\n    batch: {max_messages: 1, max_delay_ms: 10}\n",
       "rules.yaml:3: uplink[0].batch.max_messages: '1' is not 2 to 10000 messages"},
      {"uplink:\n  - topic: a\n    batch: {max_messages: 10}\n",
       "rules.yaml:3: uplink[0].batch.max_delay_ms: required: 1 to 60000 ms"},
      {"uplink:\n  - topic: a\n    batch: {max_messages: 10, max_delay_ms: soon}\n",
       "rules.yaml:3: uplink[0].batch.max_delay_ms: 'soon' is not 1 to 60000 ms"},
      {"uplink:\n  - topic: a\n    batch: {max_messages: 10, max_delay: 5}\n",
       "rules.yaml:3: uplink[0].batch: unknown key 'max_delay'"},
      {"uplink:\n  - topic: a\n    payload: value\n    batch: {max_messages: 10, max_delay_ms: 5}\n",
       "rules.yaml:4: uplink[0].batch: a batch is a JSON array of the messages' payloads; style value is not JSON"},
      {"uplink:\n  - topic: a\n    retain: true\n    batch: {max_messages: 10, max_delay_ms: 5}\n",
       "uplink[0].batch: a retained batch would replace the one before it"},
      {"uplink:\n  - topic: site/pack\n    payload: senml\n    batch: {max_messages: 10, max_delay_ms: 5}\n",
       "rules.yaml:4: uplink[0].batch: a SenML pack names no device, so a SenML batch is one device's: its topic "
       "needs {endpoint}"},
      {"uplink: [\n", "rules.yaml:2: "},
      {"- a\n- b\n", "rules.yaml:1: the file must hold a map"},
  };
  for (const auto& c : cases) {
    std::string error = loadError(c.yaml);
    EXPECT_NE(error.find(c.expected), std::string::npos) << "got: " << error << "\nwanted: " << c.expected;
  }
}

TEST(RuleLoader, AnEmptyFileIsRefusedUnlessEmptinessIsAllowed) {
  for (const char* text : {"", "\n  \n", "# only a comment\n"}) {
    EXPECT_NE(loadError(text).find("rules.yaml:1: the file is empty"), std::string::npos) << loadError(text);
  }
  auto allowed = parseRules("# nothing yet\n", "rules.yaml", testModel(), LoadPolicy{true});
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_TRUE(allowed->uplink().empty());
  EXPECT_TRUE(allowed->downlink().empty());
}

TEST(RuleLoader, AnExplicitEmptySectionLoadsAsNoRulesOfThatKind) {
  RuleSet rules = rulesFrom("uplink: []\ndownlink: []\n");
  EXPECT_TRUE(rules.uplink().empty());
  EXPECT_EQ(rules.emptiedSections(), (std::vector<std::string>{"uplink", "downlink"}));
}

TEST(RuleLoader, AFileCutShortIsRefusedWithItsLine) {
  const std::string whole = "uplink:\n  - match: {events: [registered]}\n    topic: \"up/{endpoint}\"\n";
  // An editor's save caught half-way: inside a quoted string, a flow map, a key.
  for (std::size_t cut : {whole.find("up/") + 2, whole.find("events") + 3, std::size_t{4}}) {
    const std::string error = loadError(whole.substr(0, cut));
    EXPECT_EQ(error.rfind("rules.yaml:", 0), 0u) << "cut at " << cut << ": " << error;
  }
}

TEST(RuleLoader, AReloadMayNotDropEveryRuleOfAKindUnlessTheFileSaysSo) {
  RuleSet before = rulesFrom(
      "uplink:\n  - topic: \"u/{endpoint}\"\ndownlink:\n  - topic: \"d/{endpoint}\"\n");
  RuleSet onlyDownlink = rulesFrom("downlink:\n  - topic: \"d/{endpoint}\"\n");
  auto refused = checkReplacement(before, onlyDownlink, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("test.yaml:1: no uplink rules (1 in force) any more"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("\"uplink: []\""), std::string::npos) << refused.error().message;

  EXPECT_TRUE(checkReplacement(before, rulesFrom("uplink: []\ndownlink:\n  - topic: \"d/{endpoint}\"\n"), {}).ok());
  EXPECT_TRUE(checkReplacement(before, onlyDownlink, LoadPolicy{true}).ok());
  // Fewer rules of a kind are fine; only none at all is suspicious.
  EXPECT_TRUE(checkReplacement(before, rulesFrom("uplink:\n  - topic: \"v/{endpoint}\"\ndownlink:\n  - topic: "
                                                 "\"e/{endpoint}\"\n"),
                               {})
                  .ok());
  EXPECT_TRUE(checkReplacement(RuleSet(), onlyDownlink, {}).ok());
}

class RuleDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mapping-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::filesystem::path dir_;
};

TEST_F(RuleDirectory, LoadsEveryRuleFileInNameOrder) {
  write("20-b.yaml", "uplink:\n  - name: second\n    topic: b\n");
  write("10-a.yml", "uplink:\n  - name: first\n    topic: a\n");
  write("30-c.json", R"({"downlink":[{"topic":"c/{endpoint}"}]})");
  write("notes.txt", "not a rule file");
  auto rules = loadRules(dir_.string(), testing::testModel());
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->uplink().size(), 2u);
  EXPECT_EQ(rules->uplink()[0].name, "first");
  EXPECT_EQ(rules->uplink()[1].name, "second");
  EXPECT_EQ(rules->downlink().size(), 1u);
  EXPECT_EQ(rules->files().size(), 3u);
  EXPECT_NE(rules->uplink()[1].source.find("20-b.yaml:2"), std::string::npos);
}

TEST_F(RuleDirectory, OneBadFileRejectsTheWholeDirectory) {
  write("10-good.yaml", "uplink:\n  - topic: a\n");
  write("20-bad.yaml", "uplink:\n  - topic: a\n    qos: 9\n");
  auto rules = loadRules(dir_.string(), testing::testModel());
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find("20-bad.yaml:3: uplink[0].qos"), std::string::npos) << rules.error().message;
}

TEST_F(RuleDirectory, MissingPathIsAnError) {
  auto rules = loadRules((dir_ / "nope").string(), testing::testModel());
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find("no such file or directory"), std::string::npos);
}

TEST(Describe, ListsEveryRuleWithItsSource) {
  RuleSet rules = rulesFrom(R"(
uplink:
  - name: temps
    match: {path: "/3303/+/5700"}
    topic: "t/{endpoint}"
    transform: {scale: 0.1}
    batch: {max_messages: 20, max_delay_ms: 250}
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 10}
downlink:
  - topic: "lwm2m/{endpoint}/cmd/{op}"
    response_topic: "lwm2m/{endpoint}/cmd/result"
)");
  std::string text = describe(rules);
  for (const char* part : {"temps  [test.yaml:3]", "path /3303/+/5700", "topic: t/{endpoint}", "scale 0.1",
                           "batch: up to 20 messages or 250 ms",
                           "pmin=10", "subscribes lwm2m/+/cmd/+", "responses: lwm2m/{endpoint}/cmd/result"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
}

}  // namespace
}  // namespace lwm2m::mapping
