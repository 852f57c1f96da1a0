// One command's way through the gateway, typed all along: decoded once from
// MQTT (any payload style) or REST, stored in the queue's own row format,
// read back as the same request with the same reply route; and rows of the
// previous version (a JSON body) still read.
#include <gtest/gtest.h>

#include "gateway/core/legacy_queue_rows.h"
#include "mapping/command_codec.h"
#include "mapping/commands.h"
#include "mapping/rule_loader.h"
#include "persistence/request_row.h"

namespace lwm2m::gateway {
namespace {

using model::Path;
using model::Value;
using operations::DeviceRequest;
using operations::Operation;

const model::ObjectModel& testModel() {
  static const model::ObjectModel m = model::ObjectModel::builtIn();
  return m;
}

const mapping::RuleSet& rules() {
  static const mapping::RuleSet r = *mapping::parseRules(R"(
downlink:
  - topic: "c/{endpoint}"
    response_topic: "c/{endpoint}/result"
    response_qos: 1
  - topic: "e/{endpoint}/dn/#"
    payload: emqx
    response_topic: "e/{endpoint}/up/resp"
  - topic: "v/{endpoint}/set/{object}/{instance}/{resource}"
    operation: write
    path: "/{object}/{instance}/{resource}"
    payload: value
)",
                                                         "rules.yaml", testModel());
  return r;
}

api::Command decoded(const std::string& topic, const std::string& payload, const std::string& responseTopic = "",
                     const std::string& correlation = "") {
  auto outcome = mapping::decodeCommand(rules(), {topic, payload, responseTopic, correlation}, testModel());
  EXPECT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->command.has_value()) << outcome->problem;
  return *outcome->command;
}

// Stored and read back: nothing lost.
void expectStoredLosslessly(const api::Command& command) {
  const persistence::RequestRow row{command.request, command.reply};
  const std::string text = persistence::encodeRequestRow(row);
  auto back = persistence::decodeRequestRow(text);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  EXPECT_EQ(back->request, command.request) << text;
  EXPECT_EQ(back->reply, command.reply) << text;
}

TEST(CommandRoundTrip, JsonStyleWritesOfEveryShapeSurviveTheQueueRow) {
  for (const std::string payload : {
           R"({"id":"1","operation":"write","path":"/3/0/14","value":"+02:00"})",
           R"({"operation":"write","path":"/3303/0","values":{"5750":"kitchen","5701":"Cel"},"partial":true})",
           R"({"operation":"write","path":"/1/0/1","value":300,"ttl":60,"timeout":5})",
           R"({"operation":"write","path":"/5/0/0","value":"AAEC/w=="})",
           R"({"operation":"write-composite","values":{"/3/0/14":"+01:00","/1/0/1":300}})",
           R"({"operation":"create","path":"/3303","instance":2,"values":{"5750":"attic"}})",
           R"({"operation":"execute","path":"/3/0/4","args":"0='now'\n1='x'"})",
           R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":10,"pmax":60,"st":0.5,"edge":1,"con":0,"hqmax":3,"gt":null}})",
           R"({"operation":"read-composite","paths":["/3/0/0","/3303/0/5700"]})",
           R"({"operation":"cancel-observe","paths":["/3/0/0","/3303/0/5700"]})",
           R"({"operation":"delete","path":"/3303/1"})",
       }) {
    SCOPED_TRACE(payload);
    expectStoredLosslessly(decoded("c/dev", payload, "my/reply", std::string("\x00\x01\xff", 3)));
  }
}

TEST(CommandRoundTrip, EmqxAndValueStylesKeepTheirReplyRoute) {
  const api::Command emqx =
      decoded("e/dev/dn/x", R"({"reqID":7,"msgType":"write","data":{"path":"/3/0/14","type":"String","value":"+1"}})");
  EXPECT_EQ(emqx.reply.style, api::ReplyStyle::Emqx);
  EXPECT_EQ(emqx.reply.requestId, "7");
  EXPECT_FALSE(emqx.reply.echo.empty());
  expectStoredLosslessly(emqx);

  const api::Command value = decoded("v/dev/set/1/0/1", "600");
  EXPECT_EQ(value.request.operation, Operation::WriteReplace);
  expectStoredLosslessly(value);
}

TEST(CommandRoundTrip, RestAndMqttDecodeTheSameCommandToTheSameRequest) {
  const std::string json = R"({"operation":"execute","path":"/3/0/4","arguments":"0='now'"})";
  auto rest = mapping::decodeCommand(json, testModel());
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_EQ(*rest, decoded("c/dev", json).request);
}

