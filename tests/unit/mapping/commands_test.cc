#include "mapping/commands.h"

#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using model::Value;
using testing::json;
using testing::path;
using testing::rulesFrom;
using testing::str;
using testing::testModel;

const char* kJsonRules = R"(
downlink:
  - topic: "lwm2m/{endpoint}/cmd"
    response_topic: "lwm2m/{endpoint}/cmd/result"
    response_qos: 1
    ttl: 900
  - topic: "lwm2m/{endpoint}/op/{op}"
  - topic: "lwm2m/{endpoint}/set/{object}/{instance}/{resource}"
    operation: write
    path: "/{object}/{instance}/{resource}"
    payload: value
  - topic: "lwm2m/{endpoint}/exec/{object}/{instance}/{resource}"
    operation: execute
    path: "/{object}/{instance}/{resource}"
    payload: value
)";

Command decodeOk(const std::string& topic, const std::string& payload) {
  static const RuleSet kRules = rulesFrom(kJsonRules);
  auto outcome = decodeCommand(kRules, InboundMessage{topic, payload, "", ""}, testModel());
  EXPECT_TRUE(outcome.has_value());
  if (!outcome) return {};
  EXPECT_TRUE(outcome->command.has_value()) << outcome->problem;
  return outcome->command.value_or(Command{});
}

CommandOutcome decodeBad(const std::string& topic, const std::string& payload) {
  static const RuleSet kRules = rulesFrom(kJsonRules);
  auto outcome = decodeCommand(kRules, InboundMessage{topic, payload, "", ""}, testModel());
  EXPECT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome && outcome->command) << payload;
  return outcome.value_or(CommandOutcome{});
}

TEST(Commands, DecodesEveryOperationFromJson) {
  struct Case {
    const char* payload;
    Operation operation;
    std::vector<const char*> paths;
  } cases[] = {
      {R"({"operation":"read","path":"/3/0/0"})", Operation::Read, {"/3/0/0"}},
      {R"({"operation":"discover","path":"/3/0"})", Operation::Discover, {"/3/0"}},
      {R"({"operation":"observe","path":"/3303/0/5700"})", Operation::Observe, {"/3303/0/5700"}},
      {R"({"operation":"cancel-observe","path":"/3303/0/5700"})", Operation::CancelObserve, {"/3303/0/5700"}},
      {R"({"operation":"delete","path":"/3303/1"})", Operation::Delete, {"/3303/1"}},
      {R"({"operation":"execute","path":"/3/0/4","args":"0='x'"})", Operation::Execute, {"/3/0/4"}},
      {R"({"operation":"write","path":"/3/0/14","value":"+02"})", Operation::WriteReplace, {"/3/0/14"}},
      {R"({"operation":"create","path":"/3303","instance":2,"values":{"5750":"in"}})", Operation::Create, {"/3303"}},
      {R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":5,"st":"0.5"}})",
       Operation::WriteAttributes, {"/3303/0/5700"}},
      {R"({"operation":"read-composite","paths":["/3/0/0","/3303/0"]})", Operation::ReadComposite, {"/3/0/0", "/3303/0"}},
      {R"({"operation":"observe-composite","paths":["/3303/0/5700"]})", Operation::ObserveComposite, {"/3303/0/5700"}},
      {R"({"operation":"write-composite","values":{"/3/0/14":"+01","/3303/0/5750":"x"}})", Operation::WriteComposite,
       {"/3/0/14", "/3303/0/5750"}},
  };
  for (const auto& c : cases) {
    Command command = decodeOk("lwm2m/sensor-1/cmd", c.payload);
    EXPECT_EQ(command.endpoint, "sensor-1") << c.payload;
    EXPECT_EQ(command.request.operation, c.operation) << c.payload;
    std::vector<model::Path> paths;
    for (const char* p : c.paths) paths.push_back(path(p));
    EXPECT_EQ(command.request.targets(), paths) << c.payload;
    EXPECT_EQ(command.request.ttl, std::chrono::seconds(900)) << "the rule's ttl applies";
  }
}

