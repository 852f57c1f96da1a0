#include "lwm2m/formats/tlv.h"

#include <gtest/gtest.h>

#include "tests/unit/lwm2m/formats/format_test_util.h"

namespace lwm2m::formats {
namespace {

using model::Node;
using model::Path;
using model::Resource;
using model::Value;
using testing::hex;

class TlvTest : public ::testing::Test {
 protected:
  Result<Node> decode(const Bytes& bytes, const Path& path) const {
    return codec_.decode(bytes, path, DecodeContext{model_});
  }
  TlvCodec codec_;
  model::ObjectModel model_ = model::ObjectModel::builtIn();
};

// Read /3/0, LwM2M 1.0 core 6.4.3.1 "Single Object Instance Request Example".
// The specification's bytes are wrong: the Model Number TLV announces 0x16 =
// 22 bytes but lists only 21 ("Lightweigt M2M Client", the 'h' is missing),
// so the whole example is one byte short. This is the corrected vector.
const char* kDeviceInstance =
    "C8 00 14 4F 70 65 6E 20 4D 6F 62 69 6C 65 20 41 6C 6C 69 61 6E 63 65"
    "C8 01 16 4C 69 67 68 74 77 65 69 67 68 74 20 4D 32 4D 20 43 6C 69 65 6E 74"
    "C8 02 09 33 34 35 30 30 30 31 32 33"
    "C3 03 31 2E 30"
    "86 06 41 00 01 41 01 05"
    "88 07 08 42 00 0E D8 42 01 13 88"
    "87 08 41 00 7D 42 01 03 84"
    "C1 09 64"
    "C1 0A 0F"
    "83 0B 41 00 00"
    "C4 0D 51 82 42 8F"
    "C6 0E 2B 30 32 3A 30 30"
    "C1 10 55";

model::ObjectInstance deviceInstance() {
  return model::ObjectInstance(0, std::vector<Resource>{
      Resource::single(0, Value::string("Open Mobile Alliance")),
      Resource::single(1, Value::string("Lightweight M2M Client")),
      Resource::single(2, Value::string("345000123")),
      Resource::single(3, Value::string("1.0")),
      Resource::multiple(6, model::DataType::Integer, {{0, Value::integer(1)}, {1, Value::integer(5)}}),
      Resource::multiple(7, model::DataType::Integer, {{0, Value::integer(3800)}, {1, Value::integer(5000)}}),
      Resource::multiple(8, model::DataType::Integer, {{0, Value::integer(125)}, {1, Value::integer(900)}}),
      Resource::single(9, Value::integer(100)),
      Resource::single(10, Value::integer(15)),
      Resource::multiple(11, model::DataType::Integer, {{0, Value::integer(0)}}),
      Resource::single(13, Value::time(1367491215)),
      Resource::single(14, Value::string("+02:00")),
      Resource::single(16, Value::string("U")),
  });
}

TEST_F(TlvTest, DecodesSpecificationDeviceInstance) {
  auto node = decode(hex(kDeviceInstance), Path(3, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(*node, Node(deviceInstance()));
  const auto* i = node->objectInstance();
  EXPECT_EQ(i->resource(7)->instance(1)->asInteger(), 5000);
  EXPECT_EQ(i->resource(13)->value().type(), model::DataType::Time);
}

TEST_F(TlvTest, EncodesSpecificationDeviceInstanceByteForByte) {
  auto bytes = codec_.encode(Node(deviceInstance()), Path(3, 0), model_);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, hex(kDeviceInstance));
}

// Read /2, LwM2M 1.0 core 6.4.3.2 B (Access Control, two instances). The
// specification writes the second ACL as "86 02 41 7F 07 61 01 36 01": the
// header says 6 bytes where 7 follow. Corrected to 0x87.
TEST_F(TlvTest, DecodesAccessControlInstancesWithCorrectedAclLength) {
  auto node = decode(hex("08 00 0E C1 00 01 C1 01 00 83 02 41 7F 07 C1 03 7F"
                         "08 02 12 C1 00 03 C1 01 00 87 02 41 7F 07 61 01 36 01 C1 03 7F"),
                     Path(2));
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto* object = node->object();
  ASSERT_EQ(object->instances().size(), 2u);
  const auto* acl = object->instance(2)->resource(2);
  ASSERT_TRUE(acl->isMultiple());
  EXPECT_EQ(acl->instance(127)->asInteger(), 7);
  EXPECT_EQ(acl->instance(310)->asInteger(), 1);
  auto again = codec_.encode(*node, Path(2), model_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*decode(*again, Path(2)), *node);
}

// Read /1, LwM2M 1.0 core 6.4.3.2 C: the specification's object-instance
// header "08 00 0D" announces 13 bytes where the resources take 15.
TEST_F(TlvTest, DecodesServerInstanceWithCorrectedLength) {
  Bytes corrected = hex("08 00 0F C1 00 01 C4 01 00 01 51 80 C1 06 01 C1 07 55");
  auto node = decode(corrected, Path(1));
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto* server = node->object()->instance(0);
  EXPECT_EQ(server->resource(1)->value().asInteger(), 86400);
  EXPECT_TRUE(server->resource(6)->value().asBoolean());
  EXPECT_EQ(server->resource(7)->value().asString(), "U");
  auto spec = decode(hex("08 00 0D C1 00 01 C4 01 00 01 51 80 C1 06 01 C1 07 55"), Path(1));
  EXPECT_FALSE(spec.ok());
}

TEST_F(TlvTest, AcceptsEveryIntegerWidth) {
  EXPECT_EQ(decode(hex("C1 09 64"), Path(3, 0, 9))->resource()->value().asInteger(), 100);
  EXPECT_EQ(decode(hex("C2 09 FF 38"), Path(3, 0, 9))->resource()->value().asInteger(), -200);
  EXPECT_EQ(decode(hex("C4 09 00 01 00 00"), Path(3, 0, 9))->resource()->value().asInteger(), 65536);
  EXPECT_EQ(decode(hex("C8 09 08 00 00 00 01 00 00 00 00"), Path(3, 0, 9))->resource()->value().asInteger(),
            4294967296);
  auto three = decode(hex("C3 09 00 00 01"), Path(3, 0, 9));
  ASSERT_FALSE(three.ok());
  EXPECT_NE(three.error().message.find("1, 2, 4 or 8"), std::string::npos);
}

TEST_F(TlvTest, AcceptsFourAndEightByteFloats) {
  EXPECT_DOUBLE_EQ(decode(hex("C4 00 42 2E 00 00"), Path(6, 0, 0))->resource()->value().asFloat(), 43.5);
  EXPECT_DOUBLE_EQ(decode(hex("C8 00 08 40 45 C0 00 00 00 00 00"), Path(6, 0, 0))->resource()->value().asFloat(),
                   43.5);
  EXPECT_FALSE(decode(hex("C2 00 42 2E"), Path(6, 0, 0)).ok());
  auto bytes = codec_.encode(Node(Resource::single(0, Value::floating(43.5))), Path(6, 0, 0), model_);
  EXPECT_EQ(*bytes, hex("C4 00 42 2E 00 00"));
  bytes = codec_.encode(Node(Resource::single(0, Value::floating(0.1))), Path(6, 0, 0), model_);
  EXPECT_EQ(bytes->size(), 11u);  // header, id, length, 8 bytes
}

TEST_F(TlvTest, SingleInstanceObjectWithOrWithoutInstanceWrapper) {
  auto bare = decode(hex("C1 09 64 C1 10 55"), Path(3));
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->object()->instance(0)->resource(9)->value().asInteger(), 100);
  auto wrapped = decode(hex("06 00 C1 09 64 C1 10 55"), Path(3));
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(*bare, *wrapped);
  auto instance = decode(hex("06 00 C1 09 64 C1 10 55"), Path(3, 0));
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(instance->objectInstance()->resources().size(), 2u);
}

TEST_F(TlvTest, ResourceWrappedInInstanceTlv) {
  auto node = decode(hex("03 00 C1 09 64"), Path(3, 0, 9));
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->resource()->value().asInteger(), 100);
  EXPECT_FALSE(decode(hex("03 01 C1 09 64"), Path(3, 0, 9)).ok());
}

TEST_F(TlvTest, MultipleResourceWithZeroOrOneInstance) {
  auto empty = decode(hex("80 0B"), Path(3, 0, 11));
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE(empty->resource()->isMultiple());
  EXPECT_TRUE(empty->resource()->instances().empty());
  auto one = decode(hex("83 0B 41 00 00"), Path(3, 0, 11));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->resource()->instances().size(), 1u);
  auto bare = decode(hex("41 00 00"), Path(3, 0, 11));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, *one);
  EXPECT_EQ(*codec_.encode(*empty, Path(3, 0, 11), model_), hex("80 0B"));
  auto instance = decode(hex("83 0B 41 00 00"), Path(3, 0, 11, 0));
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(instance->resourceInstance()->value, Value::integer(0));
}

