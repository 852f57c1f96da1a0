// The shipped presets in deploy/mapping, checked end to end: what a cloud
// application subscribed to the documented topics receives, and what it may
// publish.
#include <gtest/gtest.h>

#include "mapping/commands.h"
#include "mapping/router.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using model::Value;
using testing::json;
using testing::path;
using testing::str;
using testing::testModel;

RuleSet preset(const char* name) {
  auto rules = loadRules(std::string(LWM2M_PRESET_DIR) + "/" + name, testModel());
  EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
  return rules.ok() ? *rules : RuleSet();
}

// Decodes an EMQX command, then answers it as the device would.
struct EmqxExchange {
  Command command;
  DeviceEvent response;
};

EmqxExchange emqxCommand(const RuleSet& rules, const std::string& payload) {
  auto outcome = decodeCommand(rules, InboundMessage{"lwm2m/ep1/dn/cmd", payload, "", ""}, testModel());
  EXPECT_TRUE(outcome && outcome->command) << payload << ": " << (outcome ? outcome->problem : "no rule");
  EmqxExchange x;
  if (!outcome || !outcome->command) return x;
  x.command = *outcome->command;
  x.response.kind = DeviceEventKind::Response;
  x.response.endpoint = "ep1";
  x.response.operation = x.command.request.operation;
  x.response.requestPath = x.command.request.targets().front();
  x.response.reply = x.command.reply;
  return x;
}

TEST(GenericPreset, PublishesValuesEventsAndTakesCommands) {
  RuleSet rules = preset("generic.yaml");
  EXPECT_EQ(rules.subscriptions(), (std::vector<std::string>{"lwm2m/+/cmd"}));

  auto values = routeEvent(rules, testing::notification("sensor-1", {{path("/3303/0/5700"), Value::floating(21.5), {}}}),
                           testModel());
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].topic, "lwm2m/sensor-1/3303/0/5700");
  EXPECT_EQ(values[0].qos, 1);
  EXPECT_EQ(json(values[0].payload)["value"].GetDouble(), 21.5);

  auto registration = testing::registered("sensor-1", {"/1/0", "/3/0", "/3303/0"});
  auto events = routeEvent(rules, registration, testModel());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].topic, "lwm2m/sensor-1/event/registered");
  EXPECT_EQ(str(json(events[0].payload)["event"]), "registered");

  auto observe = autoObserve(rules, registration, testModel());
  ASSERT_EQ(observe.size(), 2u);
  EXPECT_EQ(observe[0].request.operation, Operation::WriteAttributes);
  EXPECT_EQ(observe[0].request.attributes.minPeriod, 10u);
  EXPECT_EQ(observe[0].request.attributes.maxPeriod, 300u);
  EXPECT_EQ(observe[1].request.operation, Operation::Observe);
  EXPECT_EQ(observe[1].request.targets(), std::vector<model::Path>{path("/3303/0/5700")});

  auto command = decodeCommand(rules, InboundMessage{"lwm2m/sensor-1/cmd", R"({"id":"1","operation":"read","path":"/3/0/0"})", "", ""},
                               testModel());
  ASSERT_TRUE(command && command->command);
  EXPECT_EQ(command->command->reply.topic, "lwm2m/sensor-1/cmd/result");
}

