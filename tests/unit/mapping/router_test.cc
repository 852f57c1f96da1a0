#include "mapping/router.h"

#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using model::Value;
using testing::json;
using testing::notification;
using testing::path;
using testing::rulesFrom;
using testing::str;
using testing::testModel;

std::vector<Record> sensorValues() {
  return {
      {path("/3303/0/5700"), Value::floating(21.5), std::nullopt},
      {path("/3303/1/5700"), Value::floating(-3.25), 1700000123.0},
      {path("/3303/1/5750"), Value::string("outdoor"), std::nullopt},
  };
}

TEST(Router, ARuleWithBatchMarksItsMessagesForBatchingAndOthersNot) {
  RuleSet rules = rulesFrom(R"(
uplink:
  - topic: "site/{endpoint}/pack"
    payload: senml
    batch: {max_messages: 50, max_delay_ms: 20}
  - topic: "site/json"
    batch: {max_messages: 7, max_delay_ms: 300}
  - topic: "site/plain"
)");
  auto messages = routeEvent(rules, notification("sensor-1", sensorValues()), testModel());
  ASSERT_EQ(messages.size(), 1u + 3u + 3u);
  EXPECT_EQ(messages[0].topic, "site/sensor-1/pack");
  EXPECT_EQ(messages[0].batching.maxMessages, 50u);
  EXPECT_EQ(messages[0].batching.maxDelay, std::chrono::milliseconds(20));
  EXPECT_TRUE(messages[0].batching.joinArrays);
  EXPECT_EQ(messages[1].topic, "site/json");
  EXPECT_EQ(messages[1].batching.maxMessages, 7u);
  EXPECT_EQ(messages[1].batching.maxDelay, std::chrono::milliseconds(300));
  EXPECT_FALSE(messages[1].batching.joinArrays);
  EXPECT_EQ(messages[4].topic, "site/plain");
  EXPECT_EQ(messages[4].batching.maxMessages, 0u);
}

TEST(Router, JsonStylePublishesOneMessagePerResourceWithModelFacts) {
  RuleSet rules = rulesFrom(R"(
uplink:
  - topic: "lwm2m/{endpoint}/{object}/{instance}/{resource}"
    qos: 1
    retain: true
)");
  auto messages = routeEvent(rules, notification("sensor-1", sensorValues()), testModel());
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].topic, "lwm2m/sensor-1/3303/0/5700");
  EXPECT_EQ(messages[0].qos, 1);
  EXPECT_TRUE(messages[0].retain);
  EXPECT_EQ(messages[0].contentType, "application/json");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(str(doc["endpoint"]), "sensor-1");
  EXPECT_EQ(str(doc["path"]), "/3303/0/5700");
  EXPECT_EQ(str(doc["name"]), "Sensor Value");
  EXPECT_EQ(doc["value"].GetDouble(), 21.5);
  EXPECT_EQ(str(doc["unit"]), "Cel");
  EXPECT_EQ(str(doc["type"]), "Float");
  EXPECT_EQ(doc["timestamp"].GetDouble(), 1700000000.0);
  // The record's own time wins over the event's.
  EXPECT_EQ(json(messages[1].payload)["timestamp"].GetDouble(), 1700000123.0);
  EXPECT_EQ(str(json(messages[2].payload)["value"]), "outdoor");
}

TEST(Router, MatchesOnPathObjectResourceNameEndpointAndEvent) {
  struct Case {
    const char* match;
    std::vector<std::string> topics;
  } cases[] = {
      {"{path: /3303/+/5700}", {"3303/0/5700", "3303/1/5700"}},
      {"{path: /3303/1/#}", {"3303/1/5700", "3303/1/5750"}},
      {"{object: Temperature, resource: application type}", {"3303/1/5750"}},
      {"{endpoint: \"meter-*\"}", {}},
      {"{endpoint: \"sensor-?\"}", {"3303/0/5700", "3303/1/5700", "3303/1/5750"}},
      {"{events: [send]}", {}},
      {"{path: /3304/+/5700}", {}},
  };
  for (const auto& c : cases) {
    RuleSet rules = rulesFrom(std::string("uplink:\n  - topic: \"{object}/{instance}/{resource}\"\n    match: ") +
                              c.match + "\n    payload: value\n");
    auto messages = routeEvent(rules, notification("sensor-1", sensorValues()), testModel());
    std::vector<std::string> topics;
    for (const auto& m : messages) topics.push_back(m.topic);
    EXPECT_EQ(topics, c.topics) << c.match;
  }
}