TEST_F(TlvTest, UnknownObjectKeepsRawBytes) {
  auto node = decode(hex("C3 01 01 02 03 83 02 41 00 AA"), Path(42000, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto* r = node->objectInstance()->resource(1);
  EXPECT_EQ(r->value(), Value::opaque({1, 2, 3}));
  EXPECT_EQ(r->value().toDisplayString(), "010203");
  EXPECT_EQ(*node->objectInstance()->resource(2)->instance(0), Value::opaque({0xAA}));
  EXPECT_EQ(*codec_.encode(*node, Path(42000, 0), model_), hex("C3 01 01 02 03 83 02 41 00 AA"));
}

TEST_F(TlvTest, EveryDataTypeRoundTrips) {
  model::ObjectDefinition def;
  def.id = 40000;
  model::DataType types[] = {model::DataType::String, model::DataType::Integer, model::DataType::UnsignedInteger,
                             model::DataType::Float, model::DataType::Boolean, model::DataType::Opaque,
                             model::DataType::Time, model::DataType::Objlnk, model::DataType::Corelnk};
  for (int k = 0; k < 9; ++k) {
    model::ResourceDefinition r;
    r.id = static_cast<model::ResourceId>(k);
    r.type = types[k];
    def.resources.emplace(r.id, r);
  }
  model_.add(def);
  model::ObjectInstance instance(3, std::vector<Resource>{
      Resource::single(0, Value::string("héllo")),
      Resource::single(1, Value::integer(-9000000000)),
      Resource::single(2, Value::unsignedInteger(18446744073709551615ull)),
      Resource::single(3, Value::floating(-1.25e-7)),
      Resource::single(4, Value::boolean(true)),
      Resource::single(5, Value::opaque({0, 0xFF, 0x10})),
      Resource::single(6, Value::time(1700000000)),
      Resource::single(7, Value::objectLink({3, 65535})),
      Resource::single(8, Value::coreLink("</3/0>;ver=1.1")),
  });
  auto bytes = codec_.encode(Node(instance), Path(40000, 3), model_);
  ASSERT_TRUE(bytes.ok());
  auto back = decode(*bytes, Path(40000, 3));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, Node(instance));
}

TEST_F(TlvTest, LongValuesUseWiderLengthFields) {
  std::string text(300, 'x');
  auto bytes = codec_.encode(Node(Resource::single(0, Value::string(text))), Path(3, 0, 0), model_);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[0], 0xD0);  // resource, 8-bit id, 16-bit length
  EXPECT_EQ(decode(*bytes, Path(3, 0, 0))->resource()->value().asString(), text);
  auto wide = codec_.encode(Node(Resource::single(5700, Value::floating(21.5))), Path(3303, 0, 5700), model_);
  EXPECT_EQ(*wide, hex("E4 16 44 41 AC 00 00"));
}

TEST_F(TlvTest, RejectsMalformedInputNamingOffset) {
  for (const char* bad : {"C8", "C8 00", "C8 00 05 41", "88 07 08 42 00 0E", "C1 09", "D8 00 00 FF"}) {
    auto node = decode(hex(bad), Path(3, 0));
    ASSERT_FALSE(node.ok()) << bad;
    EXPECT_NE(node.error().message.find("offset"), std::string::npos) << node.error().message;
  }
  EXPECT_FALSE(decode(hex("C1 01 01"), Path(3, 0, 9)).ok());  // wrong resource id
  EXPECT_FALSE(decode(hex("C1 09 64"), Path()).ok());
  EXPECT_FALSE(decode(hex("C1 04 02"), Path(3, 0, 1, 0)).ok());
}

}  // namespace
}  // namespace lwm2m::formats