TEST(EmqxPreset, RegisterAndUpdateEvents) {
  RuleSet rules = preset("emqx.yaml");
  auto event = testing::registered("ep1", {"/1/0", "/3/0", "/5/0"}, "1.0");
  event.registration.lifetimeSeconds = 345;
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "lwm2m/ep1/up/resp");
  EXPECT_EQ(messages[0].qos, 1) << "kept in the outbox while the broker is unreachable";
  auto doc = json(messages[0].payload);
  EXPECT_EQ(str(doc["msgType"]), "register");
  const auto& data = doc["data"];
  EXPECT_EQ(str(data["ep"]), "ep1");
  EXPECT_EQ(data["lt"].GetInt(), 345);
  EXPECT_EQ(str(data["lwm2m"]), "1.0");
  EXPECT_EQ(str(data["b"]), "U");
  EXPECT_EQ(str(data["sms"]), "");
  EXPECT_EQ(str(data["alternatePath"]), "/");
  ASSERT_EQ(data["objectList"].Size(), 3u);
  EXPECT_EQ(str(data["objectList"][0]), "/1/0");
  EXPECT_EQ(str(data["objectList"][2]), "/5/0");

  event.kind = DeviceEventKind::Updated;
  auto update = routeEvent(rules, event, testModel());
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(update[0].topic, "lwm2m/ep1/up/update");
  EXPECT_EQ(str(json(update[0].payload)["msgType"]), "update");

  event.kind = DeviceEventKind::Deregistered;
  EXPECT_TRUE(routeEvent(rules, event, testModel()).empty()) << "EMQX publishes nothing for deregistration";
  EXPECT_EQ(rules.subscriptions(), (std::vector<std::string>{"lwm2m/+/dn/#"}));
}

TEST(EmqxPreset, ReadResponseEchoesTheRequest) {
  RuleSet rules = preset("emqx.yaml");
  auto x = emqxCommand(rules, R"({"reqID":1,"msgType":"read","data":{"path":"/3/0/1"}})");
  EXPECT_EQ(x.command.request.operation, Operation::Read);
  EXPECT_EQ(x.command.request.targets(), std::vector<model::Path>{path("/3/0/1")});
  x.response.code = "2.05";
  x.response.values = {{path("/3/0/1"), Value::string("Lightweight M2M Client"), {}}};
  auto messages = routeEvent(rules, x.response, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "lwm2m/ep1/up/resp");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(doc["reqID"].GetInt(), 1);
  EXPECT_EQ(str(doc["msgType"]), "read");
  const auto& data = doc["data"];
  EXPECT_EQ(str(data["reqPath"]), "/3/0/1");
  EXPECT_EQ(str(data["code"]), "2.05");
  EXPECT_EQ(str(data["codeMsg"]), "content");
  ASSERT_EQ(data["content"].Size(), 1u);
  EXPECT_EQ(str(data["content"][0]["path"]), "/3/0/1");
  EXPECT_EQ(str(data["content"][0]["value"]), "Lightweight M2M Client");
  EXPECT_FALSE(data.HasMember("path")) << "data is replaced, not merged";
}

TEST(EmqxPreset, DiscoverContentIsAListOfLinks) {
  RuleSet rules = preset("emqx.yaml");
  auto x = emqxCommand(rules, R"({"reqID":"2","msgType":"discover","data":{"path":"/3/0"}})");
  EXPECT_EQ(x.command.request.operation, Operation::Discover);
  x.response.code = "2.05";
  x.response.links = {"</3/0>;dim=8", "</3/0/0>", "</3/0/1>"};
  auto doc = json(routeEvent(rules, x.response, testModel())[0].payload);
  EXPECT_EQ(str(doc["reqID"]), "2");
  EXPECT_EQ(str(doc["msgType"]), "discover");
  ASSERT_EQ(doc["data"]["content"].Size(), 3u);
  EXPECT_EQ(str(doc["data"]["content"][0]), "</3/0>;dim=8");
}

