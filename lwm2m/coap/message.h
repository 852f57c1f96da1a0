#pragma once
// CoAP message model (RFC 7252 §3, §5.10, §12): type, code, message ID, token,
// options (kept sorted by number, repeatable ones in insertion order) and
// payload. Pure value type: no I/O; it allocates for its option list, its
// payload and values larger than Token/OptionValue hold inline.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// GCC 12 cannot tell that a small_vector's inline copy stays within its
// buffer and warns (-Wstringop-overread) where our code moves one.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#include <boost/container/small_vector.hpp>
#pragma GCC diagnostic pop
#else
#include <boost/container/small_vector.hpp>
#endif

#include "lwm2m/coap/token.h"

namespace lwm2m::coap {

// An option value: held in the message itself up to 14 bytes, so that
// decoding a typical request or notification (its Uri-Path segments,
// Content-Format, Observe) allocates nothing for them. Larger option values
// (Uri-Query, Proxy-Uri) go to the heap as in a std::vector. The token
// (lwm2m/coap/token.h) is always held in place.
using OptionValue = boost::container::small_vector<std::uint8_t, 14>;

// The bytes of an OptionValue, for what takes a span.
template <std::size_t N>
std::span<const std::uint8_t> view(const boost::container::small_vector<std::uint8_t, N>& bytes) {
  return {bytes.data(), bytes.size()};
}

enum class MessageType : std::uint8_t {
  Confirmable = 0,
  NonConfirmable = 1,
  Acknowledgement = 2,
  Reset = 3,
};

std::string_view messageTypeName(MessageType type);  // "CON", "NON", "ACK", "RST"

// Code c.dd packed as (class << 5) | detail.
struct Code {
  std::uint8_t value = 0;

  constexpr Code() = default;
  constexpr Code(std::uint8_t cls, std::uint8_t detail)
      : value(static_cast<std::uint8_t>(((cls & 0x07u) << 5) | (detail & 0x1fu))) {}
  static constexpr Code fromByte(std::uint8_t byte) {
    Code code;
    code.value = byte;
    return code;
  }

  int codeClass() const { return value >> 5; }
  int detail() const { return value & 0x1f; }
  bool isEmpty() const { return value == 0; }
  bool isRequest() const { return codeClass() == 0 && !isEmpty(); }
  bool isResponse() const { return codeClass() >= 2 && codeClass() <= 5; }
  bool isSuccess() const { return codeClass() == 2; }
  std::string toString() const;  // "2.05"

  friend bool operator==(Code, Code) = default;
};

namespace codes {
inline constexpr Code Empty{0, 0};
inline constexpr Code Get{0, 1};
inline constexpr Code Post{0, 2};
inline constexpr Code Put{0, 3};
inline constexpr Code Delete{0, 4};
inline constexpr Code Fetch{0, 5};
inline constexpr Code Patch{0, 6};
inline constexpr Code IPatch{0, 7};
inline constexpr Code Created{2, 1};
inline constexpr Code Deleted{2, 2};
inline constexpr Code Valid{2, 3};
inline constexpr Code Changed{2, 4};
inline constexpr Code Content{2, 5};
inline constexpr Code Continue{2, 31};
inline constexpr Code BadRequest{4, 0};
inline constexpr Code Unauthorized{4, 1};
inline constexpr Code BadOption{4, 2};
inline constexpr Code Forbidden{4, 3};
inline constexpr Code NotFound{4, 4};
inline constexpr Code MethodNotAllowed{4, 5};
inline constexpr Code NotAcceptable{4, 6};
inline constexpr Code RequestEntityIncomplete{4, 8};
inline constexpr Code Conflict{4, 9};
inline constexpr Code PreconditionFailed{4, 12};
inline constexpr Code RequestEntityTooLarge{4, 13};
inline constexpr Code UnsupportedContentFormat{4, 15};
inline constexpr Code InternalServerError{5, 0};
inline constexpr Code NotImplemented{5, 1};
inline constexpr Code BadGateway{5, 2};
inline constexpr Code ServiceUnavailable{5, 3};
inline constexpr Code GatewayTimeout{5, 4};
inline constexpr Code ProxyingNotSupported{5, 5};
}  // namespace codes

// Lower snake case of the RFC name ("content", "not_found", "get"), "unknown" otherwise.
std::string_view codeName(Code code);

namespace option {
inline constexpr std::uint16_t IfMatch = 1;
inline constexpr std::uint16_t UriHost = 3;
inline constexpr std::uint16_t ETag = 4;
inline constexpr std::uint16_t IfNoneMatch = 5;
inline constexpr std::uint16_t Observe = 6;
inline constexpr std::uint16_t UriPort = 7;
inline constexpr std::uint16_t LocationPath = 8;
inline constexpr std::uint16_t UriPath = 11;
inline constexpr std::uint16_t ContentFormat = 12;
inline constexpr std::uint16_t MaxAge = 14;
inline constexpr std::uint16_t UriQuery = 15;
inline constexpr std::uint16_t Accept = 17;
inline constexpr std::uint16_t LocationQuery = 20;
inline constexpr std::uint16_t Block2 = 23;
inline constexpr std::uint16_t Block1 = 27;
inline constexpr std::uint16_t Size2 = 28;
inline constexpr std::uint16_t ProxyUri = 35;
inline constexpr std::uint16_t ProxyScheme = 39;
inline constexpr std::uint16_t Size1 = 60;
inline constexpr std::uint16_t NoResponse = 258;

// Odd option numbers are critical (RFC 7252 §5.4.6).
bool isCritical(std::uint16_t number);
// One of the options listed above.
bool isKnown(std::uint16_t number);
// Allowed to occur more than once in one message.
bool isRepeatable(std::uint16_t number);
// Whether a value of `length` bytes is within the RFC 7252 §5.10 / RFC 7959 /
// RFC 7641 range for a known option (unknown options: always true). An option
// with a length outside its range is to be treated like an unknown option.
bool hasValidLength(std::uint16_t number, std::size_t length);
}  // namespace option

struct Option {
  std::uint16_t number = 0;
  OptionValue value;

