#include "lwm2m/coap/message.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace lwm2m::coap {

std::string_view messageTypeName(MessageType type) {
  switch (type) {
    case MessageType::Confirmable: return "CON";
    case MessageType::NonConfirmable: return "NON";
    case MessageType::Acknowledgement: return "ACK";
    case MessageType::Reset: return "RST";
  }
  return "???";
}

std::string Code::toString() const {
  // "c.dd": the class is 0-7, the detail 0-31 (every response carries one: no printf).
  const int d = detail();
  const char text[4] = {static_cast<char>('0' + codeClass()), '.', static_cast<char>('0' + d / 10),
                        static_cast<char>('0' + d % 10)};
  return std::string(text, sizeof text);
}

std::string_view codeName(Code code) {
  struct Entry {
    Code code;
    std::string_view name;
  };
  static constexpr Entry kNames[] = {
      {codes::Empty, "empty"},
      {codes::Get, "get"},
      {codes::Post, "post"},
      {codes::Put, "put"},
      {codes::Delete, "delete"},
      {codes::Fetch, "fetch"},
      {codes::Patch, "patch"},
      {codes::IPatch, "ipatch"},
      {codes::Created, "created"},
      {codes::Deleted, "deleted"},
      {codes::Valid, "valid"},
      {codes::Changed, "changed"},
      {codes::Content, "content"},
      {codes::Continue, "continue"},
      {codes::BadRequest, "bad_request"},
      {codes::Unauthorized, "unauthorized"},
      {codes::BadOption, "bad_option"},
      {codes::Forbidden, "forbidden"},
      {codes::NotFound, "not_found"},
      {codes::MethodNotAllowed, "method_not_allowed"},
      {codes::NotAcceptable, "not_acceptable"},
      {codes::RequestEntityIncomplete, "request_entity_incomplete"},
      {codes::Conflict, "conflict"},
      {codes::PreconditionFailed, "precondition_failed"},
      {codes::RequestEntityTooLarge, "request_entity_too_large"},
      {codes::UnsupportedContentFormat, "unsupported_content_format"},
      {codes::InternalServerError, "internal_server_error"},
      {codes::NotImplemented, "not_implemented"},
      {codes::BadGateway, "bad_gateway"},
      {codes::ServiceUnavailable, "service_unavailable"},
      {codes::GatewayTimeout, "gateway_timeout"},
      {codes::ProxyingNotSupported, "proxying_not_supported"},
  };
  for (const auto& entry : kNames) {
    if (entry.code == code) return entry.name;
  }
  return "unknown";
}

namespace option {

bool isCritical(std::uint16_t number) { return (number & 1u) != 0; }

bool isKnown(std::uint16_t number) {
  switch (number) {
    case IfMatch: case UriHost: case ETag: case IfNoneMatch: case Observe: case UriPort:
    case LocationPath: case UriPath: case ContentFormat: case MaxAge: case UriQuery:
    case Accept: case LocationQuery: case Block2: case Block1: case Size2: case ProxyUri:
    case ProxyScheme: case Size1: case NoResponse:
      return true;
    default:
      return false;
  }
}

bool isRepeatable(std::uint16_t number) {
  switch (number) {
    case IfMatch: case ETag: case LocationPath: case UriPath: case UriQuery:
    case LocationQuery:
      return true;
    default:
      return !isKnown(number);
  }
}

bool hasValidLength(std::uint16_t number, std::size_t length) {
  struct Range {
    std::size_t min;
    std::size_t max;
  };
  Range range{0, SIZE_MAX};
  switch (number) {
    case IfMatch: range = {0, 8}; break;
    case UriHost: range = {1, 255}; break;
    case ETag: range = {1, 8}; break;
    case IfNoneMatch: range = {0, 0}; break;
    case Observe: range = {0, 3}; break;
    case UriPort: range = {0, 2}; break;
    case LocationPath: range = {0, 255}; break;
    case UriPath: range = {0, 255}; break;
    case ContentFormat: range = {0, 2}; break;
    case MaxAge: range = {0, 4}; break;
    case UriQuery: range = {0, 255}; break;
    case Accept: range = {0, 2}; break;
    case LocationQuery: range = {0, 255}; break;
    case Block2: range = {0, 3}; break;
    case Block1: range = {0, 3}; break;
    case Size2: range = {0, 4}; break;
    case ProxyUri: range = {1, 1034}; break;
    case ProxyScheme: range = {1, 255}; break;
    case Size1: range = {0, 4}; break;
    case NoResponse: range = {0, 1}; break;
    default: break;
  }
  return length >= range.min && length <= range.max;
}

}  // namespace option

void Message::addOption(std::uint16_t number, OptionValue value) {
  // Insert after the last option with a number ≤ `number`: sorted and stable.
  auto at = std::upper_bound(options_.begin(), options_.end(), number,
                             [](std::uint16_t n, const Option& o) { return n < o.number; });
  options_.insert(at, Option{number, std::move(value)});
}