TEST(CommandRoundTrip, EncodedCommandDecodesToTheSameRequest) {
  for (const std::string json : {
           R"({"operation":"write","path":"/3303/0","values":{"5750":"x","5701":"C"},"partial":true,"ttl":9})",
           R"({"operation":"create","path":"/3303","instance":4,"values":{"5750":"attic"}})",
           R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":1,"st":0.25,"lt":null}})",
           R"({"operation":"observe-composite","paths":["/3/0/0","/3303/0/5700"],"timeout_ms":1500})",
           R"({"operation":"write","path":"/5/0/0","file":"/var/lib/fw/v2.bin"})",
           R"({"operation":"write","path":"/5/0/1","url":"https://example.com/v2.bin"})",
       }) {
    SCOPED_TRACE(json);
    auto request = mapping::decodeCommand(json, testModel());
    ASSERT_TRUE(request.ok()) << request.error().message;
    auto again = mapping::decodeCommand(mapping::encodeCommand(*request), testModel());
    ASSERT_TRUE(again.ok()) << again.error().message << " in " << mapping::encodeCommand(*request);
    EXPECT_EQ(*again, *request);
  }
}

TEST(CommandRoundTrip, RowsOfThePreviousVersionStillRead) {
  // As the previous version stored an MQTT write with its reply route.
  auto row = readLegacyQueuedCommand(
      R"({"operation":"write","path":"/3/0/14","value":"+02:00","ttl":600,)"
      R"("reply":{"topic":"c/dev/result","style":"json","qos":1,"correlationData":"AAH/","requestId":"42"}})",
      testModel());
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->request.operation, Operation::WriteReplace);
  EXPECT_EQ(row->request.path, Path(3, 0, 14));
  EXPECT_EQ(row->request.ttl, std::chrono::seconds(600));
  EXPECT_EQ(row->reply.topic, "c/dev/result");
  EXPECT_EQ(row->reply.qos, 1);
  EXPECT_EQ(row->reply.correlationData, std::string("\x00\x01\xff", 3));
  EXPECT_EQ(row->reply.requestId, "42");
  // And a REST command of that version, which had no reply route.
  auto rest = readLegacyQueuedCommand(R"({"operation":"execute","path":"/3/0/4","arguments":"0='now'"})", testModel());
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_EQ(rest->request.arguments, "0='now'");
  EXPECT_TRUE(rest->reply.empty());
}

TEST(CommandRoundTrip, DamagedRowsAreErrorsThatNameTheLine) {
  for (const std::string text : {"", "op read\npath /x\n", "op frobnicate\n", "op write-replace\nnode\nR 1 99 x\nE\n",
                                 "op read\nbogus 1\n", "op write-replace\nnode\nR 1 2 12\n"}) {
    SCOPED_TRACE(text);
    auto row = persistence::decodeRequestRow(text);
    ASSERT_FALSE(row.ok());
    EXPECT_EQ(row.error().code, ErrorCode::StoreFailed);
    EXPECT_FALSE(row.error().message.empty());
  }
}

}  // namespace
}  // namespace lwm2m::gateway

namespace lwm2m::gateway {
namespace {

// A package travels by name: the queued row holds its SHA-256 and size, never its bytes.
TEST(CommandRoundTrip, PackageWritesKeepOnlyTheNameInTheRow) {
  const std::string sha(64, 'a');
  auto request = mapping::decodeCommand(
      R"({"operation":"write","path":"/5/0/0","package":{"sha256":")" + sha + R"(","size":8388608}})",
      testModel());
  ASSERT_TRUE(request.ok()) << request.error().message;
  ASSERT_TRUE(request->package);
  EXPECT_EQ(request->package->sha256, sha);
  EXPECT_EQ(request->package->size, 8388608u);
  const persistence::RequestRow row{*request, {}};
  const std::string text = persistence::encodeRequestRow(row);
  EXPECT_NE(text.find("package " + sha + " 8388608\n"), std::string::npos) << text;
  EXPECT_LT(text.size(), 200u) << text;
  auto back = persistence::decodeRequestRow(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, row);
  for (const std::string bad : {R"({"operation":"write","path":"/5/0/0","package":{"sha256":"xyz","size":1}})",
                                R"({"operation":"write","path":"/5/0","file":"/a.bin"})",
                                R"({"operation":"write","path":"/5/0/0","file":"/a","value":"AA=="})",
                                R"({"operation":"read","path":"/5/0/0","file":"/a.bin"})"}) {
    EXPECT_FALSE(mapping::decodeCommand(bad, testModel()).ok()) << bad;
  }
  EXPECT_FALSE(persistence::decodeRequestRow("op write-replace\npath /5/0/0\npackage nothex 5\n").ok());
}

}  // namespace
}  // namespace lwm2m::gateway
