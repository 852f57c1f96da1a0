// Every data type through every format that can carry it, via the registry,
// and the choice of format per client.
#include <gtest/gtest.h>

#include "lwm2m/formats/format_registry.h"
#include "tests/unit/lwm2m/formats/format_test_util.h"

namespace lwm2m::formats {
namespace {

using model::DataType;
using model::Node;
using model::Path;
using model::Resource;
using model::Value;

constexpr model::ObjectId kTestObject = 40000;

// An object with one resource of each type (resource id = position below),
// plus a multiple Integer resource 20.
model::ObjectModel modelWithEveryType() {
  model::ObjectModel model = model::ObjectModel::builtIn();
  model::ObjectDefinition def;
  def.id = kTestObject;
  def.name = "Every type";
  def.multipleInstances = true;
  DataType types[] = {DataType::String, DataType::Integer, DataType::UnsignedInteger, DataType::Float,
                      DataType::Boolean, DataType::Opaque, DataType::Time, DataType::Objlnk, DataType::Corelnk};
  for (int k = 0; k < 9; ++k) {
    model::ResourceDefinition r;
    r.id = static_cast<model::ResourceId>(k);
    r.type = types[k];
    def.resources.emplace(r.id, r);
  }
  model::ResourceDefinition multiple;
  multiple.id = 20;
  multiple.type = DataType::Integer;
  multiple.multiple = true;
  def.resources.emplace(20, multiple);
  model.add(def);
  return model;
}

std::vector<Value> everyValue() {
  return {Value::string("héllo \"world\""), Value::integer(-9000000000), Value::unsignedInteger(18446744073709551615ull),
          Value::floating(-1.25e-7), Value::boolean(true), Value::opaque({0, 0xFF, 0x10, 0x80}),
          Value::time(1700000000), Value::objectLink({3, 65535}), Value::coreLink("</3/0>;ver=1.1,</1/0>")};
}

class RoundTrip : public ::testing::TestWithParam<ContentFormat> {
 protected:
  const FormatRegistry& registry_ = FormatRegistry::standard();
  model::ObjectModel model_ = modelWithEveryType();
};

TEST_P(RoundTrip, EverySingleValue) {
  ContentFormat format = GetParam();
  auto values = everyValue();
  for (size_t k = 0; k < values.size(); ++k) {
    if (format == kOpaque && values[k].type() != DataType::Opaque) continue;
    Path path(kTestObject, 1, static_cast<model::ResourceId>(k));
    Node node(Resource::single(path.resourceId(), values[k]));
    auto bytes = registry_.encode(format, node, path, model_);
    ASSERT_TRUE(bytes.ok()) << contentFormatName(format) << " " << path.toString() << ": " << bytes.error().message;
    auto back = registry_.decode(format, *bytes, path, DecodeContext{model_, 0});
    ASSERT_TRUE(back.ok()) << contentFormatName(format) << " " << path.toString() << ": " << back.error().message;
    EXPECT_EQ(*back, node) << contentFormatName(format) << " " << path.toString();
  }
}

// Formats that carry trees (text and opaque carry one value only).
class TreeRoundTrip : public RoundTrip {};

TEST_P(TreeRoundTrip, WholeInstanceObjectAndResourceInstance) {
  ContentFormat format = GetParam();
  std::vector<Resource> resources;
  auto values = everyValue();
  for (size_t k = 0; k < values.size(); ++k) resources.push_back(Resource::single(static_cast<model::ResourceId>(k), values[k]));
  resources.push_back(Resource::multiple(20, DataType::Integer, {{0, Value::integer(1)}, {7, Value::integer(-7)}}));
  Node instance(model::ObjectInstance(2, resources));
  auto bytes = registry_.encode(format, instance, Path(kTestObject, 2), model_);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto back = registry_.decode(format, *bytes, Path(kTestObject, 2), DecodeContext{model_, 0});
  ASSERT_TRUE(back.ok()) << contentFormatName(format) << ": " << back.error().message;
  EXPECT_EQ(*back, instance) << contentFormatName(format);

  Node object(model::Object(kTestObject, std::vector<model::ObjectInstance>{*instance.objectInstance()}));
  auto objectBytes = registry_.encode(format, object, Path(kTestObject), model_);
  ASSERT_TRUE(objectBytes.ok());
  auto objectBack = registry_.decode(format, *objectBytes, Path(kTestObject), DecodeContext{model_, 0});
  ASSERT_TRUE(objectBack.ok()) << contentFormatName(format) << ": " << objectBack.error().message;
  EXPECT_EQ(*objectBack, object) << contentFormatName(format);

  Path ri(kTestObject, 2, 20, 7);
  Node one(model::ResourceInstance{7, Value::integer(-7)});
  auto riBytes = registry_.encode(format, one, ri, model_);
  ASSERT_TRUE(riBytes.ok());
  auto riBack = registry_.decode(format, *riBytes, ri, DecodeContext{model_, 0});
  ASSERT_TRUE(riBack.ok()) << contentFormatName(format) << ": " << riBack.error().message;
  EXPECT_EQ(*riBack, one);
}

std::string formatTestName(const ::testing::TestParamInfo<ContentFormat>& info) {
  std::string out;
  for (char c : contentFormatName(info.param)) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip,
                         ::testing::Values(kText, kOpaque, kTlv, kLwm2mJson, kSenmlJson, kSenmlCbor, kLwm2mCbor),
                         formatTestName);
INSTANTIATE_TEST_SUITE_P(Formats, TreeRoundTrip,
                         ::testing::Values(kTlv, kLwm2mJson, kSenmlJson, kSenmlCbor, kLwm2mCbor), formatTestName);

TEST(FormatRegistry, LegacyNumbersAndCapabilities) {
  const FormatRegistry& r = FormatRegistry::standard();
  EXPECT_EQ(r.nodeDecoder(kLegacyTlv), r.nodeDecoder(kTlv));
  EXPECT_EQ(r.nodeDecoder(kLegacyJson), r.nodeDecoder(kLwm2mJson));
  EXPECT_NE(r.multiNodeDecoder(kSenmlCbor), nullptr);
  EXPECT_NE(r.multiNodeDecoder(kLwm2mCbor), nullptr);
  EXPECT_EQ(r.multiNodeDecoder(kTlv), nullptr);
  EXPECT_NE(r.timestampedDecoder(kSenmlJson), nullptr);
  EXPECT_NE(r.pathCodec(kSenmlCbor), nullptr);
  EXPECT_FALSE(r.supports(kLinkFormat));
  model::ObjectModel model;
  auto error = r.decodeNodes(kTlv, {}, nullptr, DecodeContext{model, 0});
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().message.find("11542"), std::string::npos);
  EXPECT_FALSE(r.decode(60, {}, Path(3, 0), DecodeContext{model, 0}).ok());
}

TEST(ContentFormat, PreferredFormatPerClient) {
  EXPECT_EQ(preferredContentFormat("1.0", {}), kTlv);
  EXPECT_EQ(preferredContentFormat("", {kSenmlJson}), kTlv);  // no version: 1.0
  EXPECT_EQ(preferredContentFormat("1.1", {}), kSenmlCbor);
  EXPECT_EQ(preferredContentFormat("1.1", {kText, kOpaque}), kSenmlCbor);
  EXPECT_EQ(preferredContentFormat("1.1", {kSenmlJson}), kSenmlJson);
  EXPECT_EQ(preferredContentFormat("1.1", {kLwm2mCbor, kSenmlCbor}), kSenmlCbor);  // LwM2M CBOR is 1.2
  EXPECT_EQ(preferredContentFormat("1.2", {kLwm2mCbor}), kLwm2mCbor);
  EXPECT_EQ(preferredContentFormat("1.2", {}), kSenmlCbor);
  EXPECT_EQ(preferredContentFormat("1.1", {kLegacyTlv}), kTlv);
  EXPECT_EQ(compositeContentFormat("1.0", {}), std::nullopt);
  EXPECT_EQ(compositeContentFormat("1.1", {kSenmlJson}), kSenmlJson);
  EXPECT_EQ(compositeContentFormat("1.1", {}), kSenmlCbor);
  EXPECT_EQ(parseContentFormatList("110 112 x 11543"), (std::vector<ContentFormat>{110, 112, 11543}));
  EXPECT_EQ(parseContentFormatList("\"110 112\""), (std::vector<ContentFormat>{110, 112}));
  EXPECT_EQ(contentFormatName(1542), "LwM2M TLV");
}

}  // namespace
}  // namespace lwm2m::formats
