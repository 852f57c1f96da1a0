#include "lwm2m/model/value.h"

#include <gtest/gtest.h>

#include "lwm2m/model/node.h"

namespace lwm2m::model {
namespace {

TEST(Value, EveryTypeKeepsItsValue) {
  EXPECT_EQ(Value::string("x").asString(), "x");
  EXPECT_EQ(Value::integer(-3).asInteger(), -3);
  EXPECT_EQ(Value::unsignedInteger(18446744073709551615ull).asUnsigned(), 18446744073709551615ull);
  EXPECT_EQ(Value::floating(2.5).asFloat(), 2.5);
  EXPECT_TRUE(Value::boolean(true).asBoolean());
  EXPECT_EQ(Value::opaque({1, 2}).asOpaque(), (Bytes{1, 2}));
  EXPECT_EQ(Value::time(1700000000).asTime(), 1700000000);
  EXPECT_EQ(Value::objectLink({3, 0}).asObjectLink(), (ObjectLink{3, 0}));
  EXPECT_EQ(Value::coreLink("</3>").asString(), "</3>");
  EXPECT_TRUE(Value().isNone());
  EXPECT_NE(Value::integer(5), Value::time(5));  // same number, different type
  EXPECT_NE(Value::string("a"), Value::coreLink("a"));
}

TEST(Value, DisplayStrings) {
  EXPECT_EQ(Value::opaque({0xDE, 0xAD}).toDisplayString(), "dead");
  EXPECT_EQ(Value::floating(21.5).toDisplayString(), "21.5");
  EXPECT_EQ(Value::floating(3).toDisplayString(), "3.0");
  EXPECT_EQ(Value::boolean(false).toDisplayString(), "false");
  EXPECT_EQ(Value::objectLink({65535, 65535}).toDisplayString(), "65535:65535");
}

TEST(Value, ConvertsOnlyWithoutLoss) {
  EXPECT_EQ(*convertValue(Value::integer(3), DataType::Float), Value::floating(3));
  EXPECT_EQ(*convertValue(Value::floating(2), DataType::Integer), Value::integer(2));
  EXPECT_EQ(*convertValue(Value::integer(7), DataType::Time), Value::time(7));
  EXPECT_EQ(*convertValue(Value::integer(7), DataType::UnsignedInteger), Value::unsignedInteger(7));
  EXPECT_EQ(*convertValue(Value::string("3:1"), DataType::Objlnk), Value::objectLink({3, 1}));
  EXPECT_FALSE(convertValue(Value::floating(2.5), DataType::Integer).ok());
  EXPECT_FALSE(convertValue(Value::integer(-1), DataType::UnsignedInteger).ok());
  EXPECT_FALSE(convertValue(Value::floating(1e300), DataType::Integer).ok());
  auto bad = convertValue(Value::string("x"), DataType::Boolean);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "cannot use a String value as Boolean");
}

TEST(Value, Base64BothAlphabets) {
  EXPECT_EQ(encodeBase64({0xDE, 0xAD, 0xBE, 0xEF}), "3q2+7w==");
  EXPECT_EQ(*decodeBase64("3q2+7w=="), (Bytes{0xDE, 0xAD, 0xBE, 0xEF}));
  EXPECT_EQ(*decodeBase64("3q2-7w"), (Bytes{0xDE, 0xAD, 0xBE, 0xEF}));
  EXPECT_EQ(*decodeBase64(""), Bytes{});
  EXPECT_FALSE(decodeBase64("a").ok());
  EXPECT_FALSE(decodeBase64("ab$d").ok());
}

TEST(Value, ParsesDdfTypeNames) {
  EXPECT_EQ(*parseDataType("Unsigned Integer"), DataType::UnsignedInteger);
  EXPECT_EQ(*parseDataType("Objlnk"), DataType::Objlnk);
  EXPECT_EQ(*parseDataType("Corelnk"), DataType::Corelnk);
  EXPECT_EQ(*parseDataType(""), DataType::None);
  EXPECT_FALSE(parseDataType("Decimal").ok());
  EXPECT_FALSE(ObjectLink::parse("3").ok());
  EXPECT_FALSE(ObjectLink::parse("3:65536").ok());
}

TEST(Node, CopiesShareChildrenAndCompareByValue) {
  ObjectInstance instance(0, std::vector<Resource>{
      Resource::single(0, Value::string("ACME")),
      Resource::multiple(7, DataType::Integer, {{0, Value::integer(3800)}}),
  });
  Object object(3, std::vector<ObjectInstance>{instance});
  Node a(object);
  Node b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.object()->instances(), &b.object()->instances());  // shared, not copied
  EXPECT_EQ(a.depth(), 1);
  EXPECT_EQ(a.id(), 3);
  EXPECT_EQ(*findValue(a, Path(3), Path(3, 0, 7, 0)), Value::integer(3800));
  EXPECT_EQ(*findValue(a, Path(3), Path(3, 0, 0)), Value::string("ACME"));
  EXPECT_EQ(findValue(a, Path(3), Path(3, 0, 7)), nullptr);
  EXPECT_EQ(findValue(a, Path(3), Path(4, 0, 0)), nullptr);
  EXPECT_NE(Node(Resource::multiple(7, DataType::Integer, {})), Node(Resource::single(7, Value::integer(1))));
}

}  // namespace
}  // namespace lwm2m::model

namespace lwm2m::model {
namespace {

TEST(Utf8, ValidatesAndRepairs) {
  EXPECT_TRUE(isValidUtf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(isValidUtf8("\xc3"));
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_EQ(toValidUtf8("caf\xe9!"), "caf\xef\xbf\xbd!");
  EXPECT_EQ(toValidUtf8("ok"), "ok");
}

}  // namespace
}  // namespace lwm2m::model
