// SenML CBOR (112) and LwM2M CBOR (11544).
#include <gtest/gtest.h>

#include "lwm2m/formats/lwm2m_cbor.h"
#include "lwm2m/formats/senml_cbor.h"
#include "tests/unit/lwm2m/formats/format_test_util.h"

namespace lwm2m::formats {
namespace {

using model::Node;
using model::Path;
using model::Resource;
using model::Value;
using testing::hex;

class CborFormatsTest : public ::testing::Test {
 protected:
  DecodeContext context() const { return DecodeContext{model_, 1700000000}; }
  model::ObjectModel model_ = model::ObjectModel::builtIn();
  SenmlCborCodec senml_;
  Lwm2mCborCodec lwm2m_;
};

TEST_F(CborFormatsTest, SenmlCborSingleResourceGolden) {
  // [{bn(-2): "/3303/0/5700", v(2): 22.5}]
  Bytes golden = hex("81 a2 21 6c 2f 33 33 30 33 2f 30 2f 35 37 30 30 02 fa 41 b4 00 00");
  auto node = senml_.decode(golden, Path(3303, 0, 5700), context());
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->resource()->value(), Value::floating(22.5));
  EXPECT_EQ(*senml_.encode(*node, Path(3303, 0, 5700), model_), golden);
}

TEST_F(CborFormatsTest, SenmlCborOpaqueIsByteStringAndObjectLinkIsVlo) {
  // [{bn: "/9/0/", n: "2", vd: h'DEAD'}, {n: "5", "vlo": "3:0"}]
  Bytes golden = hex("82 a3 21 65 2f 39 2f 30 2f 00 61 32 08 42 de ad a2 00 61 35 63 76 6c 6f 63 33 3a 30");
  auto node = senml_.decode(golden, Path(9, 0), context());
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->objectInstance()->resource(2)->value(), Value::opaque({0xDE, 0xAD}));
  EXPECT_EQ(node->objectInstance()->resource(5)->value(), Value::objectLink({3, 0}));
  EXPECT_EQ(*senml_.encode(*node, Path(9, 0), model_), golden);
}

TEST_F(CborFormatsTest, SenmlCborTimestampsAndBaseNameCarryOver) {
  // [{bn: "/3303/0/5700", bt: 1699999000, v: 20}, {t: -60, v: 21.5}, {bn: "/3/0/9", v: 80}]
  Bytes payload = hex("83 a3 21 6c 2f 33 33 30 33 2f 30 2f 35 37 30 30 22 1a 65 53 ed 18 02 14"
                      " a2 06 38 3b 02 f9 49 80"
                      " a2 21 66 2f 33 2f 30 2f 39 02 18 50");
  auto data = senml_.decodeTimestamped(payload, context());
  ASSERT_TRUE(data.ok()) << data.error().message;
  ASSERT_EQ(data->size(), 2u);
  EXPECT_EQ((*data)[0].time, 1699998940.0);
  EXPECT_EQ((*data)[0].nodes.at(Path(3303, 0, 5700)).resource()->value(), Value::floating(11.0));
  EXPECT_EQ((*data)[1].time, 1699999000.0);
  EXPECT_EQ((*data)[1].nodes.size(), 2u);  // bt carries over to the /3/0/9 record
  auto again = senml_.decodeTimestamped(*senml_.encodeTimestamped(*data, model_), context());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *data);
}

// A bootstrap write of two Security instances as a commercial server sends
// it: one bn for all records, names "instance/resource", keys as byte
// strings (vd), an empty vd for an unused key. Servers that read vd as text
// got this wrong.
TEST_F(CborFormatsTest, SenmlCborSecurityObjectWithByteStrings) {
  Bytes payload = hex(
      "89 a3 21 63 2f 30 2f 00 63 31 2f 30 03 78 1c 63 6f 61 70 73 3a 2f 2f 67 61 74 65 77 61 79 2e 65"
      "78 61 6d 70 6c 65 3a 35 36 38 34 a2 00 63 31 2f 32 02 00 a2 00 63 31 2f 33 08 46 64 65 76 2d 31"
      "37 a2 00 63 31 2f 35 08 50 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f a2 00 63 31 2f 34 08"
      "40 a2 00 63 31 2f 31 04 f5 a2 00 63 32 2f 30 03 78 1c 63 6f 61 70 73 3a 2f 2f 67 61 74 65 77 61"
      "79 2e 65 78 61 6d 70 6c 65 3a 35 37 38 34 a2 00 63 32 2f 31 04 f4 a2 00 64 32 2f 31 30 02 18 65");
  auto node = senml_.decode(payload, Path(0), context());
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto* bootstrap = node->object()->instance(1);
  ASSERT_NE(bootstrap, nullptr);
  EXPECT_EQ(bootstrap->resource(0)->value(), Value::string("coaps://gateway.example:5684"));
  EXPECT_EQ(bootstrap->resource(3)->value(), Value::opaque({'d', 'e', 'v', '-', '1', '7'}));
  EXPECT_EQ(bootstrap->resource(4)->value(), Value::opaque({}));
  EXPECT_EQ(bootstrap->resource(5)->value().asOpaque().size(), 16u);
  EXPECT_EQ(bootstrap->resource(1)->value(), Value::boolean(true));
  EXPECT_EQ(node->object()->instance(2)->resource(10)->value(), Value::integer(101));
}

