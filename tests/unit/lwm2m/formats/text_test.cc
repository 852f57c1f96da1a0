#include "lwm2m/formats/text.h"

#include <gtest/gtest.h>

#include "tests/unit/lwm2m/formats/format_test_util.h"

namespace lwm2m::formats {
namespace {

using model::Node;
using model::Path;
using model::Resource;
using model::Value;
using testing::bytesOf;
using testing::textOf;

class TextTest : public ::testing::Test {
 protected:
  Result<Node> decodeText(std::string_view text, const Path& path) const {
    return text_.decode(bytesOf(text), path, DecodeContext{model_});
  }
  std::string encodeText(const Value& value, const Path& path) const {
    auto bytes = text_.encode(Node(Resource::single(path.resourceId(), value)), path, model_);
    return bytes.ok() ? textOf(*bytes) : "error: " + bytes.error().message;
  }
  TextCodec text_;
  OpaqueCodec opaque_;
  model::ObjectModel model_ = model::ObjectModel::builtIn();
};

TEST_F(TextTest, DecodesByModelType) {
  EXPECT_EQ(decodeText("Open Mobile Alliance", Path(3, 0, 0))->resource()->value(),
            Value::string("Open Mobile Alliance"));
  EXPECT_EQ(decodeText("100", Path(3, 0, 9))->resource()->value(), Value::integer(100));
  EXPECT_EQ(decodeText("-5", Path(3, 0, 9))->resource()->value(), Value::integer(-5));
  EXPECT_EQ(decodeText("1367491215", Path(3, 0, 13))->resource()->value(), Value::time(1367491215));
  EXPECT_EQ(decodeText("43.918998", Path(6, 0, 0))->resource()->value(), Value::floating(43.918998));
  EXPECT_EQ(decodeText("1", Path(1, 0, 6))->resource()->value(), Value::boolean(true));
  EXPECT_EQ(decodeText("0", Path(1, 0, 6))->resource()->value(), Value::boolean(false));
  EXPECT_EQ(decodeText("11:0", Path(1, 0, 10))->resource()->value(), Value::objectLink({11, 0}));
  EXPECT_EQ(decodeText("AQID", Path(5, 0, 0))->resource()->value(), Value::opaque({1, 2, 3}));
  EXPECT_EQ(decodeText("42", Path(0, 1, 13))->resource()->value(), Value::unsignedInteger(42));
}

TEST_F(TextTest, InvalidUtf8InStringsIsReplacedNotRejected) {
  auto node = decodeText("Caf\xe9", Path(3, 0, 0));  // Latin-1 from an old client
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->resource()->value(), Value::string("Caf\xef\xbf\xbd"));
}

TEST_F(TextTest, DecodesResourceInstance) {
  auto node = decodeText("3800", Path(3, 0, 7, 0));
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->resourceInstance()->value, Value::integer(3800));
}

TEST_F(TextTest, UnknownResourceIsItsTextOrElseItsRawBytes) {
  auto node = decodeText("22.5", Path(42000, 0, 1));
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->resource()->value(), Value::string("22.5"));
  auto binary = decodeText("\xff\xfe", Path(42000, 0, 1));
  ASSERT_TRUE(binary.ok());
  EXPECT_EQ(binary->resource()->value(), Value::opaque({0xff, 0xfe}));
}

TEST_F(TextTest, RejectsValuesThatDoNotMatchTheType) {
  for (auto [text, path] : {std::pair{"abc", Path(3, 0, 9)}, {"1.5", Path(3, 0, 9)}, {"2", Path(1, 0, 6)},
                            {"true", Path(1, 0, 6)}, {"x", Path(6, 0, 0)}, {"3", Path(1, 0, 10)},
                            {"99999999999999999999", Path(3, 0, 9)}, {"-1", Path(0, 1, 13)}}) {
    auto node = decodeText(text, path);
    ASSERT_FALSE(node.ok()) << text;
    EXPECT_NE(node.error().message.find(path.toString()), std::string::npos);
  }
  EXPECT_FALSE(decodeText("1", Path(3, 0)).ok());
  EXPECT_FALSE(decodeText("1", Path(3, 0, 7)).ok());  // a multiple resource has no single text
}

TEST_F(TextTest, EncodesEveryType) {
  EXPECT_EQ(encodeText(Value::string("U"), Path(1, 0, 7)), "U");
  EXPECT_EQ(encodeText(Value::integer(-12), Path(3, 0, 9)), "-12");
  EXPECT_EQ(encodeText(Value::unsignedInteger(18446744073709551615ull), Path(0, 0, 13)), "18446744073709551615");
  EXPECT_EQ(encodeText(Value::floating(21.5), Path(3303, 0, 5700)), "21.5");
  EXPECT_EQ(encodeText(Value::floating(3), Path(3303, 0, 5700)), "3.0");
  EXPECT_EQ(encodeText(Value::boolean(true), Path(1, 0, 6)), "1");
  EXPECT_EQ(encodeText(Value::opaque({1, 2, 3}), Path(5, 0, 0)), "AQID");
  EXPECT_EQ(encodeText(Value::time(1700000000), Path(3, 0, 13)), "1700000000");
  EXPECT_EQ(encodeText(Value::objectLink({11, 0}), Path(1, 0, 10)), "11:0");
}

TEST_F(TextTest, EveryTextTypeRoundTrips) {
  std::pair<Value, Path> cases[] = {
      {Value::string("héllo, wörld"), Path(3, 0, 0)}, {Value::integer(-9000000000), Path(3, 0, 9)},
      {Value::unsignedInteger(7), Path(0, 0, 13)},   {Value::floating(0.1), Path(6, 0, 0)},
      {Value::boolean(false), Path(1, 0, 6)},        {Value::opaque({0, 0xFF}), Path(5, 0, 0)},
      {Value::time(-1), Path(3, 0, 13)},             {Value::objectLink({65535, 65535}), Path(1, 0, 10)},
  };
  for (const auto& [value, path] : cases) {
    auto node = decodeText(encodeText(value, path), path);
    ASSERT_TRUE(node.ok()) << path.toString();
    EXPECT_EQ(node->resource()->value(), value) << path.toString();
  }
}

TEST_F(TextTest, OpaqueCarriesRawBytes) {
  Bytes firmware = {0xDE, 0xAD, 0xBE, 0xEF};
  auto node = opaque_.decode(firmware, Path(5, 0, 0), DecodeContext{model_});
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->resource()->value(), Value::opaque(firmware));
  EXPECT_EQ(*opaque_.encode(*node, Path(5, 0, 0), model_), firmware);
  auto unknown = opaque_.decode(firmware, Path(42000, 0, 0), DecodeContext{model_});
  ASSERT_TRUE(unknown.ok());
  auto wrongType = opaque_.decode(firmware, Path(3, 0, 9), DecodeContext{model_});
  ASSERT_FALSE(wrongType.ok());
  EXPECT_NE(wrongType.error().message.find("Integer"), std::string::npos);
  EXPECT_FALSE(opaque_.encode(Node(Resource::single(9, Value::integer(1))), Path(3, 0, 9), model_).ok());
}

}  // namespace
}  // namespace lwm2m::formats