void Message::addOption(std::uint16_t number, std::string_view value) {
  addOption(number, OptionValue(value.begin(), value.end()));
}

void Message::addUintOption(std::uint16_t number, std::uint32_t value) {
  OptionValue bytes;
  for (int shift = 24; shift >= 0; shift -= 8) {
    auto byte = static_cast<std::uint8_t>(value >> shift);
    if (!bytes.empty() || byte != 0) bytes.push_back(byte);
  }
  addOption(number, std::move(bytes));
}

void Message::removeOptions(std::uint16_t number) {
  std::erase_if(options_, [number](const Option& o) { return o.number == number; });
}

const Option* Message::findOption(std::uint16_t number) const {
  auto at = std::lower_bound(options_.begin(), options_.end(), number,
                             [](const Option& o, std::uint16_t n) { return o.number < n; });
  if (at == options_.end() || at->number != number) return nullptr;
  return &*at;
}

std::optional<std::uint32_t> Message::uintOption(std::uint16_t number) const {
  const Option* found = findOption(number);
  if (found == nullptr || found->value.size() > 4) return std::nullopt;
  std::uint32_t value = 0;
  for (std::uint8_t byte : found->value) value = (value << 8) | byte;
  return value;
}

std::vector<std::string> Message::stringOptions(std::uint16_t number) const {
  std::vector<std::string> values;
  const auto named = [number](const Option& o) { return o.number == number; };
  values.reserve(static_cast<std::size_t>(std::count_if(options_.begin(), options_.end(), named)));
  for (const Option& o : options_) {
    if (o.number == number) values.emplace_back(o.value.begin(), o.value.end());
  }
  return values;
}

namespace {

void setPathOption(Message& message, std::uint16_t number, std::string_view path) {
  message.removeOptions(number);
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) message.addOption(number, segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
}

std::optional<std::uint16_t> uint16Option(const Message& message, std::uint16_t number) {
  auto value = message.uintOption(number);
  if (!value || *value > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

void replaceUintOption(Message& message, std::uint16_t number, std::uint32_t value) {
  message.removeOptions(number);
  message.addUintOption(number, value);
}

}  // namespace

std::vector<std::string> Message::uriPath() const { return stringOptions(option::UriPath); }
boost::container::small_vector<std::string_view, 4> Message::uriPathViews() const {
  boost::container::small_vector<std::string_view, 4> segments;
  for (const Option& o : options_) {
    if (o.number == option::UriPath) {
      segments.emplace_back(reinterpret_cast<const char*>(o.value.data()), o.value.size());
    }
  }
  return segments;
}
void Message::setUriPath(std::string_view path) { setPathOption(*this, option::UriPath, path); }
std::vector<std::string> Message::uriQuery() const { return stringOptions(option::UriQuery); }
void Message::addUriQuery(std::string_view query) { addOption(option::UriQuery, query); }
std::vector<std::string> Message::locationPath() const {
  return stringOptions(option::LocationPath);
}
void Message::setLocationPath(std::string_view path) {
  setPathOption(*this, option::LocationPath, path);
}

std::optional<std::uint16_t> Message::contentFormat() const {
  return uint16Option(*this, option::ContentFormat);
}
void Message::setContentFormat(std::uint16_t format) {
  replaceUintOption(*this, option::ContentFormat, format);
}
std::optional<std::uint16_t> Message::accept() const { return uint16Option(*this, option::Accept); }
void Message::setAccept(std::uint16_t format) { replaceUintOption(*this, option::Accept, format); }

std::optional<std::uint32_t> Message::observe() const {
  auto value = uintOption(option::Observe);
  if (!value || *value > 0xffffff) return std::nullopt;  // Observe is 0–3 bytes
  return value;
}
void Message::setObserve(std::uint32_t sequence) {
  replaceUintOption(*this, option::Observe, sequence & 0xffffff);
}

std::string Message::payloadString() const { return std::string(payload.begin(), payload.end()); }
void Message::setPayload(std::string_view text) { payload.assign(text.begin(), text.end()); }

std::string Message::describe() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(messageTypeName(type));
  text += ' ';
  text += code.toString();
  text += ' ';
  text += codeName(code);
  char mid[16];
  std::snprintf(mid, sizeof mid, " mid=0x%04x", messageId);
  text += mid;
  text += " token=";
  for (std::uint8_t byte : token) {
    text += kHex[byte >> 4];
    text += kHex[byte & 0xf];
  }
  text += ' ';
  for (const std::string& segment : uriPath()) {
    text += '/';
    text += segment;
  }
  for (const std::string& segment : locationPath()) {
    text += " loc:/";
    text += segment;
  }
  text += " (" + std::to_string(payload.size()) + " bytes)";
  return text;
}

Message Message::response(const Message& request, Code code) {
  Message reply;
  reply.code = code;
  reply.token = request.token;
  return reply;
}

Message Message::reply(Code code, std::string_view diagnostic) {
  Message m;
  m.code = code;
  m.setPayload(diagnostic);
  return m;
}

}  // namespace lwm2m::coap
