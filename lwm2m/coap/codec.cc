#include "lwm2m/coap/codec.h"

#include <algorithm>
#include <string>

namespace lwm2m::coap {

namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kPayloadMarker = 0xff;

// Option delta/length nibble and its extension bytes (RFC 7252 §3.1).
struct Extended {
  std::uint8_t nibble;
  std::uint8_t extraBytes;
  std::uint16_t extra;
};

Extended extend(std::size_t value) {
  if (value < 13) return {static_cast<std::uint8_t>(value), 0, 0};
  if (value < 269) return {13, 1, static_cast<std::uint16_t>(value - 13)};
  return {14, 2, static_cast<std::uint16_t>(value - 269)};
}

template <class Out>
void appendExtra(Out& out, const Extended& e) {
  if (e.extraBytes == 2) out.push_back(static_cast<std::uint8_t>(e.extra >> 8));
  if (e.extraBytes >= 1) out.push_back(static_cast<std::uint8_t>(e.extra & 0xff));
}

std::string str(std::size_t n) { return std::to_string(n); }

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::size_t left() const { return bytes_.size() - pos_; }
  std::uint8_t peek() const { return bytes_[pos_]; }
  std::uint8_t byte() { return bytes_[pos_++]; }
  std::span<const std::uint8_t> take(std::size_t n) {
    auto part = bytes_.subspan(pos_, n);
    pos_ += n;
    return part;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

// Reads the extension of a delta or length nibble. `what` is "delta" or "length".
Result<std::size_t> readExtended(Reader& in, std::uint8_t nibble, const char* what) {
  switch (nibble) {
    case 13:
      if (in.left() < 1) return fail(std::string("truncated option ") + what);
      return std::size_t{13} + in.byte();
    case 14: {
      if (in.left() < 2) return fail(std::string("truncated option ") + what);
      std::size_t high = in.byte();
      std::size_t low = in.byte();
      return std::size_t{269} + ((high << 8) | low);
    }
    case 15:
      return fail(std::string("option ") + what + " 15 reserved");
    default:
      return std::size_t{nibble};
  }
}

Result<void> checkTypeAndCode(MessageType type, Code code) {
  if (code.isEmpty()) {
    if (type == MessageType::NonConfirmable) return fail("empty message with type NON");
    return {};
  }
  if (type == MessageType::Reset) {
    return fail("reset message with code " + code.toString() + " (must be 0.00)");
  }
  if (type == MessageType::Acknowledgement && code.isRequest()) {
    return fail("acknowledgement with request code " + code.toString());
  }
  return {};
}

template <class Out>
void encodeInto(const Message& message, Out& out) {
  std::size_t tokenLength = std::min(message.token.size(), kMaxTokenLength);
  out.push_back(static_cast<std::uint8_t>((kVersion << 6) |
                                          (static_cast<std::uint8_t>(message.type) << 4) |
                                          tokenLength));
  out.push_back(message.code.value);
  out.push_back(static_cast<std::uint8_t>(message.messageId >> 8));
  out.push_back(static_cast<std::uint8_t>(message.messageId & 0xff));
  out.insert(out.end(), message.token.begin(), message.token.begin() + static_cast<long>(tokenLength));

  std::uint16_t previous = 0;
  for (const Option& o : message.options()) {
    std::size_t length = std::min(o.value.size(), kMaxOptionValueLength);
    Extended delta = extend(static_cast<std::size_t>(o.number - previous));
    Extended len = extend(length);
    out.push_back(static_cast<std::uint8_t>((delta.nibble << 4) | len.nibble));
    appendExtra(out, delta);
    appendExtra(out, len);
    out.insert(out.end(), o.value.begin(), o.value.begin() + static_cast<long>(length));
    previous = o.number;
  }
  if (!message.payload.empty()) {
    out.push_back(kPayloadMarker);
    out.insert(out.end(), message.payload.begin(), message.payload.end());
  }
}

}  // namespace

void encodeTo(const Message& message, std::vector<std::uint8_t>& out) { encodeInto(message, out); }
void encodeTo(const Message& message, ShortDatagram& out) { encodeInto(message, out); }

std::vector<std::uint8_t> encode(const Message& message) {
  std::vector<std::uint8_t> out;
  std::size_t optionBytes = 0;
  for (const Option& o : message.options()) optionBytes += o.value.size() + 5;
  out.reserve(4 + message.token.size() + optionBytes + 1 + message.payload.size());
  encodeTo(message, out);
  return out;
}

std::optional<Header> peekHeader(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < 4 || (datagram[0] >> 6) != kVersion) return std::nullopt;
  return Header{static_cast<MessageType>((datagram[0] >> 4) & 0x03),
                Code::fromByte(datagram[1]),
                static_cast<std::uint16_t>((datagram[2] << 8) | datagram[3])};
}

constexpr std::size_t kUsualOptionCount = 4;

Result<Message> decode(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < 4) return fail("truncated header: " + str(datagram.size()) + " bytes < 4");
  Reader in(datagram);
  std::uint8_t first = in.byte();
  if ((first >> 6) != kVersion) return fail("version " + str(first >> 6) + " unsupported");
  Message message;
  message.type = static_cast<MessageType>((first >> 4) & 0x03);
  std::size_t tokenLength = first & 0x0f;
  message.code = Code::fromByte(in.byte());
  std::uint8_t midHigh = in.byte();
  message.messageId = static_cast<std::uint16_t>((midHigh << 8) | in.byte());
  if (tokenLength > kMaxTokenLength) return fail("token length " + str(tokenLength) + " > 8");
  if (auto check = checkTypeAndCode(message.type, message.code); !check) return check.error();

  if (message.code.isEmpty()) {
    if (tokenLength != 0) return fail("empty message with token");
    if (in.left() != 0) return fail("empty message with options or payload");
    return message;
  }
  if (in.left() < tokenLength) {
    return fail("truncated token: " + str(in.left()) + " of " + str(tokenLength) + " bytes");
  }
  auto token = in.take(tokenLength);
  message.token.assign(token.begin(), token.end());

  std::size_t number = 0;
  // Most messages carry a few options (Uri-Path segments, Content-Format):
  // room for them at once instead of growing the vector option by option.
  if (in.left() > 0 && in.peek() != kPayloadMarker) message.reserveOptions(kUsualOptionCount);
  while (in.left() > 0 && in.peek() != kPayloadMarker) {
    std::uint8_t head = in.byte();
    auto delta = readExtended(in, head >> 4, "delta");
    if (!delta) return delta.error();
    auto length = readExtended(in, head & 0x0f, "length");
    if (!length) return length.error();
    number += *delta;
    if (number > 0xffff) return fail("option number " + str(number) + " too large");
    if (in.left() < *length) {
      return fail("truncated option value: option " + str(number) + " needs " + str(*length) +
                  " bytes, " + str(in.left()) + " left");
    }
    auto value = in.take(*length);
    message.addOption(static_cast<std::uint16_t>(number),
                      OptionValue(value.begin(), value.end()));
  }
  if (in.left() > 0) {
    in.byte();  // payload marker
    if (in.left() == 0) return fail("payload marker with empty payload");
    auto payload = in.take(in.left());
    message.payload.assign(payload.begin(), payload.end());
  }
  return message;
}

}  // namespace lwm2m::coap
