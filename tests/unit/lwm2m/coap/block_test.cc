#include "lwm2m/coap/block.h"

#include <gtest/gtest.h>

namespace lwm2m::coap {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(BlockTest, EncodesNumMoreAndSizeExponent) {
  Message m;
  setBlock(m, option::Block2, {0, false, 16});
  EXPECT_EQ(m.findOption(option::Block2)->value, OptionValue{});  // all zero → empty value
  setBlock(m, option::Block2, {0, true, 1024});
  EXPECT_EQ(m.findOption(option::Block2)->value, OptionValue{0x0e});
  setBlock(m, option::Block2, {1, false, 64});
  EXPECT_EQ(m.findOption(option::Block2)->value, OptionValue{0x12});
  setBlock(m, option::Block1, {300, true, 256});
  EXPECT_EQ(m.findOption(option::Block1)->value, (OptionValue{0x12, 0xcc}));
  setBlock(m, option::Block1, {(1u << 20) - 1, true, 512});
  EXPECT_EQ(m.findOption(option::Block1)->value, (OptionValue{0xff, 0xff, 0xfd}));
  EXPECT_EQ(m.stringOptions(option::Block1).size(), 1u);  // replaced, not added
}

TEST(BlockTest, RoundTripsEverySize) {
  for (std::uint16_t size = 16; size <= 1024; size = static_cast<std::uint16_t>(size * 2)) {
    Message m;
    BlockOption block{77, true, size};
    setBlock(m, option::Block2, block);
    EXPECT_EQ(parseBlock(m, option::Block2), block) << size;
  }
}

TEST(BlockTest, RoundsUnsupportedSizesDown) {
  Message m;
  setBlock(m, option::Block2, {2, false, 100});
  EXPECT_EQ(parseBlock(m, option::Block2)->size, 64);
  setBlock(m, option::Block2, {2, false, 4096});
  EXPECT_EQ(parseBlock(m, option::Block2)->size, 1024);
}

TEST(BlockTest, RejectsReservedSizeAndOverlongValue) {
  Message m;
  m.addOption(option::Block2, OptionValue{0x17});
  EXPECT_EQ(parseBlock(m, option::Block2), std::nullopt);
  Message longer;
  longer.addOption(option::Block1, OptionValue{0, 0, 0, 0x10});
  EXPECT_EQ(parseBlock(longer, option::Block1), std::nullopt);
  EXPECT_EQ(parseBlock(Message{}, option::Block1), std::nullopt);
}

TEST(BlockTest, ParsesPeerBlockOption) {
  Message m;
  m.addOption(option::Block1, OptionValue{0x01, 0x0a});  // num 16, more, 64 bytes
  auto block = parseBlock(m, option::Block1);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->num, 16u);
  EXPECT_TRUE(block->more);
  EXPECT_EQ(block->size, 64);
}

}  // namespace
}  // namespace lwm2m::coap