  friend bool operator==(const Option&, const Option&) = default;
};

class Message {
 public:
  MessageType type = MessageType::Confirmable;
  Code code;
  std::uint16_t messageId = 0;
  Token token;
  std::vector<std::uint8_t> payload;

  // Options sorted by number; options with the same number keep insertion order.
  const std::vector<Option>& options() const { return options_; }
  void addOption(std::uint16_t number, OptionValue value);
  void addOption(std::uint16_t number, std::string_view value);
  void addUintOption(std::uint16_t number, std::uint32_t value);  // minimal bytes, 0 → empty
  void reserveOptions(std::size_t count) { options_.reserve(count); }
  void removeOptions(std::uint16_t number);
  const Option* findOption(std::uint16_t number) const;  // first one, nullptr if absent
  // nullopt if absent or longer than 4 bytes.
  std::optional<std::uint32_t> uintOption(std::uint16_t number) const;
  std::vector<std::string> stringOptions(std::uint16_t number) const;

  std::vector<std::string> uriPath() const;
  // The Uri-Path segments as views into this message's options: valid while
  // the message lives and its options are unchanged. No allocation for up
  // to four segments (what the Registration Interface and Send use).
  boost::container::small_vector<std::string_view, 4> uriPathViews() const;
  // "/3/0/1" or "rd/abc" → segments; empty segments dropped; replaces any Uri-Path.
  void setUriPath(std::string_view path);
  std::vector<std::string> uriQuery() const;
  void addUriQuery(std::string_view query);
  std::vector<std::string> locationPath() const;
  void setLocationPath(std::string_view path);
  std::optional<std::uint16_t> contentFormat() const;
  void setContentFormat(std::uint16_t format);
  std::optional<std::uint16_t> accept() const;
  void setAccept(std::uint16_t format);
  std::optional<std::uint32_t> observe() const;
  void setObserve(std::uint32_t sequence);
  std::string payloadString() const;
  void setPayload(std::string_view text);

  // "CON 0.01 GET mid=0x7d34 token=20 /temperature (0 bytes)": for logs.
  std::string describe() const;

  // A response to `request`: copies the token; type and message ID are left to the endpoint.
  static Message response(const Message& request, Code code);
  // A reply with `code` and, per RFC 7252 §5.5.2, a diagnostic payload telling a
  // human what was wrong (none when empty); the endpoint fills in the rest.
  static Message reply(Code code, std::string_view diagnostic = {});

  friend bool operator==(const Message&, const Message&) = default;

 private:
  std::vector<Option> options_;
};

}  // namespace lwm2m::coap
