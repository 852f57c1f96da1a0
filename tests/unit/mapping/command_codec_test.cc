// The one JSON command codec (MQTT json style and REST): every operation,
// every value type, the errors that name the problem.
#include <gtest/gtest.h>

#include "mapping/command_codec.h"
#include "mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using model::Path;
using model::Value;
using operations::DeviceRequest;
using operations::Operation;

using testing::testModel;

DeviceRequest ok(const std::string& json) {
  auto r = decodeCommand(json, testModel());
  EXPECT_TRUE(r.ok()) << json << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : DeviceRequest{};
}

std::string problem(const std::string& json) {
  auto r = decodeCommand(json, testModel());
  EXPECT_FALSE(r.ok()) << json;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, ErrorCode::Invalid);
  return r.error().message;
}

const Value& single(const DeviceRequest& r) { return r.node->resource()->value(); }

TEST(CommandCodec, APartialUpdateOfASingleResourceIsRefusedBecauseTheDeviceWouldExecuteIt) {
  EXPECT_NE(problem(R"({"operation":"write-update","path":"/3/0/14","value":"+02"})").find("replace (PUT)"),
            std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write","path":"/3/0/7/1","value":3800,"partial":true})").find("/3/0/7/1"),
            std::string::npos);
  // A multiple-instance resource may be updated in part (instances added or changed).
  EXPECT_EQ(ok(R"({"operation":"write-update","path":"/3/0/7","values":{"/3/0/7/1":3800}})").operation,
            Operation::WriteUpdate);
}

TEST(CommandCodec, EveryOperationDecodesToItsRequest) {
  EXPECT_EQ(ok(R"({"operation":"read","path":"/3/0"})"), DeviceRequest::read(Path(3, 0)));
  EXPECT_EQ(ok(R"({"operation":"discover","path":"/3"})"), DeviceRequest::discover(Path(3)));
  EXPECT_EQ(ok(R"({"operation":"observe","path":"/3303/0/5700"})"), DeviceRequest::observe(Path(3303, 0, 5700)));
  EXPECT_EQ(ok(R"({"operation":"cancel-observe","path":"/3/0/9"})"), DeviceRequest::cancelObserve(Path(3, 0, 9)));
  EXPECT_EQ(ok(R"({"operation":"delete","path":"/3303/1"})"), DeviceRequest::remove(Path(3303, 1)));
  EXPECT_EQ(ok(R"({"operation":"execute","path":"/3/0/4","arguments":"0='a'"})"),
            DeviceRequest::execute(Path(3, 0, 4), "0='a'"));
  EXPECT_EQ(ok(R"({"operation":"read-composite","paths":["/3/0/0","/1/0/1"]})"),
            DeviceRequest::readComposite({Path(3, 0, 0), Path(1, 0, 1)}));
  EXPECT_EQ(ok(R"({"operation":"observe-composite","paths":["/3/0/0"]})"),
            DeviceRequest::observeComposite({Path(3, 0, 0)}));
  EXPECT_EQ(ok(R"({"operation":"cancel-observe-composite","paths":["/3/0/0"]})"),
            DeviceRequest::cancelObserveComposite({Path(3, 0, 0)}));
  EXPECT_EQ(ok(R"({"operation":"write","path":"/3/0/14","value":"+02"})").operation, Operation::WriteReplace);
  EXPECT_EQ(ok(R"({"operation":"write","path":"/3303/0","values":{"5750":"x"},"partial":true})").operation,
            Operation::WriteUpdate);
  EXPECT_EQ(ok(R"({"operation":"write-update","path":"/3303/0","values":{"5750":"x"}})").operation,
            Operation::WriteUpdate);
  const auto composite = ok(R"({"operation":"write-composite","values":{"/3/0/14":"+1","/1/0/1":60}})");
  EXPECT_EQ(composite.operation, Operation::WriteComposite);
  EXPECT_EQ(composite.nodes.size(), 2u);
  const auto create = ok(R"({"operation":"create","path":"/3303","instance":5,"values":{"5750":"attic"}})");
  EXPECT_EQ(create.operation, Operation::Create);
  EXPECT_EQ(create.node->object()->instances().begin()->first, 5);
  const auto attrs = ok(R"({"operation":"write-attributes","path":"/3303/0/5700",
                            "attributes":{"pmin":10,"pmax":"60","st":0.5,"edge":true,"con":0,"hqmax":4,"lt":null}})");
  EXPECT_EQ(attrs.attributes.minPeriod, 10u);
  EXPECT_EQ(attrs.attributes.maxPeriod, 60u);
  EXPECT_EQ(attrs.attributes.step, 0.5);
  EXPECT_EQ(attrs.attributes.edge, true);
  EXPECT_EQ(attrs.attributes.confirmable, false);
  EXPECT_EQ(attrs.attributes.historicalQueueMax, 4u);
  EXPECT_EQ(attrs.attributes.clear, std::vector<std::string>{"lt"});
}

