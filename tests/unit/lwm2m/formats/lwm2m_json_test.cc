#include "lwm2m/formats/lwm2m_json.h"

#include <gtest/gtest.h>

#include "tests/unit/lwm2m/formats/format_test_util.h"

namespace lwm2m::formats {
namespace {

using model::Node;
using model::Path;
using model::Value;
using testing::bytesOf;
using testing::textOf;

class Lwm2mJsonTest : public ::testing::Test {
 protected:
  Result<Node> decode(std::string_view json, const Path& path) const {
    return codec_.decode(bytesOf(json), path, DecodeContext{model_, 1700000000});
  }
  Lwm2mJsonCodec codec_;
  model::ObjectModel model_ = model::ObjectModel::builtIn();
};

// Read /3/0, LwM2M 1.0 core 6.4.4 (JSON example for the Device object).
const char* kDeviceJson =
    R"({"bn":"/3/0/","e":[{"n":"0","sv":"Open Mobile Alliance"},{"n":"1","sv":"Lightweight M2M Client"},)"
    R"({"n":"2","sv":"345000123"},{"n":"3","sv":"1.0"},{"n":"6/0","v":1},{"n":"6/1","v":5},)"
    R"({"n":"7/0","v":3800},{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},)"
    R"({"n":"9","v":100},{"n":"10","v":15},{"n":"11/0","v":0},{"n":"13","v":1367491215},)"
    R"({"n":"14","sv":"+02:00"},{"n":"16","sv":"U"}]})";

TEST_F(Lwm2mJsonTest, DecodesAndReencodesSpecificationDeviceExample) {
  auto node = decode(kDeviceJson, Path(3, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->objectInstance()->resource(13)->value(), Value::time(1367491215));
  EXPECT_EQ(*node->objectInstance()->resource(8)->instance(1), Value::integer(900));
  EXPECT_EQ(textOf(*codec_.encode(*node, Path(3, 0), model_)), kDeviceJson);
}

TEST_F(Lwm2mJsonTest, NamesJoinWithOrWithoutSlash) {
  auto a = decode(R"({"bn":"/3/0","e":[{"n":"9","v":80}]})", Path(3, 0, 9));
  auto b = decode(R"({"e":[{"n":"/3/0/9","v":80}]})", Path(3, 0, 9));
  auto c = decode(R"({"bn":"/3/0/9","e":[{"v":80}]})", Path(3, 0, 9));
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
}

TEST_F(Lwm2mJsonTest, OpaqueObjectLinkBoolean) {
  auto node = decode(R"({"bn":"/9/0/","e":[{"n":"2","sv":"3q2+7w=="},{"n":"5","ov":"3:0"},{"n":"12","bv":true}]})",
                     Path(9, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto* i = node->objectInstance();
  EXPECT_EQ(i->resource(2)->value(), Value::opaque({0xDE, 0xAD, 0xBE, 0xEF}));
  EXPECT_EQ(i->resource(5)->value(), Value::objectLink({3, 0}));
  EXPECT_EQ(i->resource(12)->value(), Value::boolean(true));
  EXPECT_EQ(textOf(*codec_.encode(*node, Path(9, 0), model_)),
            R"({"bn":"/9/0/","e":[{"n":"2","sv":"3q2+7w=="},{"n":"5","ov":"3:0"},{"n":"12","bv":true}]})");
}

TEST_F(Lwm2mJsonTest, TimestampedNotificationWithNegativeTimes) {
  // Several values of one resource; t <= 0 is relative to now (1700000000).
  auto data = codec_.decodeTimestamped(
      bytesOf(R"({"bn":"/3303/0/","e":[{"n":"5700","v":22.4,"t":-5},{"n":"5700","v":22.9,"t":-30}]})"),
      DecodeContext{model_, 1700000000});
  ASSERT_TRUE(data.ok()) << data.error().message;
  ASSERT_EQ(data->size(), 2u);
  EXPECT_EQ((*data)[0].time, 1699999970.0);
  EXPECT_EQ((*data)[1].nodes.at(Path(3303, 0, 5700)).resource()->value(), Value::floating(22.4));
  auto absolute = codec_.decodeTimestamped(
      bytesOf(R"({"bn":"/3303/0/5700","bt":1699990000,"e":[{"v":20,"t":10}]})"), DecodeContext{model_, 1700000000});
  ASSERT_TRUE(absolute.ok()) << absolute.error().message;
  EXPECT_EQ((*absolute)[0].time, 1699990010.0);
}

TEST_F(Lwm2mJsonTest, RejectsInvalidPayloads) {
  for (const char* bad : {"[]", "{}", R"({"e":{}})", R"({"bn":3,"e":[]})", R"({"e":[{"n":"/3/0/9"}]})",
                          R"({"e":[{"n":"/3/0/9","v":1,"sv":"x"}]})", R"({"e":[{"n":"/3/0/x","v":1}]})",
                          R"({"bn":"/5/0/","e":[{"n":"0","sv":"!!"}]})", R"({"e":[{"n":"/3/0","v":1}]})",
                          R"({"e":[{"n":"/3/0/9","v":1,"t":"x"}]})", R"({"e":[{"n":"/3/0/9","ov":"3"}]})"}) {
    EXPECT_FALSE(decode(bad, Path(3, 0)).ok()) << bad;
  }
}

}  // namespace
}  // namespace lwm2m::formats
