#include "lwm2m/formats/senml_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/lwm2m/formats/format_test_util.h"

namespace lwm2m::formats {
namespace {

using model::Node;
using model::Path;
using model::Resource;
using model::Value;
using testing::bytesOf;
using testing::textOf;

class SenmlJsonTest : public ::testing::Test {
 protected:
  Result<Node> decode(std::string_view json, const Path& path) const {
    return codec_.decode(bytesOf(json), path, context());
  }
  DecodeContext context() const { return DecodeContext{model_, 1700000000}; }
  SenmlJsonCodec codec_;
  model::ObjectModel model_ = model::ObjectModel::builtIn();
};

// Read /3/0, LwM2M 1.1 core 7.4.4 (SenML JSON example for the Device object).
const char* kDeviceSenml =
    R"([{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},{"n":"1","vs":"Lightweight M2M Client"},)"
    R"({"n":"2","vs":"345000123"},{"n":"3","vs":"1.0"},{"n":"6/0","v":1},{"n":"6/1","v":5},)"
    R"({"n":"7/0","v":3800},{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},)"
    R"({"n":"9","v":100},{"n":"10","v":15},{"n":"11/0","v":0},{"n":"13","v":1367491215},)"
    R"({"n":"14","vs":"+02:00"},{"n":"16","vs":"U"}])";

TEST_F(SenmlJsonTest, DecodesAndReencodesSpecificationDeviceExample) {
  auto node = decode(kDeviceSenml, Path(3, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto* i = node->objectInstance();
  EXPECT_EQ(i->resource(1)->value(), Value::string("Lightweight M2M Client"));
  EXPECT_EQ(*i->resource(7)->instance(1), Value::integer(5000));
  EXPECT_EQ(i->resource(13)->value(), Value::time(1367491215));
  auto bytes = codec_.encode(*node, Path(3, 0), model_);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(textOf(*bytes), kDeviceSenml);
}

TEST_F(SenmlJsonTest, BaseNameCarriesAcrossRecordsAndCanChange) {
  auto nodes = codec_.decodeNodes(
      bytesOf(R"([{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"9","v":80},{"bn":"/1/0/","n":"1","v":300}])"), nullptr,
      context());
  ASSERT_TRUE(nodes.ok()) << nodes.error().message;
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ(nodes->at(Path(1, 0, 1)).resource()->value(), Value::integer(300));
  EXPECT_EQ(nodes->at(Path(3, 0, 9)).resource()->value(), Value::integer(80));
}

TEST_F(SenmlJsonTest, TimestampedValuesArePreservedWithRelativeTimes) {
  // Three values of one resource: bt absolute, t relative to bt; then a
  // record whose time is below 2^28 and so relative to now (1700000000).
  auto data = codec_.decodeTimestamped(
      bytesOf(R"([{"bn":"/3303/0/5700","bt":1699999000,"v":22.4},{"t":-30,"v":22.9},{"t":-60,"v":24.1},)"
              R"({"bt":-5,"v":25}])"),
      context());
  ASSERT_TRUE(data.ok()) << data.error().message;
  ASSERT_EQ(data->size(), 4u);
  EXPECT_EQ((*data)[0].time, 1699998940.0);
  EXPECT_EQ((*data)[0].nodes.at(Path(3303, 0, 5700)).resource()->value(), Value::floating(24.1));
  EXPECT_EQ((*data)[2].time, 1699999000.0);
  EXPECT_EQ((*data)[3].time, 1699999995.0);
  EXPECT_EQ((*data)[3].nodes.at(Path(3303, 0, 5700)).resource()->value(), Value::floating(25));
  // Without timestamps the latest value wins.
  auto latest = decode(R"([{"bn":"/3303/0/5700","bt":1699999000,"v":22.4},{"t":-30,"v":22.9}])", Path(3303, 0, 5700));
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  EXPECT_EQ(latest->resource()->value(), Value::floating(22.4));
  auto encoded = codec_.encodeTimestamped(*data, model_);
  ASSERT_TRUE(encoded.ok());
  auto again = codec_.decodeTimestamped(*encoded, context());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *data);
}

TEST_F(SenmlJsonTest, OpaqueAsVdAndObjectLinkAsVlo) {
  auto node = decode(R"([{"bn":"/9/0/","n":"2","vd":"3q2-7w"},{"n":"5","vlo":"3:0"}])", Path(9, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->objectInstance()->resource(2)->value(), Value::opaque({0xDE, 0xAD, 0xBE, 0xEF}));
  EXPECT_EQ(node->objectInstance()->resource(5)->value(), Value::objectLink({3, 0}));
  EXPECT_EQ(textOf(*codec_.encode(*node, Path(9, 0), model_)),
            R"([{"bn":"/9/0/","n":"2","vd":"3q2-7w"},{"n":"5","vlo":"3:0"}])");
  auto padded = decode(R"([{"bn":"/5/0/0","vd":"3q2+7w=="}])", Path(5, 0, 0));
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(padded->resource()->value(), Value::opaque({0xDE, 0xAD, 0xBE, 0xEF}));
}

TEST_F(SenmlJsonTest, UnknownObjectsKeepTheirWireTypes) {
  auto node = decode(R"([{"bn":"/42000/0/","n":"1","v":3},{"n":"2","v":2.5},{"n":"3","vs":"x"},)"
                     R"({"n":"4","vb":true},{"n":"5/7","v":1}])",
                     Path(42000, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto* i = node->objectInstance();
  EXPECT_EQ(i->resource(1)->value(), Value::integer(3));
  EXPECT_EQ(i->resource(2)->value(), Value::floating(2.5));
  EXPECT_EQ(i->resource(3)->value(), Value::string("x"));
  EXPECT_EQ(i->resource(4)->value(), Value::boolean(true));
  EXPECT_TRUE(i->resource(5)->isMultiple());
}

// RapidJSON 1.1 misread these zeros (9.6e-240 for 0e-30; json_numbers.h).
TEST_F(SenmlJsonTest, AZeroWithAnExponentOrManyDecimalsIsZero) {
  for (const std::string& v : std::vector<std::string>{"0e-30", "0." + std::string(40, '0'), "-0.0E-300"}) {
    auto node = decode(R"([{"bn":"/3303/0/5700","v":)" + v + "}]", Path(3303, 0, 5700));
    ASSERT_TRUE(node.ok()) << v << ": " << node.error().message;
    EXPECT_EQ(node->resource()->value(), Value::floating(0)) << v;
  }
}

TEST_F(SenmlJsonTest, ModelTypesApplyToNumbers) {
  auto node = decode(R"([{"bn":"/3303/0/5700","v":21}])", Path(3303, 0, 5700));
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->resource()->value(), Value::floating(21));
  auto bad = decode(R"([{"bn":"/3/0/9","v":21.5}])", Path(3, 0, 9));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("/3/0/9"), std::string::npos);
  EXPECT_FALSE(decode(R"([{"bn":"/3/0/9","vs":"x"}])", Path(3, 0, 9)).ok());
}

TEST_F(SenmlJsonTest, CompositeReadGroupsUnderRequestedPaths) {
  std::vector<Path> paths = {Path(3, 0, 9), Path(1, 0), Path(3303, 0, 5700)};
  auto nodes = codec_.decodeNodes(
      bytesOf(R"([{"n":"/3/0/9","v":90},{"bn":"/1/0/","n":"0","v":1},{"n":"1","v":300}])"), &paths, context());
  ASSERT_TRUE(nodes.ok()) << nodes.error().message;
  EXPECT_EQ(nodes->size(), 2u);
  EXPECT_EQ(nodes->at(Path(1, 0)).objectInstance()->resources().size(), 2u);
  auto request = codec_.encodePaths(paths);
  EXPECT_EQ(textOf(*request), R"([{"n":"/3/0/9"},{"n":"/1/0"},{"n":"/3303/0/5700"}])");
  EXPECT_EQ(*codec_.decodePaths(*request), paths);
  auto outside = codec_.decodeNodes(bytesOf(R"([{"n":"/4/0/1","v":1}])"), &paths, context());
  EXPECT_FALSE(outside.ok());
}

TEST_F(SenmlJsonTest, WriteCompositeRoundTrip) {
  model::NodesByPath nodes;
  nodes.emplace(Path(1, 0, 1), Node(Resource::single(1, Value::integer(600))));
  nodes.emplace(Path(3, 0, 14), Node(Resource::single(14, Value::string("+01:00"))));
  nodes.emplace(Path(3, 0, 7, 1), Node(model::ResourceInstance{1, Value::integer(4000)}));
  auto bytes = codec_.encodeNodes(nodes, model_);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(textOf(*bytes), R"([{"n":"/1/0/1","v":600},{"n":"/3/0/7/1","v":4000},{"n":"/3/0/14","vs":"+01:00"}])");
  auto back = codec_.decodeNodes(*bytes, nullptr, context());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, nodes);
}

TEST_F(SenmlJsonTest, RejectsInvalidPayloads) {
  const char* bad[] = {
      "", "{}", "[1]", R"([{"n":"/3/0/9"}])", R"([{"bn":"/3/0/","n":"9/","v":1}])",
      R"([{"bn":"/3/0/","v":1}])", R"([{"n":"/3/0/9","v":"1"}])", R"([{"n":"/3/0/9","v":1,"vs":"a"}])",
      R"([{"n":"/3/0/9","v":1,"x_":2}])", R"([{"n":"/3/0/9","v":1}] x)", R"([{"n":"/3/0/9","v":1},{"n":"/3/0/9","v":2}])",
      R"([{"n":"/5/0/0","vd":"!!"}])", R"([{"n":"/3/0/7","v":1}])", R"([{"n":"/3/0/9/1","v":1}])",
      R"([{"n":"/3/0/9","t":"x","v":1}])",
  };
  for (const char* json : bad) {
    auto node = decode(json, Path(3, 0));
    EXPECT_FALSE(node.ok()) << json;
    if (!node.ok()) {
      EXPECT_FALSE(node.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace lwm2m::formats