TEST(CommandCodec, ValuesAreTypedByTheObjectModel) {
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/3/0/14","value":"+02"})")), Value::string("+02"));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/1/0/1","value":"300"})")), Value::integer(300));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/3/0/13","value":1700000000})")), Value::time(1700000000));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/1/0/6","value":true})")), Value::boolean(true));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/3303/0/5700","value":21})")).type(), model::DataType::Float);
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/5/0/0","value":"AAEC"})")),
            Value::opaque(model::Bytes{0, 1, 2}));
  const auto multi = ok(R"({"operation":"write","path":"/3/0/7","values":{"0":3800,"1":5000}})");
  ASSERT_TRUE(multi.node->resource()->isMultiple());
  EXPECT_EQ(multi.node->resource()->instances().size(), 2u);
}

TEST(CommandCodec, ObjectsTheModelDoesNotKnowNeedNoModel) {
  // Operations without values: the path is enough.
  EXPECT_EQ(ok(R"({"operation":"read","path":"/31024/10"})"), DeviceRequest::read(Path(31024, 10)));
  EXPECT_EQ(ok(R"({"operation":"observe","path":"/31024/10/1"})"), DeviceRequest::observe(Path(31024, 10, 1)));
  EXPECT_EQ(ok(R"({"operation":"discover","path":"/31024"})"), DeviceRequest::discover(Path(31024)));
  EXPECT_EQ(ok(R"({"operation":"delete","path":"/31024/10"})"), DeviceRequest::remove(Path(31024, 10)));
  EXPECT_EQ(ok(R"({"operation":"execute","path":"/31024/10/5","arguments":"now"})"),
            DeviceRequest::execute(Path(31024, 10, 5), "now"));
  EXPECT_EQ(ok(R"({"operation":"read","path":"/3/0/999"})"), DeviceRequest::read(Path(3, 0, 999)));
  // Values: typed by the JSON value...
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/31024/10/1","value":42})")), Value::integer(42));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/31024/10/2","value":21.5})")), Value::floating(21.5));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/31024/10/3","value":true})")), Value::boolean(true));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/31024/10/0","value":"hi"})")), Value::string("hi"));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/31024/10/1","value":18446744073709551615})")),
            Value::unsignedInteger(18446744073709551615u));
  // ... or by the command's "type".
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/31024/10/2","value":21,"type":"Float"})")),
            Value::floating(21));
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/31024/10/4","value":"AAEC","type":"Opaque"})")),
            Value::opaque(model::Bytes{0, 1, 2}));
  const auto partial = ok(R"({"operation":"write","path":"/31024/10","partial":true,
      "values":{"1":{"value":7,"type":"Unsigned Integer"},"7":{"value":1700000000,"type":"Time"},
                "8":{"value":"3:0","type":"Objlnk"},"6":{"0":1,"1":{"value":2,"type":"Float"}}}})");
  const auto* instance = partial.node->objectInstance();
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(instance->resource(1)->value(), Value::unsignedInteger(7));
  EXPECT_EQ(instance->resource(7)->value(), Value::time(1700000000));
  EXPECT_EQ(instance->resource(8)->value(), Value::objectLink({3, 0}));
  ASSERT_TRUE(instance->resource(6)->isMultiple());
  EXPECT_EQ(*instance->resource(6)->instance(0), Value::integer(1));
  EXPECT_EQ(*instance->resource(6)->instance(1), Value::floating(2));
  const auto create = ok(R"({"operation":"create","path":"/31024","instance":3,"values":{"0":"x","2":1.5}})");
  EXPECT_EQ(create.node->object()->instances().at(3).resource(2)->value(), Value::floating(1.5));
  // The model's declaration wins where there is one.
  EXPECT_EQ(single(ok(R"({"operation":"write","path":"/1/0/1","value":"300","type":"String"})")), Value::integer(300));
  // What cannot be typed is refused, naming the path.
  EXPECT_NE(problem(R"({"operation":"write","path":"/31024/10/1","value":[1]})").find("/31024/10/1"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write","path":"/31024/10/1","value":1,"type":"Integr"})")
                .find("unknown data type \"Integr\""),
            std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write","path":"/31024/10/1","value":"x","type":"Integer"})")
                .find("must be Integer"),
            std::string::npos);
}

TEST(CommandCodec, ValuesOfUnknownResourcesReadBackWithTheirTypes) {
  for (const char* json : {
           R"({"operation":"write","path":"/31024/10","partial":true,"values":{"1":{"value":7,"type":"Time"},)"
           R"("2":{"value":"AAEC","type":"Opaque"},"3":{"value":"3:1","type":"Objlnk"},"4":{"value":5,"type":"Unsigned Integer"},)"
           R"("5":2.0,"6":-3,"7":"text","8":false},"format":"senml-cbor"})",
           // A number with more digits than a double holds: read correctly
           // rounded, so that the value written back reads as the same one.
           R"({"operation":"create","path":"/31024","instance":3,"values":)"
           R"({"9":184467000000000000000000000000000007016553009951757310,"10":0.30000000000000004441}})",
       }) {
    auto request = ok(json);
    auto again = decodeCommand(encodeCommand(request), testModel());
    ASSERT_TRUE(again.ok()) << encodeCommand(request);
    EXPECT_EQ(*again, request) << encodeCommand(request);
  }
}