TEST(EmqxPreset, DecodesEveryDocumentedMsgType) {
  RuleSet rules = preset("emqx.yaml");
  struct Case {
    const char* payload;
    Operation operation;
    const char* path;
    const char* code;
    const char* codeMsg;
  } cases[] = {
      {R"({"reqID":3,"msgType":"write","data":{"path":"/3/0/14","type":"String","value":"+02"}})", Operation::WriteReplace,
       "/3/0/14", "2.04", "changed"},
      {R"({"reqID":4,"msgType":"write","data":{"basePath":"/3/0","content":[{"path":"/14","type":"String","value":"+01"},{"path":"/13","type":"Time","value":1700000000}]}})",
       Operation::WriteUpdate, "/3/0", "2.04", "changed"},
      {R"({"reqID":5,"msgType":"write-attr","data":{"path":"/3303/0/5700","pmin":"1","pmax":"60","gt":"30","lt":"5","st":"0.5"}})",
       Operation::WriteAttributes, "/3303/0/5700", "2.04", "changed"},
      {R"({"reqID":6,"msgType":"execute","data":{"path":"/3/0/4","args":"'a'"}})", Operation::Execute, "/3/0/4", "2.04",
       "changed"},
      {R"({"reqID":7,"msgType":"create","data":{"basePath":"/3303","content":[{"path":"/1/5750","type":"String","value":"x"}]}})",
       Operation::Create, "/3303", "2.01", "created"},
      {R"({"reqID":8,"msgType":"delete","data":{"path":"/3303/1"}})", Operation::Delete, "/3303/1", "2.02", "deleted"},
      {R"({"reqID":9,"msgType":"observe","data":{"path":"/3/0/10"}})", Operation::Observe, "/3/0/10", "2.05", "content"},
      {R"({"reqID":10,"msgType":"cancel-observe","data":{"path":"/3/0/10"}})", Operation::CancelObserve, "/3/0/10",
       "2.05", "content"},
  };
  for (const auto& c : cases) {
    auto x = emqxCommand(rules, c.payload);
    EXPECT_EQ(x.command.request.operation, c.operation) << c.payload;
    EXPECT_EQ(x.command.request.targets(), std::vector<model::Path>{path(c.path)}) << c.payload;
    x.response.code = c.code;
    auto doc = json(routeEvent(rules, x.response, testModel())[0].payload);
    auto request = json(c.payload);
    EXPECT_EQ(doc["reqID"], request["reqID"]) << c.payload;
    EXPECT_EQ(doc["msgType"], request["msgType"]) << c.payload;
    EXPECT_EQ(str(doc["data"]["reqPath"]), c.path);
    EXPECT_EQ(str(doc["data"]["code"]), c.code);
    EXPECT_EQ(str(doc["data"]["codeMsg"]), c.codeMsg);
  }
  auto batch = emqxCommand(rules, cases[1].payload);
  ASSERT_EQ(testing::valuesOf(batch.command).size(), 2u);
  // In path order, as the request's node holds them.
  EXPECT_EQ(testing::valuesOf(batch.command)[0].path, path("/3/0/13"));
  EXPECT_EQ(testing::valuesOf(batch.command)[0].value, Value::time(1700000000));
  EXPECT_EQ(testing::valuesOf(batch.command)[1].path, path("/3/0/14"));
  auto attributes = emqxCommand(rules, cases[2].payload).command.request.attributes;
  EXPECT_EQ(attributes.minPeriod, 1u);
  EXPECT_EQ(attributes.maxPeriod, 60u);
  EXPECT_EQ(attributes.greaterThan, 30);
  EXPECT_EQ(attributes.lessThan, 5);
  EXPECT_EQ(attributes.step, 0.5);
  EXPECT_EQ(emqxCommand(rules, cases[3].payload).command.request.arguments, "'a'");
  auto create = emqxCommand(rules, cases[4].payload).command;
  ASSERT_EQ(testing::valuesOf(create).size(), 1u);
  EXPECT_EQ(testing::valuesOf(create)[0].path, path("/3303/1/5750"));
}

TEST(EmqxPreset, HexEncodingForOpaqueValues) {
  RuleSet rules = preset("emqx.yaml");
  auto x = emqxCommand(rules,
      R"({"reqID":11,"msgType":"write","encoding":"hex","data":{"path":"/5/0/0","type":"Opaque","value":"0aff"}})");
  ASSERT_EQ(testing::valuesOf(x.command).size(), 1u);
  EXPECT_EQ(testing::valuesOf(x.command)[0].value, Value::opaque({0x0a, 0xff}));
  auto doc = json(routeEvent(rules, x.response, testModel())[0].payload);
  EXPECT_EQ(str(doc["encoding"]), "hex") << "every request field is echoed";
}