TEST(Commands, TypesValuesByTheObjectModel) {
  Command write = decodeOk("lwm2m/d/cmd", R"({"operation":"write","path":"/3/0","partial":true,
      "values":{"13":1700000000,"14":"+02","15":"Europe/Berlin"},"ttl":30})");
  ASSERT_EQ(testing::valuesOf(write).size(), 3u);
  EXPECT_EQ(testing::valuesOf(write)[0].path, path("/3/0/13"));
  EXPECT_EQ(testing::valuesOf(write)[0].value, Value::time(1700000000));
  EXPECT_EQ(testing::valuesOf(write)[1].value, Value::string("+02"));
  EXPECT_EQ(write.request.operation, Operation::WriteUpdate);
  EXPECT_EQ(write.request.ttl, std::chrono::seconds(30)) << "the payload's ttl wins";

  Command create = decodeOk("lwm2m/d/cmd", R"({"operation":"create","path":"/3303","instance":4,
      "values":{"5750":"cellar"}})");
  ASSERT_EQ(testing::valuesOf(create).size(), 1u);
  EXPECT_EQ(testing::valuesOf(create)[0].path, path("/3303/4/5750"));

  Command attributes = decodeOk("lwm2m/d/cmd",
      R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":5,"pmax":"60","st":0.5,"gt":30}})");
  EXPECT_EQ(attributes.request.attributes.minPeriod, 5u);
  EXPECT_EQ(attributes.request.attributes.maxPeriod, 60u);
  EXPECT_EQ(attributes.request.attributes.step, 0.5);
  EXPECT_EQ(attributes.request.attributes.greaterThan, 30);
}

TEST(Commands, TopicCapturesGiveOperationAndPath) {
  Command read = decodeOk("lwm2m/d/op/read", R"({"path":"/3/0/9"})");
  EXPECT_EQ(read.request.operation, Operation::Read);

  Command write = decodeOk("lwm2m/d/set/3303/0/5750", "kitchen");
  EXPECT_EQ(write.request.operation, Operation::WriteReplace);
  ASSERT_EQ(testing::valuesOf(write).size(), 1u);
  EXPECT_EQ(testing::valuesOf(write)[0].path, path("/3303/0/5750"));
  EXPECT_EQ(testing::valuesOf(write)[0].value, Value::string("kitchen"));

  Command time = decodeOk("lwm2m/d/set/3/0/13", "1700000000");
  EXPECT_EQ(testing::valuesOf(time)[0].value, Value::time(1700000000));

  Command exec = decodeOk("lwm2m/d/exec/3/0/4", "5");
  EXPECT_EQ(exec.request.operation, Operation::Execute);
  EXPECT_EQ(exec.request.arguments, "5");
}

TEST(Commands, RejectsBadCommandsNamingTheProblem) {
  struct Case {
    const char* topic;
    const char* payload;
    const char* problem;
  } cases[] = {
      {"lwm2m/d/cmd", "{\"operation\":", "bad JSON at offset"},
      {"lwm2m/d/cmd", "[1,2]", "a command is a JSON object"},
      {"lwm2m/d/cmd", R"({"operation":"reboot","path":"/3/0/4"})", "unknown operation 'reboot'"},
      {"lwm2m/d/cmd", R"({"path":"/3/0/4"})", "names no \"operation\""},
      {"lwm2m/d/op/toast", R"({"path":"/3/0/4"})", "unknown operation 'toast'"},
      {"lwm2m/d/cmd", R"({"operation":"write","path":"/42000/0/1","value":{"type":"Integer"}})",
       "value for /42000/0/1: the object model does not know this resource"},
      {"lwm2m/d/cmd", R"({"operation":"read","path":"3/0/1"})", "bad path '3/0/1'"},
      {"lwm2m/d/cmd", R"({"operation":"write","path":"/3/0/13","value":"soon"})", "value for /3/0/13 must be Time"},
      {"lwm2m/d/cmd", R"({"operation":"write","path":"/3/0/14","value":true})", "must be String, got a boolean"},
      {"lwm2m/d/set/3303/0/5700", "warm", "value for /3303/0/5700 must be Float"},
      {"lwm2m/d/cmd", R"({"operation":"write","path":"/3/0/14"})", "write needs a value"},
      {"lwm2m/d/cmd", R"({"operation":"execute","path":"/3/0/0"})", "is not executable"},
      {"lwm2m/d/cmd", R"({"operation":"delete","path":"/3303"})", "delete needs an object instance path"},
      {"lwm2m/d/cmd", R"({"operation":"write-attributes","path":"/3/0/9"})", "needs at least one attribute"},
      {"lwm2m/d/cmd", R"({"operation":"write-attributes","path":"/3/0/9","attributes":{"pmim":1}})",
       "unknown attribute \"pmim\""},
      {"lwm2m/d/cmd", R"({"operation":"read"})", "read needs a path"},
      {"lwm2m/d/cmd", R"({"operation":"read","path":"/3/0/1","x":[[[[[[[[[[1]]]]]]]]]]})", "nested deeper"},
  };
  for (const auto& c : cases) {
    CommandOutcome outcome = decodeBad(c.topic, c.payload);
    EXPECT_NE(outcome.problem.find(c.problem), std::string::npos)
        << c.payload << "\n got: " << outcome.problem << "\n wanted: " << c.problem;
  }
}