TEST(Router, DisabledRulesPublishNothing) {
  RuleSet rules = rulesFrom("uplink:\n  - topic: x\n    enabled: false\n");
  EXPECT_TRUE(routeEvent(rules, notification("s", sensorValues()), testModel()).empty());
}

TEST(Router, ValueStyleAppliesTransformsAndNamesInTopics) {
  RuleSet rules = rulesFrom(R"(
uplink:
  - topic: "{endpoint}/{object_name}/{instance}/{resource_name}"
    match: {path: /3303/+/5700}
    payload: value
    transform: {scale: 1.8, offset: 32, round: 1, rename: fahrenheit}
)");
  auto messages = routeEvent(rules, notification("sensor-1", sensorValues()), testModel());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].topic, "sensor-1/Temperature/0/fahrenheit");
  EXPECT_EQ(messages[0].payload, "70.7");
  EXPECT_EQ(messages[1].payload, "26.2");
  EXPECT_EQ(messages[0].contentType, "text/plain");
}

TEST(Router, ObjectsTheModelDoesNotKnowMatchByNumberAndAreNamedByIt) {
  const std::vector<Record> vendor = {
      {path("/31024/10/1"), Value::integer(7), std::nullopt},
      {path("/31024/10/4"), Value::opaque({0xCA, 0xFE}), std::nullopt},
  };
  RuleSet rules = rulesFrom(R"(
uplink:
  - topic: "{endpoint}/{object_name}/{instance}/{resource_name}"
    match: {path: /31024/+/#}
)");
  auto messages = routeEvent(rules, notification("d", vendor), testModel());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].topic, "d/31024/10/1");
  auto counter = json(messages[0].payload);
  EXPECT_EQ(counter["value"].GetInt(), 7);
  EXPECT_EQ(str(counter["type"]), "Integer");
  EXPECT_FALSE(counter.HasMember("name"));
  auto blob = json(messages[1].payload);
  EXPECT_EQ(str(blob["value"]), "yv4=");
  EXPECT_EQ(str(blob["type"]), "Opaque");
}

// Every placeholder a topic may name, made safe for the topic: a device
// cannot add levels or wildcards through its name; an event without a path
// leaves the path placeholders empty.
TEST(Router, TopicPlaceholdersAreFilledAndMadeSafe) {
  RuleSet rules = rulesFrom(R"(
uplink:
  - topic: "{gateway}/{endpoint}/{event}/{object}-{object_name}/{instance}/{resource}-{resource_name}{path}"
    match: {path: /3303/0/5700}
  - topic: "{gateway}/{endpoint}/{event}/[{object}{instance}{resource}{object_name}{resource_name}{path}]"
    match: {events: [registered]}
    payload: event
)");
  auto messages = routeEvent(rules, notification("evil/+/#", sensorValues()), testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "edge-1/evil____/notification/3303-Temperature/0/5700-Sensor Value_3303_0_5700");
  messages = routeEvent(rules, testing::registered("a#b", {"/3/0"}), testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "edge-1/a_b/registered/[]");
}

TEST(Router, TransformRoundingToWholeNumbersGivesIntegers) {
  RuleSet rules = rulesFrom(R"(
uplink:
  - topic: "t"
    match: {path: /3/0/9}
    transform: {scale: 10, round: 0}
)");
  auto messages = routeEvent(rules, notification("d", {{path("/3/0/9"), Value::integer(87), std::nullopt}}), testModel());
  ASSERT_EQ(messages.size(), 1u);
  auto doc = json(messages[0].payload);
  EXPECT_TRUE(doc["value"].IsInt64());
  EXPECT_EQ(doc["value"].GetInt64(), 870);
  EXPECT_EQ(str(doc["unit"]), "%");
}