TEST(EmqxPreset, VendorObjectsTakeTheTypeFromTheCommand) {
  RuleSet rules = preset("emqx.yaml");
  auto single = emqxCommand(rules,
      R"({"reqID":20,"msgType":"write","data":{"path":"/31024/10/2","type":"Float","value":"21"}})");
  ASSERT_EQ(testing::valuesOf(single.command).size(), 1u);
  EXPECT_EQ(testing::valuesOf(single.command)[0].value, Value::floating(21));
  auto batch = emqxCommand(rules, R"({"reqID":21,"msgType":"write","data":{"basePath":"/31024/10","content":[)"
                                  R"({"path":"/1","type":"Integer","value":"5"},{"path":"/3","type":"Boolean","value":true},)"
                                  R"({"path":"/4","type":"Opaque","value":"0aff"}]},"encoding":"hex"})");
  const auto values = testing::valuesOf(batch.command);
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].value, Value::integer(5));
  EXPECT_EQ(values[1].value, Value::boolean(true));
  EXPECT_EQ(values[2].value, Value::opaque({0x0a, 0xff}));
  auto create = emqxCommand(rules, R"({"reqID":22,"msgType":"create","data":{"basePath":"/31024","content":[)"
                                   R"({"path":"/11/0","type":"String","value":"x"}]}})");
  EXPECT_EQ(create.command.request.operation, Operation::Create);
  EXPECT_EQ(testing::valuesOf(create.command)[0].path, path("/31024/11/0"));
  auto read = emqxCommand(rules, R"({"reqID":23,"msgType":"read","data":{"path":"/31024/10/1"}})");
  EXPECT_EQ(read.command.request.operation, Operation::Read);
}

TEST(EmqxPreset, Notifications) {
  RuleSet rules = preset("emqx.yaml");
  auto x = emqxCommand(rules, R"({"reqID":12,"msgType":"observe","data":{"path":"/3/0/10"}})");
  DeviceEvent notify = testing::notification("ep1", {{path("/3/0/10"), Value::integer(4096), {}}});
  notify.requestPath = path("/3/0/10");
  notify.sequence = 3;
  notify.code = "2.05";
  notify.reply = x.command.reply;
  auto messages = routeEvent(rules, notify, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "lwm2m/ep1/up/notify");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(doc["reqID"].GetInt(), 12);
  EXPECT_EQ(str(doc["msgType"]), "notify");
  EXPECT_EQ(doc["seqNum"].GetInt(), 3);
  EXPECT_EQ(str(doc["data"]["reqPath"]), "/3/0/10");
  EXPECT_EQ(str(doc["data"]["code"]), "2.05");
  EXPECT_EQ(str(doc["data"]["codeMsg"]), "content");
  EXPECT_EQ(str(doc["data"]["content"][0]["path"]), "/3/0/10");
  EXPECT_EQ(doc["data"]["content"][0]["value"].GetInt(), 4096);

  // A notification of an observation the gateway set up itself (no request).
  notify.reply = ReplyRoute{};
  notify.requestPath = model::Path();
  auto own = json(routeEvent(rules, notify, testModel())[0].payload);
  EXPECT_FALSE(own.HasMember("reqID"));
  EXPECT_EQ(str(own["data"]["reqPath"]), "/3/0/10");
}

