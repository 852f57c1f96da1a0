#include "lwm2m/coap/message.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace lwm2m::coap {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(CodeTest, PacksClassAndDetail) {
  EXPECT_EQ(codes::Content.value, 0x45);
  EXPECT_EQ(codes::Content.codeClass(), 2);
  EXPECT_EQ(codes::Content.detail(), 5);
  EXPECT_EQ(codes::Content.toString(), "2.05");
  EXPECT_EQ(codes::NotFound.toString(), "4.04");
  EXPECT_EQ(codes::Continue.toString(), "2.31");
  EXPECT_EQ(codes::Get.toString(), "0.01");
}

TEST(CodeTest, Classification) {
  EXPECT_TRUE(codes::Empty.isEmpty());
  EXPECT_FALSE(codes::Empty.isRequest());
  EXPECT_TRUE(codes::Get.isRequest());
  EXPECT_TRUE(codes::IPatch.isRequest());
  EXPECT_FALSE(codes::Get.isResponse());
  EXPECT_TRUE(codes::Content.isResponse());
  EXPECT_TRUE(codes::Content.isSuccess());
  EXPECT_TRUE(codes::NotFound.isResponse());
  EXPECT_FALSE(codes::NotFound.isSuccess());
  EXPECT_TRUE(codes::ProxyingNotSupported.isResponse());
  EXPECT_FALSE(Code(1, 0).isResponse());
  EXPECT_FALSE(Code(7, 31).isResponse());
}

TEST(CodeTest, NamesInLowerSnakeCase) {
  EXPECT_EQ(codeName(codes::Content), "content");
  EXPECT_EQ(codeName(codes::NotFound), "not_found");
  EXPECT_EQ(codeName(codes::BadRequest), "bad_request");
  EXPECT_EQ(codeName(codes::Created), "created");
  EXPECT_EQ(codeName(codes::Changed), "changed");
  EXPECT_EQ(codeName(codes::Deleted), "deleted");
  EXPECT_EQ(codeName(codes::MethodNotAllowed), "method_not_allowed");
  EXPECT_EQ(codeName(codes::UnsupportedContentFormat), "unsupported_content_format");
  EXPECT_EQ(codeName(codes::ServiceUnavailable), "service_unavailable");
  EXPECT_EQ(codeName(Code(4, 31)), "unknown");
}

TEST(OptionTest, CriticalAndKnown) {
  EXPECT_TRUE(option::isCritical(option::UriPath));
  EXPECT_TRUE(option::isCritical(option::Block2));
  EXPECT_FALSE(option::isCritical(option::ContentFormat));
  EXPECT_FALSE(option::isCritical(option::Observe));
  EXPECT_TRUE(option::isKnown(option::NoResponse));
  EXPECT_FALSE(option::isKnown(9));
  EXPECT_TRUE(option::isRepeatable(option::UriQuery));
  EXPECT_FALSE(option::isRepeatable(option::ContentFormat));
}

TEST(OptionTest, ValueLengthRanges) {
  EXPECT_TRUE(option::hasValidLength(option::UriPath, 255));
  EXPECT_FALSE(option::hasValidLength(option::UriPath, 256));
  EXPECT_FALSE(option::hasValidLength(option::ETag, 0));
  EXPECT_FALSE(option::hasValidLength(option::ContentFormat, 3));
  EXPECT_FALSE(option::hasValidLength(option::Observe, 4));
  EXPECT_FALSE(option::hasValidLength(option::IfNoneMatch, 1));
  EXPECT_TRUE(option::hasValidLength(1000, 5000));
}

TEST(MessageTest, OptionsStaySortedAndRepeatableOnesKeepOrder) {
  Message m;
  m.addOption(option::UriQuery, "b=2");
  m.addOption(option::UriPath, "rd");
  m.addOption(option::UriQuery, "a=1");
  m.addOption(option::UriPath, "x");
  m.addUintOption(option::ContentFormat, 40);
  ASSERT_EQ(m.options().size(), 5u);
  EXPECT_EQ(m.options()[0].number, option::UriPath);
  EXPECT_EQ(m.options()[2].number, option::ContentFormat);
  EXPECT_EQ(m.uriPath(), (std::vector<std::string>{"rd", "x"}));
  EXPECT_EQ(m.uriQuery(), (std::vector<std::string>{"b=2", "a=1"}));
}

TEST(MessageTest, UintOptionsUseMinimalBytes) {
  Message m;
  m.addUintOption(option::MaxAge, 0);
  m.addUintOption(option::Size1, 0x1234);
  m.addUintOption(option::Size2, 0x01000000);
  EXPECT_EQ(m.findOption(option::MaxAge)->value, OptionValue{});
  EXPECT_EQ(m.findOption(option::Size1)->value, (OptionValue{0x12, 0x34}));
  EXPECT_EQ(m.findOption(option::Size2)->value, (OptionValue{1, 0, 0, 0}));
  EXPECT_EQ(m.uintOption(option::MaxAge), 0u);
  EXPECT_EQ(m.uintOption(option::Size1), 0x1234u);
  EXPECT_EQ(m.uintOption(option::Size2), 0x01000000u);
  EXPECT_EQ(m.uintOption(option::Accept), std::nullopt);
}

