// The gateway's JSON commands: every operation decodes to the LwM2M request
// a device must receive, values typed by the object model, and every mistake
// is refused with a message naming the field.
#include "gateway/command_json.h"

#include <gtest/gtest.h>

namespace lwm2m::gateway {
namespace {

using model::Path;
using model::Value;
using server::Operation;

const model::ObjectModel& testModel() {
  static const model::ObjectModel m = model::ObjectModel::builtIn();
  return m;
}

ParsedCommand parsed(std::string_view json) {
  auto r = parseCommand(json, testModel());
  EXPECT_TRUE(r) << json << ": " << (r ? "" : r.error().message);
  return r ? *r : ParsedCommand{};
}

std::string problem(std::string_view json) {
  auto r = parseCommand(json, testModel());
  EXPECT_FALSE(r) << json;
  return r ? "" : r.error().message;
}

TEST(CommandJson, SinglePathOperations) {
  struct Case {
    const char* json;
    Operation op;
  } cases[] = {
      {R"({"operation":"read","path":"/3/0/0"})", Operation::Read},
      {R"({"operation":"discover","path":"/3303"})", Operation::Discover},
      {R"({"operation":"observe","path":"/3303/0/5700"})", Operation::Observe},
      {R"({"operation":"cancel-observe","path":"/3303/0/5700"})", Operation::CancelObserve},
      {R"({"operation":"delete","path":"/3303/1"})", Operation::Delete},
      {R"({"operation":"execute","path":"/3/0/4","arguments":"0='now'"})", Operation::Execute},
  };
  for (const auto& c : cases) EXPECT_EQ(parsed(c.json).request.operation, c.op) << c.json;
  EXPECT_EQ(parsed(cases[5].json).request.arguments, "0='now'");
}

TEST(CommandJson, WriteOfOneResourceIsTypedByTheModel) {
  auto c = parsed(R"({"operation":"write","path":"/1/0/1","value":300})");
  EXPECT_EQ(c.request.operation, Operation::WriteReplace);
  EXPECT_EQ(c.request.node->resource()->value(), Value::integer(300));
  EXPECT_EQ(parsed(R"({"operation":"write","path":"/1/0/6","value":true})").request.node->resource()->value(),
            Value::boolean(true));
  EXPECT_NE(problem(R"({"operation":"write","path":"/1/0/1","value":"many"})").find("/1/0/1"), std::string::npos);
}

TEST(CommandJson, WriteOnAnInstanceReplacesOrUpdatesSeveralResources) {
  auto replace = parsed(R"({"operation":"write","path":"/1/0","values":{"1":60,"/1/0/7":"UQ"}})");
  EXPECT_EQ(replace.request.operation, Operation::WriteReplace);
  const auto* instance = replace.request.node->objectInstance();
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(instance->resource(1)->value(), Value::integer(60));
  EXPECT_EQ(instance->resource(7)->value(), Value::string("UQ"));
  auto update = parsed(R"({"operation":"write","path":"/1/0","values":{"1":60},"partial":true})");
  EXPECT_EQ(update.request.operation, Operation::WriteUpdate);
  EXPECT_NE(problem(R"({"operation":"write","path":"/1/0","values":{"/3/0/1":"x"}})").find("not a resource of /1/0"),
            std::string::npos);
}

TEST(CommandJson, WriteOfAMultipleResourceTakesItsInstances) {
  auto c = parsed(R"({"operation":"write","path":"/3/0/7","values":{"0":3800,"1":5000}})");
  const auto* r = c.request.node->resource();
  ASSERT_TRUE(r && r->isMultiple());
  EXPECT_EQ(*r->instance(1), Value::integer(5000));
  EXPECT_NE(problem(R"({"operation":"write","path":"/3/0/7","value":3800})").find("multiple resource"),
            std::string::npos);
}

TEST(CommandJson, CreateCarriesTheNewInstance) {
  auto c = parsed(R"({"operation":"create","path":"/3303","instance":4,"values":{"5750":"attic"}})");
  EXPECT_EQ(c.request.operation, Operation::Create);
  const auto* object = c.request.node->object();
  ASSERT_NE(object, nullptr);
  const auto* instance = object->instance(4);
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(instance->resource(5750)->value(), Value::string("attic"));
  EXPECT_NE(problem(R"({"operation":"create","path":"/3303/0/5700","values":{}})").find("create takes an object"),
            std::string::npos);
}

TEST(CommandJson, CompositeOperations) {
  auto read = parsed(R"({"operation":"read-composite","paths":["/3/0/0","/3303/0/5700"]})");
  EXPECT_EQ(read.request.operation, Operation::ReadComposite);
  EXPECT_EQ(read.request.paths, (std::vector<Path>{Path(3, 0, 0), Path(3303, 0, 5700)}));
  EXPECT_EQ(parsed(R"({"operation":"observe-composite","paths":["/3303/0/5700"]})").request.operation,
            Operation::ObserveComposite);
  EXPECT_EQ(parsed(R"({"operation":"cancel-observe-composite","paths":["/3303/0/5700"]})").request.operation,
            Operation::CancelObserveComposite);
  auto write = parsed(R"({"operation":"write-composite","values":{"/3/0/14":"+01:00","/1/0/1":300}})");
  EXPECT_EQ(write.request.operation, Operation::WriteComposite);
  EXPECT_EQ(write.request.nodes.at(Path(1, 0, 1)).resource()->value(), Value::integer(300));
  EXPECT_NE(problem(R"({"operation":"read-composite","paths":[]})").find("\"paths\""), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write-composite","values":{"/9999/0/1":1}})").find("not in the object model"),
            std::string::npos);
}

TEST(CommandJson, WriteAttributesSetsAndClears) {
  auto c = parsed(
      R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":10,"st":0.5,"edge":1,"pmax":null}})");
  EXPECT_EQ(c.request.operation, Operation::WriteAttributes);
  EXPECT_EQ(c.request.attributes.minPeriod, 10u);
  EXPECT_EQ(c.request.attributes.step, 0.5);
  EXPECT_EQ(c.request.attributes.edge, true);
  EXPECT_EQ(c.request.attributes.clear, (std::vector<std::string>{"pmax"}));
  EXPECT_NE(problem(R"({"operation":"write-attributes","path":"/3303/0/5700","attributes":{"often":1}})")
                .find("unknown attribute \"often\""),
            std::string::npos);
}

TEST(CommandJson, MistakesNameTheField) {
  EXPECT_EQ(problem("{"), "the command is not valid JSON");
  EXPECT_NE(problem(R"({"path":"/3/0/0"})").find("\"operation\""), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"reboot","path":"/3/0/4"})").find("unknown operation \"reboot\""),
            std::string::npos);
  EXPECT_NE(problem(R"({"operation":"read","path":"/3/x"})").find("\"path\""), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"read","path":"/3/0/0","ttl":-1})").find("\"ttl\""), std::string::npos);
  // Members the gateway does not read (a bridge's reply route) are allowed.
  EXPECT_EQ(parsed(R"({"operation":"read","path":"/3/0/0","reply":{"topic":"x"}})").request.operation,
            Operation::Read);
}

}  // namespace
}  // namespace lwm2m::gateway
