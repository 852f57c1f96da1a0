#pragma once
// CoAP datagram encoding and decoding (RFC 7252 §3). decode() never throws and
// never reads past the span; an error names what was wrong with the datagram.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lwm2m/coap/message.h"
#include "lwm2m/result.h"

namespace lwm2m::coap {

// Limits enforced by both directions.
inline constexpr std::size_t kMaxTokenLength = 8;
inline constexpr std::size_t kMaxOptionValueLength = 65535 + 269;

// Precondition: token ≤ 8 bytes, option values ≤ kMaxOptionValueLength
// (violations are clamped, never silently produce a different message ID).
std::vector<std::uint8_t> encode(const Message& message);
// Appends the encoding to `out` (lets callers reuse a buffer).
void encodeTo(const Message& message, std::vector<std::uint8_t>& out);

// A datagram held without allocation up to 16 bytes: an empty ACK or RST, or
// a short response (2.04 Changed to an Update), as kept for duplicate replay.
using ShortDatagram = boost::container::small_vector<std::uint8_t, 16>;
void encodeTo(const Message& message, ShortDatagram& out);

// Errors: "truncated header", "version 2 unsupported", "token length 9 > 8",
// "truncated token", "option delta 15 reserved", "option length 15 reserved",
// "truncated option …", "option number … too large", "payload marker with
// empty payload", "empty message with code …", "empty message with token",
// "empty message with options or payload", ...
Result<Message> decode(std::span<const std::uint8_t> datagram);

struct Header {
  MessageType type;
  Code code;
  std::uint16_t messageId;
};

// The fixed 4-byte header if the datagram is long enough and has version 1;
// used to answer a malformed CON with RST.
std::optional<Header> peekHeader(std::span<const std::uint8_t> datagram);

}  // namespace lwm2m::coap