TEST(MessageTest, UriPathSplitsAndDropsEmptySegments) {
  Message m;
  m.setUriPath("/3/0/1");
  EXPECT_EQ(m.uriPath(), (std::vector<std::string>{"3", "0", "1"}));
  m.setUriPath("rd//abc/");
  EXPECT_EQ(m.uriPath(), (std::vector<std::string>{"rd", "abc"}));
  m.setUriPath("/");
  EXPECT_TRUE(m.uriPath().empty());
  m.setLocationPath("/rd/5a3f");
  EXPECT_EQ(m.locationPath(), (std::vector<std::string>{"rd", "5a3f"}));
}

TEST(MessageTest, UriPathViewsAreTheSegmentsInOrder) {
  Message m;
  m.setUriPath("/rd/5a3f0123456789abcdef");  // a segment longer than an inline option value
  m.setContentFormat(40);
  m.addUriQuery("lt=60");
  const auto views = m.uriPathViews();
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0], "rd");
  EXPECT_EQ(views[1], "5a3f0123456789abcdef");
  m.setUriPath("/");
  EXPECT_TRUE(m.uriPathViews().empty());
}

TEST(TokenTest, HoldsUpToEightBytesAndComparesThem) {
  static_assert(std::is_trivially_copyable_v<Token>);
  Token token{1, 2, 3};
  EXPECT_EQ(token.size(), 3u);
  EXPECT_EQ((std::vector<std::uint8_t>(token.begin(), token.end())), (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(token, (Token{1, 2, 3}));
  EXPECT_NE(token, (Token{1, 2}));
  EXPECT_NE(token, (Token{1, 2, 4}));
  EXPECT_LT((Token{1, 2}), token);
  EXPECT_LT(token, (Token{1, 3}));

  // Longer input keeps the first eight bytes (a valid token has no more).
  const std::vector<std::uint8_t> nine{9, 8, 7, 6, 5, 4, 3, 2, 1};
  Token cut(nine.begin(), nine.end());
  EXPECT_EQ(cut.size(), 8u);
  EXPECT_EQ(cut, (Token{9, 8, 7, 6, 5, 4, 3, 2}));
  cut.resize(12);
  EXPECT_EQ(cut.size(), 8u);

  // Growing fills with zero bytes, even where longer content was before.
  cut.resize(2);
  cut.resize(4);
  EXPECT_EQ(cut, (Token{9, 8, 0, 0}));
  EXPECT_EQ(Token(3), (Token{0, 0, 0}));
  cut.clear();
  EXPECT_TRUE(cut.empty());
  EXPECT_EQ(cut, Token{});
}

TEST(MessageTest, SingleValueConveniencesReplace) {
  Message m;
  m.setContentFormat(11543);
  m.setContentFormat(112);
  EXPECT_EQ(m.contentFormat(), 112);
  EXPECT_EQ(m.stringOptions(option::ContentFormat).size(), 1u);
  m.setAccept(0);
  EXPECT_EQ(m.accept(), 0);
  m.setObserve(7);
  EXPECT_EQ(m.observe(), 7u);
  m.removeOptions(option::Observe);
  EXPECT_EQ(m.observe(), std::nullopt);
  m.addUriQuery("ep=node1");
  EXPECT_EQ(m.uriQuery(), (std::vector<std::string>{"ep=node1"}));
}

TEST(MessageTest, ResponseCopiesToken) {
  Message request;
  request.type = MessageType::Confirmable;
  request.code = codes::Post;
  request.messageId = 99;
  request.token = {1, 2, 3};
  request.setUriPath("rd");
  Message reply = Message::response(request, codes::Created);
  EXPECT_EQ(reply.token, request.token);
  EXPECT_EQ(reply.code, codes::Created);
  EXPECT_TRUE(reply.options().empty());
  EXPECT_TRUE(reply.payload.empty());
}

TEST(MessageTest, PayloadStringAndDescribe) {
  Message m;
  m.code = codes::Get;
  m.messageId = 0x7d34;
  m.token = {0x20};
  m.setUriPath("temperature");
  m.setPayload("22.3 C");
  EXPECT_EQ(m.payloadString(), "22.3 C");
  EXPECT_EQ(m.describe(), "CON 0.01 get mid=0x7d34 token=20 /temperature (6 bytes)");
}

}  // namespace
}  // namespace lwm2m::coap
