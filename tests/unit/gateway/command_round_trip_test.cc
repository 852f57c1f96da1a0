// A command decoded by the mapping (from any payload style) is stored as the
// gateway's JSON command and decodes there to the LwM2M request the cloud
// asked for; its reply route survives the trip.
#include <gtest/gtest.h>

#include "gateway/command_json.h"
#include "mapping/command_encoding.h"
#include "mapping/commands.h"
#include "mapping/rule_loader.h"

namespace lwm2m::gateway {
namespace {

using model::Path;
using model::Value;
using server::Operation;

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

struct Trip {
  mapping::DeviceCommand command;
  std::string json;
  ParsedCommand parsed;
};

Trip trip(const std::string& topic, const std::string& payload, const std::string& correlation = "") {
  Trip t;
  auto outcome = mapping::decodeCommand(rules(), {topic, payload, "", correlation}, testModel());
  EXPECT_TRUE(outcome && outcome->command) << payload << ": " << (outcome ? outcome->problem : "no rule");
  if (!outcome || !outcome->command) return t;
  t.command = *outcome->command;
  t.json = mapping::toCommandJson(t.command);
  auto parsed = parseCommand(t.json, testModel());
  EXPECT_TRUE(parsed) << t.json << ": " << (parsed ? "" : parsed.error().message);
  if (parsed) t.parsed = std::move(*parsed);
  return t;
}

TEST(CommandRoundTrip, EveryOperationArrivesAsTheRequestAskedFor) {
  struct Case {
    const char* payload;
    Operation op;
    Path path;
  } cases[] = {
      {R"({"operation":"read","path":"/3/0/0"})", Operation::Read, Path(3, 0, 0)},
      {R"({"operation":"discover","path":"/3"})", Operation::Discover, Path(3)},
      {R"({"operation":"write","path":"/1/0/1","value":60})", Operation::WriteReplace, Path(1, 0, 1)},
      {R"({"operation":"write","path":"/1/0","values":{"1":60,"7":"UQ"},"partial":true})", Operation::WriteUpdate,
       Path(1, 0)},
      {R"({"operation":"execute","path":"/3/0/4","args":"0='x'"})", Operation::Execute, Path(3, 0, 4)},
      {R"({"operation":"create","path":"/3303","instance":2,"values":{"5750":"attic"}})", Operation::Create,
       Path(3303)},
      {R"({"operation":"delete","path":"/3303/2"})", Operation::Delete, Path(3303, 2)},
      {R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":5,"st":0.5}})",
       Operation::WriteAttributes, Path(3303, 0, 5700)},
      {R"({"operation":"observe","path":"/3303/0/5700"})", Operation::Observe, Path(3303, 0, 5700)},
      {R"({"operation":"cancel-observe","path":"/3303/0/5700"})", Operation::CancelObserve, Path(3303, 0, 5700)},
  };
  for (const auto& c : cases) {
    Trip t = trip("c/dev", c.payload);
    EXPECT_EQ(t.parsed.request.operation, c.op) << c.payload << " -> " << t.json;
    EXPECT_EQ(t.parsed.request.path, c.path) << c.payload << " -> " << t.json;
  }
  Trip write = trip("c/dev", cases[3].payload);
  const auto* instance = write.parsed.request.node->objectInstance();
  ASSERT_NE(instance, nullptr) << write.json;
  EXPECT_EQ(instance->resource(1)->value(), Value::integer(60));
  EXPECT_EQ(instance->resource(7)->value(), Value::string("UQ"));
  Trip create = trip("c/dev", cases[5].payload);
  EXPECT_EQ(create.parsed.request.node->object()->instance(2)->resource(5750)->value(), Value::string("attic"));
  EXPECT_EQ(trip("c/dev", cases[4].payload).parsed.request.arguments, "0='x'");
  Trip attrs = trip("c/dev", cases[7].payload);
  EXPECT_EQ(attrs.parsed.request.attributes.minPeriod, 5u);
  EXPECT_EQ(attrs.parsed.request.attributes.step, 0.5);
}

TEST(CommandRoundTrip, CompositesKeepTheirPathsAndValues) {
  Trip read = trip("c/dev", R"({"operation":"read-composite","paths":["/3/0/0","/3303/0/5700"]})");
  EXPECT_EQ(read.parsed.request.operation, Operation::ReadComposite);
  EXPECT_EQ(read.parsed.request.paths, (std::vector<Path>{Path(3, 0, 0), Path(3303, 0, 5700)}));
  Trip observe = trip("c/dev", R"({"operation":"observe-composite","paths":["/3303/0/5700"]})");
  EXPECT_EQ(observe.parsed.request.operation, Operation::ObserveComposite);
  Trip write = trip("c/dev", R"({"operation":"write-composite","values":{"/1/0/1":30,"/3/0/14":"+01:00"}})");
  EXPECT_EQ(write.parsed.request.operation, Operation::WriteComposite);
  EXPECT_EQ(write.parsed.request.nodes.at(Path(1, 0, 1)).resource()->value(), Value::integer(30));
  EXPECT_EQ(write.parsed.request.nodes.at(Path(3, 0, 14)).resource()->value(), Value::string("+01:00"));
}

TEST(CommandRoundTrip, ValueAndEmqxStylesAndOpaqueValues) {
  Trip value = trip("v/dev/set/1/0/1", "86400");
  EXPECT_EQ(value.parsed.request.operation, Operation::WriteReplace);
  EXPECT_EQ(value.parsed.request.node->resource()->value(), Value::integer(86400));
  Trip emqx = trip("e/dev/dn", R"({"reqID":4,"msgType":"write","data":{"path":"/5/0/0","type":"Opaque","value":"AQID"}})");
  EXPECT_EQ(emqx.parsed.request.node->resource()->value(), Value::opaque({1, 2, 3}));
  EXPECT_EQ(emqx.command.reply.style, mapping::PayloadStyle::Emqx);
}

TEST(CommandRoundTrip, TheReplyRouteSurvivesInTheStoredCommand) {
  Trip t = trip("c/dev", R"({"id":"42","operation":"read","path":"/3/0/0","correlation":"abc","ttl":600})",
                std::string("\x01\x00\xff", 3));
  auto route = mapping::replyRouteOf(t.json);
  ASSERT_TRUE(route) << t.json;
  EXPECT_EQ(route->topic, "c/dev/result");
  EXPECT_EQ(route->qos, 1);
  EXPECT_EQ(route->requestId, "42");
  EXPECT_EQ(route->correlationId, "abc");
  EXPECT_EQ(route->correlationData, std::string("\x01\x00\xff", 3));
  EXPECT_EQ(t.parsed.ttl, std::chrono::seconds(600));
  EXPECT_FALSE(mapping::replyRouteOf(R"({"operation":"read","path":"/3/0/0"})"));
  EXPECT_FALSE(mapping::replyRouteOf("not json"));
}

}  // namespace
}  // namespace lwm2m::gateway
