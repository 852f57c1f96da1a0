#include "lwm2m/formats/cbor.h"

#include <cmath>

#include <gtest/gtest.h>

#include "tests/unit/lwm2m/formats/format_test_util.h"

namespace lwm2m::formats::cbor {
namespace {

using formats::testing::hex;

Item decodeHex(const char* text) {
  auto item = decode(hex(text));
  EXPECT_TRUE(item.ok()) << text << ": " << (item.ok() ? "" : item.error().message);
  return item.ok() ? *item : Item{};
}

// RFC 8949 Appendix A examples.
TEST(Cbor, DecodesRfcIntegers) {
  EXPECT_EQ(decodeHex("00").number, 0u);
  EXPECT_EQ(decodeHex("17").number, 23u);
  EXPECT_EQ(decodeHex("1818").number, 24u);
  EXPECT_EQ(decodeHex("1903e8").number, 1000u);
  EXPECT_EQ(decodeHex("1a000f4240").number, 1000000u);
  EXPECT_EQ(decodeHex("1b000000e8d4a51000").number, 1000000000000u);
  EXPECT_EQ(decodeHex("1bffffffffffffffff").number, 18446744073709551615u);
  Item minus = decodeHex("3903e7");
  EXPECT_EQ(minus.kind, Kind::Negative);
  EXPECT_EQ(minus.number, 999u);  // -1000
}

TEST(Cbor, DecodesRfcFloatsOfEveryWidth) {
  EXPECT_EQ(decodeHex("f90000").floating, 0.0);
  EXPECT_EQ(decodeHex("f93c00").floating, 1.0);
  EXPECT_EQ(decodeHex("f93e00").floating, 1.5);
  EXPECT_EQ(decodeHex("f97bff").floating, 65504.0);
  EXPECT_EQ(decodeHex("f90001").floating, 5.960464477539063e-8);
  EXPECT_EQ(decodeHex("f90400").floating, 0.00006103515625);
  EXPECT_EQ(decodeHex("f9c400").floating, -4.0);
  EXPECT_TRUE(std::isinf(decodeHex("f97c00").floating));
  EXPECT_TRUE(std::isnan(decodeHex("f97e00").floating));
  EXPECT_EQ(decodeHex("fa47c35000").floating, 100000.0);
  EXPECT_EQ(decodeHex("fa7f7fffff").floating, 3.4028234663852886e+38);
  EXPECT_EQ(decodeHex("fb3ff199999999999a").floating, 1.1);
  EXPECT_EQ(decodeHex("fb7e37e43c8800759c").floating, 1.0e+300);
}

TEST(Cbor, DecodesRfcStringsContainersAndTags) {
  EXPECT_EQ(decodeHex("6449455446").string, "IETF");
  EXPECT_EQ(decodeHex("62c3bc").string, "\xc3\xbc");
  EXPECT_EQ(decodeHex("4401020304").string, std::string("\x01\x02\x03\x04", 4));
  Item nested = decodeHex("8301820203820405");
  ASSERT_EQ(nested.items.size(), 3u);
  EXPECT_EQ(nested.items[2].items[1].number, 5u);
  Item map = decodeHex("a26161016162820203");
  ASSERT_EQ(map.mapSize(), 2u);
  EXPECT_EQ(map.items[2].string, "b");
  Item tag = decodeHex("c11a514b67b0");
  EXPECT_EQ(tag.kind, Kind::Tag);
  EXPECT_EQ(tag.number, 1u);
  EXPECT_EQ(tag.items[0].number, 1363896240u);
  EXPECT_EQ(decodeHex("f5").boolean, true);
  EXPECT_EQ(decodeHex("f6").kind, Kind::Null);
  EXPECT_EQ(decodeHex("f8ff").number, 255u);
}

TEST(Cbor, DecodesRfcIndefiniteLengths) {
  EXPECT_EQ(decodeHex("5f42010243030405ff").string, std::string("\x01\x02\x03\x04\x05", 5));
  EXPECT_EQ(decodeHex("7f657374726561646d696e67ff").string, "streaming");
  EXPECT_TRUE(decodeHex("9fff").items.empty());
  Item list = decodeHex("9f018202039f0405ffff");
  ASSERT_EQ(list.items.size(), 3u);
  EXPECT_EQ(list.items[2].items.size(), 2u);
  Item map = decodeHex("bf61610161629f0203ffff");
  EXPECT_EQ(map.mapSize(), 2u);
}

TEST(Cbor, RejectsMalformedInputWithOffset) {
  for (const char* bad : {"", "18", "1c", "62c3", "8301", "a1 01", "ff", "5f 01 ff", "9f 01", "0000",
                          "9b ff ff ff ff ff ff ff ff", "bf 01 ff", "c1", "f8 10", "fc"}) {
    auto item = decode(hex(bad));
    ASSERT_FALSE(item.ok()) << bad;
    EXPECT_NE(item.error().message.find("offset"), std::string::npos) << item.error().message;
  }
  EXPECT_FALSE(decode(hex("62 c3 28")).ok());          // invalid UTF-8 in a text string
  EXPECT_FALSE(decode(hex("7f 61 c3 61 bc ff")).ok());  // a chunk may not split a UTF-8 sequence (RFC 8949 3.2.3)
  std::string deep(20, '\x81');
  deep += '\x00';
  EXPECT_FALSE(decode(formats::testing::bytesOf(deep)).ok());
}

TEST(Cbor, WritesShortestHeads) {
  Writer w;
  w.unsignedInteger(23);
  w.unsignedInteger(24);
  w.unsignedInteger(1000);
  w.integer(-1000);
  w.unsignedInteger(18446744073709551615u);
  w.text("IETF");
  w.arrayHeader(0);
  w.mapHeader(2);
  EXPECT_EQ(w.take(), hex("17 1818 1903e8 3903e7 1bffffffffffffffff 6449455446 80 a2"));
}

TEST(Cbor, WritesFloatsAsSingleWhenExact) {
  Writer w;
  w.floating(100000.0);
  w.floating(1.1);
  w.floating(1e300);
  EXPECT_EQ(w.take(), hex("fa47c35000 fb3ff199999999999a fb7e37e43c8800759c"));
}

}  // namespace
}  // namespace lwm2m::formats::cbor