TEST(EmqxPreset, TimeoutAndResetCarryTheRequestData) {
  RuleSet rules = preset("emqx.yaml");
  for (auto [outcome, name] : {std::pair{operations::Outcome::Timeout, "coap_timeout"},
                               std::pair{operations::Outcome::Reset, "coap_reset"}}) {
    auto x = emqxCommand(rules, R"({"reqID":13,"msgType":"read","data":{"path":"/3/0/1"}})");
    x.response.outcome = outcome;
    auto doc = json(routeEvent(rules, x.response, testModel())[0].payload);
    EXPECT_EQ(doc["reqID"].GetInt(), 13);
    EXPECT_EQ(str(doc["msgType"]), name);
    EXPECT_EQ(str(doc["data"]["path"]), "/3/0/1");
  }
  // A queued request that expired before the device woke reads as a timeout;
  // EMQX has no queue, so queueing itself is not reported.
  auto x = emqxCommand(rules, R"({"reqID":19,"msgType":"read","data":{"path":"/3/0/1"}})");
  x.response.kind = DeviceEventKind::Queued;
  EXPECT_TRUE(routeEvent(rules, x.response, testModel()).empty());
  x.response.kind = DeviceEventKind::RequestExpired;
  auto expired = routeEvent(rules, x.response, testModel());
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(str(json(expired[0].payload)["msgType"]), "coap_timeout");
}

TEST(EmqxPreset, MalformedCommandsGetBadRequest) {
  RuleSet rules = preset("emqx.yaml");
  struct Case {
    const char* payload;
    const char* problem;
  } cases[] = {
      {"not json", "bad JSON"},
      {R"({"reqID":14,"msgType":"reboot","data":{"path":"/3/0/4"}})", "unknown msgType 'reboot'"},
      {R"({"reqID":15,"msgType":"read"})", "data is missing"},
      {R"({"reqID":16,"msgType":"read","data":{"path":"/3/0/x"}})", "bad path '/3/0/x'"},
      {R"({"reqID":17,"msgType":"write","data":{"path":"/3303/0/5750","type":"String","value":12}})",
       "must be String, got the number 12"},
      {R"({"reqID":18,"msgType":"write","data":{"path":"/42000/0/1","type":"Intger","value":1}})",
       "unknown data type \"Intger\""},
  };
  for (const auto& c : cases) {
    auto outcome = decodeCommand(rules, InboundMessage{"lwm2m/ep1/dn/x", c.payload, "", ""}, testModel());
    ASSERT_TRUE(outcome.has_value());
    EXPECT_FALSE(outcome->command.has_value()) << c.payload;
    EXPECT_NE(outcome->problem.find(c.problem), std::string::npos) << outcome->problem;
    ASSERT_TRUE(outcome->reply.has_value());
    EXPECT_EQ(outcome->reply->topic, "lwm2m/ep1/up/resp");
    auto doc = json(outcome->reply->payload);
    EXPECT_EQ(str(doc["data"]["code"]), "4.00");
    EXPECT_EQ(str(doc["data"]["codeMsg"]), "bad_request");
  }
  auto outcome = decodeCommand(rules, InboundMessage{"lwm2m/ep1/dn", cases[3].payload, "", ""}, testModel());
  auto doc = json(outcome->reply->payload);
  EXPECT_EQ(doc["reqID"].GetInt(), 16);
  EXPECT_EQ(str(doc["msgType"]), "read");
  EXPECT_EQ(str(doc["data"]["reqPath"]), "/3/0/x");
}

TEST(EmqxPreset, RefusalsByTheGatewayCarryTheirCodeAndItsCoapName) {
  RuleSet rules = preset("emqx.yaml");
  auto x = emqxCommand(rules, R"({"reqID":21,"msgType":"read","data":{"path":"/3/0/1"}})");
  auto full = rejectionReply(x.command, "5.03", "queue_full", "the queue of device ep1 is full");
  ASSERT_TRUE(full.has_value());
  auto doc = json(full->payload);
  EXPECT_EQ(doc["reqID"].GetInt(), 21);
  EXPECT_EQ(str(doc["data"]["code"]), "5.03");
  EXPECT_EQ(str(doc["data"]["codeMsg"]), "service_unavailable");
  EXPECT_EQ(str(doc["data"]["reqPath"]), "/3/0/1");
  auto unknown = rejectionReply(x.command, "4.04", "unknown_device", "unknown device 'ep1'");
  EXPECT_EQ(str(json(unknown->payload)["data"]["codeMsg"]), "not_found");
}

}  // namespace
}  // namespace lwm2m::mapping