TEST(Router, MultipleResourceInstancesTravelTogether) {
  RuleSet rules = rulesFrom("uplink:\n  - topic: \"{object}/{instance}/{resource}\"\n    payload: value\n");
  auto event = notification("d", {{path("/3/0/7/0"), Value::integer(3800), std::nullopt},
                                  {path("/3/0/7/1"), Value::integer(5000), std::nullopt}});
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "3/0/7");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(doc["0"].GetInt64(), 3800);
  EXPECT_EQ(doc["1"].GetInt64(), 5000);
}

TEST(Router, SenmlStyleCarriesEveryValueWithTimes) {
  RuleSet rules = rulesFrom("uplink:\n  - topic: \"{endpoint}/senml\"\n    payload: senml\n");
  auto event = notification("d", sensorValues());
  event.values.push_back({path("/3/0/13"), Value::time(1700000000), std::nullopt});
  event.values.push_back({path("/3311/0/5850"), Value::boolean(true), std::nullopt});
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].contentType, "application/senml+json");
  auto doc = json(messages[0].payload);
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 5u);
  EXPECT_EQ(str(doc[0]["bn"]), "/");
  EXPECT_EQ(str(doc[0]["n"]), "3303/0/5700");
  EXPECT_EQ(doc[0]["v"].GetDouble(), 21.5);
  EXPECT_EQ(doc[1]["t"].GetDouble(), 1700000123.0);
  EXPECT_EQ(str(doc[2]["vs"]), "outdoor");
  EXPECT_EQ(doc[3]["v"].GetInt64(), 1700000000);
  EXPECT_TRUE(doc[4]["vb"].GetBool());
}

TEST(Router, TreeStylePublishesOneMessagePerObjectInstance) {
  RuleSet rules = rulesFrom("uplink:\n  - topic: \"{endpoint}/{object}/{instance}\"\n    payload: tree\n");
  auto messages = routeEvent(rules, notification("d", sensorValues()), testModel());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].topic, "d/3303/0");
  EXPECT_EQ(messages[1].topic, "d/3303/1");
  auto doc = json(messages[1].payload);
  EXPECT_EQ(str(doc["path"]), "/3303/1");
  EXPECT_EQ(str(doc["object"]), "Temperature");
  EXPECT_EQ(doc["resources"]["5700"].GetDouble(), -3.25);
  EXPECT_EQ(str(doc["resources"]["5750"]), "outdoor");
}

TEST(Router, EventStyleDescribesRegistrations) {
  RuleSet rules = rulesFrom("uplink:\n  - topic: \"lwm2m/{endpoint}/event/{event}\"\n    payload: event\n");
  auto event = testing::registered("sensor-1", {"/1/0", "/3/0", "/3303/0"});
  event.registration.queueMode = true;
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "lwm2m/sensor-1/event/registered");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(str(doc["event"]), "registered");
  EXPECT_EQ(str(doc["endpoint"]), "sensor-1");
  EXPECT_EQ(str(doc["gateway"]), "edge-1");
  EXPECT_EQ(doc["lifetime"].GetUint(), 300u);
  EXPECT_EQ(str(doc["lwm2m"]), "1.1");
  EXPECT_TRUE(doc["queueMode"].GetBool());
  ASSERT_EQ(doc["objects"].Size(), 3u);
  EXPECT_EQ(str(doc["objects"][2]), "/3303/0");
}

TEST(Router, EventStyleNamesQueuedAndExpiredRequests) {
  RuleSet rules = rulesFrom("uplink:\n  - topic: \"e/{event}\"\n    payload: event\n");
  DeviceEvent event;
  event.kind = DeviceEventKind::RequestExpired;
  event.endpoint = "sleepy";
  event.operation = Operation::WriteReplace;
  event.requestPath = path("/3/0/14");
  event.reply.requestId = "42";
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "e/expired-request");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(str(doc["id"]), "42");
  EXPECT_EQ(str(doc["operation"]), "write");
  EXPECT_EQ(str(doc["path"]), "/3/0/14");
}