TEST(Commands, ErrorRepliesGoToTheResponseTopicAndNameTheProblem) {
  CommandOutcome outcome = decodeBad("lwm2m/sensor-1/cmd", R"({"id":"5","correlation":"c-1","operation":"write",
      "path":"/3/0/13","value":"soon"})");
  ASSERT_TRUE(outcome.reply.has_value());
  EXPECT_EQ(outcome.reply->topic, "lwm2m/sensor-1/cmd/result");
  EXPECT_EQ(outcome.reply->qos, 1);
  auto doc = json(outcome.reply->payload);
  EXPECT_EQ(str(doc["id"]), "5");
  EXPECT_EQ(str(doc["correlation"]), "c-1");
  EXPECT_EQ(str(doc["endpoint"]), "sensor-1");
  EXPECT_EQ(str(doc["code"]), "4.00");
  EXPECT_EQ(str(doc["status"]), "bad_request");
  EXPECT_NE(str(doc["error"]).find("value for /3/0/13 must be Time"), std::string::npos);
  // No response topic on that rule: the problem is reported, nothing is published.
  EXPECT_FALSE(decodeBad("lwm2m/d/op/read", "nope").reply.has_value());
}

TEST(Commands, Mqtt5ResponseTopicAndCorrelationDataAreHonoured) {
  RuleSet rules = rulesFrom(kJsonRules);
  InboundMessage message{"lwm2m/d/cmd", R"({"id":9,"operation":"read","path":"/3/0/0"})", "app/inbox/42",
                         std::string("\x00\xff", 2)};
  auto outcome = decodeCommand(rules, message, testModel());
  ASSERT_TRUE(outcome && outcome->command);
  const ReplyRoute& reply = outcome->command->reply;
  EXPECT_EQ(reply.topic, "app/inbox/42");
  EXPECT_EQ(reply.correlationData, std::string("\x00\xff", 2));
  EXPECT_EQ(reply.requestId, "9");
  EXPECT_EQ(reply.style, ReplyStyle::Json);

  InboundMessage v311{"lwm2m/d/cmd", R"({"correlation":"abc","operation":"read","path":"/3/0/0"})", "", ""};
  auto legacy = decodeCommand(rules, v311, testModel());
  ASSERT_TRUE(legacy && legacy->command);
  EXPECT_EQ(legacy->command->reply.topic, "lwm2m/d/cmd/result");
  EXPECT_EQ(legacy->command->reply.correlationId, "abc");
}

TEST(Commands, TopicsNoRuleMatchesAreNotCommands) {
  RuleSet rules = rulesFrom(kJsonRules);
  EXPECT_FALSE(decodeCommand(rules, InboundMessage{"other/topic", "{}", "", ""}, testModel()).has_value());
  EXPECT_FALSE(decodeCommand(rules, InboundMessage{"lwm2m/d/cmd/extra", "{}", "", ""}, testModel()).has_value());
}

}  // namespace
}  // namespace lwm2m::mapping
