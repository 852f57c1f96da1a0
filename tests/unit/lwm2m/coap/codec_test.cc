#include "lwm2m/coap/codec.h"

#include <string>

#include <gtest/gtest.h>

namespace lwm2m::coap {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::initializer_list<int> values, std::string_view tail = {}) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

std::string decodeError(const Bytes& datagram) {
  auto result = decode(datagram);
  if (result) return "decoded";
  return result.error().message;
}

// RFC 7252 Appendix A, Figure 16: CON GET /temperature, no token.
TEST(CodecTest, Rfc7252FigureSixteenRequest) {
  Message m;
  m.type = MessageType::Confirmable;
  m.code = codes::Get;
  m.messageId = 0x7d34;
  m.setUriPath("temperature");
  Bytes expected = bytes({0x40, 0x01, 0x7d, 0x34, 0xbb}, "temperature");
  EXPECT_EQ(encode(m), expected);
  auto decoded = decode(expected);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, m);
}

// Figure 16 response: ACK 2.05 "22.3 C" piggybacked.
TEST(CodecTest, Rfc7252FigureSixteenPiggybackedResponse) {
  Bytes wire = bytes({0x60, 0x45, 0x7d, 0x34, 0xff}, "22.3 C");
  auto decoded = decode(wire);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->type, MessageType::Acknowledgement);
  EXPECT_EQ(decoded->code, codes::Content);
  EXPECT_EQ(decoded->messageId, 0x7d34);
  EXPECT_TRUE(decoded->token.empty());
  EXPECT_EQ(decoded->payloadString(), "22.3 C");
  EXPECT_EQ(encode(*decoded), wire);
}

// Figure 17/18: the same exchange with a one-byte token 0x20.
TEST(CodecTest, Rfc7252RequestAndResponseWithToken) {
  Message request;
  request.code = codes::Get;
  request.messageId = 0x7d35;
  request.token = {0x20};
  request.setUriPath("temperature");
  EXPECT_EQ(encode(request), bytes({0x41, 0x01, 0x7d, 0x35, 0x20, 0xbb}, "temperature"));

  Message response = Message::response(request, codes::Content);
  response.type = MessageType::Acknowledgement;
  response.messageId = 0x7d35;
  response.setPayload("22.3 C");
  EXPECT_EQ(encode(response), bytes({0x61, 0x45, 0x7d, 0x35, 0x20, 0xff}, "22.3 C"));
}

// Figure 19 style separate response: CON 2.05 with token 0x71 and an empty ACK.
TEST(CodecTest, SeparateResponseAndEmptyAck) {
  Message ack;
  ack.type = MessageType::Acknowledgement;
  ack.messageId = 0x7d38;
  EXPECT_EQ(encode(ack), bytes({0x60, 0x00, 0x7d, 0x38}));
  auto decodedAck = decode(bytes({0x60, 0x00, 0x7d, 0x38}));
  ASSERT_TRUE(decodedAck);
  EXPECT_TRUE(decodedAck->code.isEmpty());

  auto separate = decode(bytes({0x41, 0x45, 0xad, 0x7b, 0x71, 0xff}, "22.3 C"));
  ASSERT_TRUE(separate);
  EXPECT_EQ(separate->type, MessageType::Confirmable);
  EXPECT_EQ(separate->messageId, 0xad7b);
  EXPECT_EQ(separate->token, Token{0x71});
}

TEST(CodecTest, LwM2MRegisterWithQueryAndContentFormat) {
  Message m;
  m.code = codes::Post;
  m.messageId = 1;
  m.token = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4};
  m.setUriPath("/rd");
  m.setContentFormat(40);
  m.addUriQuery("ep=a");
  m.setPayload("</3/0>");
  Bytes expected = bytes({0x48, 0x02, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4,
                          0xb2, 'r', 'd',          // Uri-Path (11)
                          0x11, 40,                // Content-Format (12), delta 1
                          0x34, 'e', 'p', '=', 'a',  // Uri-Query (15), delta 3
                          0xff},
                         "</3/0>");
  EXPECT_EQ(encode(m), expected);
  auto decoded = decode(expected);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, m);
}

TEST(CodecTest, RepeatableOptionsKeepOrderWithZeroDeltas) {
  Message m;
  m.code = codes::Get;
  m.setUriPath("a/b/c");
  Bytes expected = bytes({0x40, 0x01, 0, 0, 0xb1, 'a', 0x01, 'b', 0x01, 'c'});
  EXPECT_EQ(encode(m), expected);
  auto decoded = decode(expected);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->uriPath(), (std::vector<std::string>{"a", "b", "c"}));
}

struct Boundary {
  std::uint16_t number;
  Bytes header;  // option header bytes for an empty value
};

class OptionDeltaBoundaryTest : public ::testing::TestWithParam<Boundary> {};

TEST_P(OptionDeltaBoundaryTest, EncodesExtendedDelta) {
  Message m;
  m.code = codes::Get;
  m.addOption(GetParam().number, OptionValue{});
  Bytes expected = bytes({0x40, 0x01, 0, 0});
  expected.insert(expected.end(), GetParam().header.begin(), GetParam().header.end());
  EXPECT_EQ(encode(m), expected);
  auto decoded = decode(expected);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->options().size(), 1u);
  EXPECT_EQ(decoded->options()[0].number, GetParam().number);
}

INSTANTIATE_TEST_SUITE_P(
    Deltas, OptionDeltaBoundaryTest,
    ::testing::Values(Boundary{12, {0xc0}}, Boundary{13, {0xd0, 0x00}},
                      Boundary{14, {0xd0, 0x01}}, Boundary{268, {0xd0, 0xff}},
                      Boundary{269, {0xe0, 0x00, 0x00}}, Boundary{270, {0xe0, 0x00, 0x01}},
                      Boundary{65535, {0xe0, 0xfe, 0xf2}}));

class OptionLengthBoundaryTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(OptionLengthBoundaryTest, EncodesExtendedLength) {
  const std::size_t length = GetParam();
  Message m;
  m.code = codes::Post;
  m.addOption(option::UriQuery, OptionValue(length, 'q'));
  Bytes wire = encode(m);
  Bytes head;
  if (length < 13) {
    head = {static_cast<std::uint8_t>(0xf0 | length)};
  } else if (length < 269) {
    head = {0xfd, static_cast<std::uint8_t>(length - 13)};
  } else {
    head = {0xfe, static_cast<std::uint8_t>((length - 269) >> 8),
            static_cast<std::uint8_t>((length - 269) & 0xff)};
  }
  // Uri-Query is 15: delta nibble 13 needs one extension byte (15 - 13 = 2).
  head[0] = static_cast<std::uint8_t>(0xd0 | (head[0] & 0x0f));
  head.insert(head.begin() + 1, 0x02);
  ASSERT_GE(wire.size(), 4 + head.size() + length);
  EXPECT_EQ(Bytes(wire.begin() + 4, wire.begin() + 4 + static_cast<long>(head.size())), head);
  EXPECT_EQ(wire.size(), 4 + head.size() + length);
  auto decoded = decode(wire);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, m);
}

INSTANTIATE_TEST_SUITE_P(Lengths, OptionLengthBoundaryTest,
                         ::testing::Values(0u, 12u, 13u, 14u, 268u, 269u, 270u, 1034u, 65535u));

TEST(CodecTest, EmptyOptionsAndPayloadOnlyMessage) {
  Message m;
  m.type = MessageType::NonConfirmable;
  m.code = codes::Content;
  m.messageId = 0xffff;
  m.payload = {0x00};
  Bytes expected = bytes({0x50, 0x45, 0xff, 0xff, 0xff, 0x00});
  EXPECT_EQ(encode(m), expected);
  auto decoded = decode(expected);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, m);
}

TEST(CodecTest, ReservedCodeClassesDecodeForTheEndpointToReject) {
  auto decoded = decode(bytes({0x40, 0xe0, 0x12, 0x34}));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->code.codeClass(), 7);
}

TEST(CodecErrorTest, EveryMalformedDatagramIsNamed) {
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0x00})), "truncated header: 3 bytes < 4");
  EXPECT_EQ(decodeError(bytes({})), "truncated header: 0 bytes < 4");
  EXPECT_EQ(decodeError(bytes({0x80, 0x01, 0, 0})), "version 2 unsupported");
  EXPECT_EQ(decodeError(bytes({0x00, 0x01, 0, 0})), "version 0 unsupported");
  EXPECT_EQ(decodeError(bytes({0x49, 0x01, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})),
            "token length 9 > 8");
  EXPECT_EQ(decodeError(bytes({0x4f, 0x01, 0, 0})), "token length 15 > 8");
  EXPECT_EQ(decodeError(bytes({0x44, 0x01, 0, 0, 1, 2})), "truncated token: 2 of 4 bytes");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0xf0})), "option delta 15 reserved");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0x1f})), "option length 15 reserved");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0xd0})), "truncated option delta");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0xe0, 0x01})), "truncated option delta");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0x1d})), "truncated option length");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0x1e, 0x00})), "truncated option length");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0xb5, 'a', 'b'})),
            "truncated option value: option 11 needs 5 bytes, 2 left");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0xe0, 0xff, 0xff})),
            "option number 65804 too large");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0xe0, 0xfe, 0xf2, 0x10})),
            "option number 65536 too large");
  EXPECT_EQ(decodeError(bytes({0x40, 0x01, 0, 0, 0xff})), "payload marker with empty payload");
  EXPECT_EQ(decodeError(bytes({0x41, 0x00, 0, 0, 0x01})), "empty message with token");
  EXPECT_EQ(decodeError(bytes({0x40, 0x00, 0, 0, 0xff, 0x01})),
            "empty message with options or payload");
  EXPECT_EQ(decodeError(bytes({0x60, 0x00, 0, 0, 0xb1, 'a'})),
            "empty message with options or payload");
  EXPECT_EQ(decodeError(bytes({0x50, 0x00, 0, 0})), "empty message with type NON");
  EXPECT_EQ(decodeError(bytes({0x70, 0x45, 0, 0})), "reset message with code 2.05 (must be 0.00)");
  EXPECT_EQ(decodeError(bytes({0x60, 0x01, 0, 0})), "acknowledgement with request code 0.01");
}

TEST(CodecTest, PeekHeaderReadsFixedHeaderOfMalformedDatagram) {
  auto header = peekHeader(bytes({0x44, 0x01, 0x12, 0x34, 0x01}));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->type, MessageType::Confirmable);
  EXPECT_EQ(header->code, codes::Get);
  EXPECT_EQ(header->messageId, 0x1234);
  EXPECT_FALSE(peekHeader(bytes({0x44, 0x01, 0x12})));
  EXPECT_FALSE(peekHeader(bytes({0x84, 0x01, 0x12, 0x34})));
}

TEST(CodecTest, EncodeToAppendsToExistingBuffer) {
  Message m;
  m.type = MessageType::Reset;
  m.messageId = 0x0102;
  Bytes out = {0xaa};
  encodeTo(m, out);
  EXPECT_EQ(out, bytes({0xaa, 0x70, 0x00, 0x01, 0x02}));
}

}  // namespace
}  // namespace lwm2m::coap