TEST(Router, BootstrapEventsGoOnlyToRulesThatNameThemWithTheReason) {
  RuleSet rules = rulesFrom(
      "uplink:\n  - topic: \"bs/{endpoint}/{event}\"\n    payload: event\n"
      "    match: {events: [bootstrap-failed]}\n"
      "  - topic: \"values/{endpoint}\"\n    payload: json\n");
  DeviceEvent event;
  event.kind = DeviceEventKind::BootstrapFailed;
  event.endpoint = "sensor-9";
  event.registration.address = "127.0.0.1:40000";
  event.error = "Bootstrap-Write /1/0: device answered 4.00";
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "bs/sensor-9/bootstrap-failed");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(str(doc["event"]), "bootstrap-failed");
  EXPECT_EQ(str(doc["address"]), "127.0.0.1:40000");
  EXPECT_EQ(str(doc["reason"]), "Bootstrap-Write /1/0: device answered 4.00");

  event.kind = DeviceEventKind::BootstrapFinished;
  EXPECT_TRUE(routeEvent(rules, event, testModel()).empty());
}

TEST(Router, StorageEventsGoOnlyToRulesThatNameThemWithoutAnEndpoint) {
  RuleSet rules = rulesFrom(
      "uplink:\n  - topic: \"gw/{gateway}/{event}\"\n    payload: event\n    match: {events: [storage]}\n"
      "  - topic: \"all/{endpoint}/{event}\"\n    payload: event\n");
  DeviceEvent event;
  event.kind = DeviceEventKind::Storage;
  event.gateway = "edge-1";
  event.storage = gateway::api::StorageCondition{gateway::api::StorageState::Full, "free room 1.0 MiB is below",
                                                 1u << 20, 8u << 20, ""};
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u) << "a rule without events: gets device events only";
  EXPECT_EQ(messages[0].topic, "gw/edge-1/storage");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(str(doc["event"]), "storage");
  EXPECT_FALSE(doc.HasMember("endpoint"));
  EXPECT_EQ(str(doc["state"]), "full");
  EXPECT_EQ(str(doc["reason"]), "free room 1.0 MiB is below");
  EXPECT_EQ(doc["free"].GetUint64(), 1u << 20);
  EXPECT_EQ(doc["reserve"].GetUint64(), 8u << 20);
}

TEST(Router, ResponseWithReplyRouteGoesToTheReplyTopicWithCorrelation) {
  RuleSet rules;
  DeviceEvent event;
  event.kind = DeviceEventKind::Response;
  event.endpoint = "sensor-1";
  event.operation = Operation::Read;
  event.requestPath = path("/3/0/0");
  event.code = "2.05";
  event.values = {{path("/3/0/0"), Value::string("Acme"), std::nullopt}};
  event.reply.topic = "app/replies";
  event.reply.correlationData = "\x01\x02";
  event.reply.correlationId = "corr-7";
  event.reply.requestId = "7";
  event.reply.qos = 1;
  auto messages = routeEvent(rules, event, testModel());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "app/replies");
  EXPECT_EQ(messages[0].qos, 1);
  EXPECT_EQ(messages[0].correlationData, "\x01\x02");
  auto doc = json(messages[0].payload);
  EXPECT_EQ(str(doc["id"]), "7");
  EXPECT_EQ(str(doc["correlation"]), "corr-7");
  EXPECT_EQ(str(doc["operation"]), "read");
  EXPECT_EQ(str(doc["code"]), "2.05");
  EXPECT_EQ(str(doc["status"]), "content");
  EXPECT_EQ(str(doc["values"][0]["value"]), "Acme");

  event.outcome = operations::Outcome::Timeout;
  auto timeout = json(routeEvent(rules, event, testModel())[0].payload);
  EXPECT_EQ(str(timeout["status"]), "timeout");
  EXPECT_FALSE(timeout.HasMember("code"));

  event.kind = DeviceEventKind::Queued;
  auto queued = routeEvent(rules, event, testModel());
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].topic, "app/replies");
  EXPECT_EQ(str(json(queued[0].payload)["status"]), "queued");
  EXPECT_EQ(str(json(queued[0].payload)["id"]), "7");
  event.kind = DeviceEventKind::RequestExpired;
  EXPECT_EQ(str(json(routeEvent(rules, event, testModel())[0].payload)["status"]), "expired");
}

}  // namespace
}  // namespace lwm2m::mapping