TEST_F(CborFormatsTest, SenmlCborRejectsBadRecords) {
  for (const char* bad : {"a0", "81 01", "81 a1 21 01", "81 a2 21 66 2f 33 2f 30 2f 39 02 61 31",
                          "81 a2 21 66 2f 33 2f 30 2f 39 04 01", "81 a1 21 66 2f 33 2f 30 2f 39",
                          "81 a2 21 66 2f 35 2f 30 2f 30 08 61 31", "81 a2 21 66 2f 33 2f 30 2f 39 3b ff ff ff ff ff ff ff ff"}) {
    EXPECT_FALSE(senml_.decode(hex(bad), Path(3, 0, 9), context()).ok()) << bad;
  }
}

TEST_F(CborFormatsTest, Lwm2mCborResourceGolden) {
  // {[3303, 0, 5700]: 22.5}
  Bytes golden = hex("a1 83 19 0c e7 00 19 16 44 fa 41 b4 00 00");
  auto node = lwm2m_.decode(golden, Path(3303, 0, 5700), context());
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->resource()->value(), Value::floating(22.5));
  EXPECT_EQ(*lwm2m_.encode(*node, Path(3303, 0, 5700), model_), golden);
}

TEST_F(CborFormatsTest, Lwm2mCborNestedAndSplitKeys) {
  // {3: {0: {0: "ACME", 7: {0: 3800, 1: 5000}}}} and the same with [3, 0] keys.
  Bytes nested = hex("a1 03 a1 00 a2 00 64 41 43 4d 45 07 a2 00 19 0e d8 01 19 13 88");
  Bytes split = hex("a1 82 03 00 a2 00 64 41 43 4d 45 07 a2 00 19 0e d8 01 19 13 88");
  auto a = lwm2m_.decode(nested, Path(3, 0), context());
  auto b = lwm2m_.decode(split, Path(3, 0), context());
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a->objectInstance()->resource(7)->instance(1), Value::integer(5000));
  EXPECT_EQ(*lwm2m_.encode(*a, Path(3, 0), model_), split);
  auto object = lwm2m_.decode(nested, Path(3), context());
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(*lwm2m_.encode(*object, Path(3), model_), nested);
}

TEST_F(CborFormatsTest, Lwm2mCborTimeWithOrWithoutTag) {
  auto tagged = lwm2m_.decode(hex("a1 83 03 00 0d c1 1a 51 82 42 8f"), Path(3, 0, 13), context());
  auto plain = lwm2m_.decode(hex("a1 83 03 00 0d 1a 51 82 42 8f"), Path(3, 0, 13), context());
  ASSERT_TRUE(tagged.ok()) << tagged.error().message;
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(tagged->resource()->value(), Value::time(1367491215));
  EXPECT_EQ(*tagged, *plain);
}

TEST_F(CborFormatsTest, Lwm2mCborComposite) {
  model::NodesByPath nodes;
  nodes.emplace(Path(1, 0, 1), Node(Resource::single(1, Value::integer(600))));
  nodes.emplace(Path(3303, 0), Node(model::ObjectInstance(0, std::vector<Resource>{
                                      Resource::single(5700, Value::floating(21.5)),
                                      Resource::single(5701, Value::string("Cel"))})));
  auto bytes = lwm2m_.encodeNodes(nodes, model_);
  ASSERT_TRUE(bytes.ok());
  auto back = lwm2m_.decodeNodes(*bytes, nullptr, context());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->size(), 3u);  // flattened to resources without requested paths
  std::vector<Path> paths = {Path(1, 0, 1), Path(3303, 0)};
  auto grouped = lwm2m_.decodeNodes(*bytes, &paths, context());
  ASSERT_TRUE(grouped.ok());
  EXPECT_EQ(*grouped, nodes);
}

TEST_F(CborFormatsTest, Lwm2mCborRejectsBadStructure) {
  for (const char* bad : {"80", "a1 03 01", "a1 61 33 01", "a1 83 03 00 19 ff ff 01", "a1 85 03 00 01 02 03 01",
                          "a1 83 03 00 09 f6", "a1 80 01", "a1 84 03 00 07 00 a1 00 01", "a1 83 03 00 09 c2 41 00"}) {
    EXPECT_FALSE(lwm2m_.decode(hex(bad), Path(3, 0), context()).ok()) << bad;
  }
}

}  // namespace
}  // namespace lwm2m::formats