TEST(CommandCodec, ErrorsNameTheProblem) {
  EXPECT_NE(problem("{").find("bad JSON"), std::string::npos);
  EXPECT_NE(problem("[1]").find("JSON object"), std::string::npos);
  EXPECT_NE(problem(R"({"path":"/3/0"})").find("operation"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"fly","path":"/3/0"})").find("unknown operation 'fly'"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"read","path":"/x"})").find("bad path"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write","path":"/1/0/1","value":"many"})").find("/1/0/1"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write","path":"/3/0/14"})").find("needs a value"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"execute","path":"/3/0/0"})").find("not executable"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"delete","path":"/3303"})").find("object instance"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write-attributes","path":"/3/0/9","attributes":{}})").find("at least one"),
            std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write-attributes","path":"/3/0/9","attributes":{"pmin":9,"pmax":3}})")
                .find("pmax"),
            std::string::npos);
  EXPECT_NE(problem(R"({"operation":"write-attributes","path":"/3/0/9","attributes":{"fast":1}})")
                .find("unknown attribute \"fast\""),
            std::string::npos);
  EXPECT_NE(problem(R"({"operation":"read","path":"/3/0","ttl":0})").find("ttl"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"read","path":"/3/0","timeout":-1})").find("timeout"), std::string::npos);
  EXPECT_NE(problem(R"({"operation":"read","path":"/3/0","a":[[[[[[[[[[1]]]]]]]]]]})").find("nested"),
            std::string::npos);
}

TEST(CommandCodec, AttributeCodecReadsWhatItWrites) {
  operations::NotificationAttributes a;
  ASSERT_TRUE(operations::setAttribute(a, "gt", "30.5").ok());
  ASSERT_TRUE(operations::setAttribute(a, "epmin", "2").ok());
  ASSERT_TRUE(operations::setAttribute(a, "edge", "0").ok());
  ASSERT_TRUE(operations::setAttribute(a, "pmax", "").ok());
  EXPECT_EQ(operations::toQueryString(a), "gt=30.5&epmin=2&edge=0&pmax");
  auto back = operations::parseQueryString(operations::toQueryString(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
  EXPECT_FALSE(operations::setAttribute(a, "edge", "2").ok());
  EXPECT_FALSE(operations::setAttribute(a, "pmin", "-1").ok());
  EXPECT_FALSE(operations::parseQueryString("pmin=").ok());
}

TEST(CommandCodec, FormatChoosesTheContentFormatTowardTheDevice) {
  EXPECT_EQ(ok(R"({"operation":"read","path":"/31024/10","format":"lwm2m-json"})").format, formats::kLwm2mJson);
  auto r = ok(R"({"operation":"read","path":"/3/0","format":"senml-json"})");
  EXPECT_EQ(r.format, formats::kSenmlJson);
  EXPECT_EQ(ok(encodeCommand(r)), r);  // kept through the stored form
  EXPECT_EQ(ok(R"({"operation":"read","path":"/3/0","format":"11542"})").format, formats::kTlv);
  EXPECT_FALSE(ok(R"({"operation":"read","path":"/3/0"})").format.has_value());
  EXPECT_NE(problem(R"({"operation":"read","path":"/3/0","format":"xml"})").find("unknown content format 'xml'"),
            std::string::npos);
  EXPECT_NE(problem(R"({"operation":"read","path":"/3/0","format":42})").find("\"format\" must be a string"),
            std::string::npos);
  EXPECT_EQ(contentFormatKey(formats::kLwm2mCbor), "lwm2m-cbor");
  EXPECT_EQ(contentFormatKey(999), "999");
}

TEST(CommandCodec, ResultOfACreateNamesTheNewInstance) {
  gateway::api::DeviceEvent e{gateway::api::DeviceEventKind::Response, {}, {}, gateway::api::CommandInfo{}};
  e.device.endpoint = "dev";
  e.command->requestId = "q7";
  e.command->request = DeviceRequest::create(3311, model::ObjectInstance(2, std::vector<model::Resource>{}));
  operations::DeviceResponse created;
  created.code = "2.01";
  created.createdPath = Path(3311, 2);
  e.command->response = created;
  const std::string json = encodeCommandResult(e, testModel());
  EXPECT_NE(json.find(R"("requestId":"q7")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("code":"2.01")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("location":"/3311/2")"), std::string::npos) << json;
}

}  // namespace
}  // namespace lwm2m::mapping
