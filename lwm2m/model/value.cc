#include "lwm2m/model/value.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace lwm2m::model {
namespace {

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string_view toString(DataType type) {
  switch (type) {
    case DataType::None: return "none";
    case DataType::String: return "String";
    case DataType::Integer: return "Integer";
    case DataType::UnsignedInteger: return "Unsigned Integer";
    case DataType::Float: return "Float";
    case DataType::Boolean: return "Boolean";
    case DataType::Opaque: return "Opaque";
    case DataType::Time: return "Time";
    case DataType::Objlnk: return "Objlnk";
    case DataType::Corelnk: return "Corelnk";
  }
  return "unknown";
}

Result<DataType> parseDataType(std::string_view name) {
  std::string n = lower(name);
  if (n.empty() || n == "none") return DataType::None;
  if (n == "string") return DataType::String;
  if (n == "integer") return DataType::Integer;
  if (n == "unsignedinteger" || n == "unsigned") return DataType::UnsignedInteger;
  if (n == "float") return DataType::Float;
  if (n == "boolean") return DataType::Boolean;
  if (n == "opaque") return DataType::Opaque;
  if (n == "time") return DataType::Time;
  if (n == "objlnk" || n == "objectlink") return DataType::Objlnk;
  if (n == "corelnk" || n == "corelink") return DataType::Corelnk;
  return fail("unknown data type \"" + std::string(name) + "\"");
}

std::string ObjectLink::toString() const {
  return std::to_string(objectId) + ":" + std::to_string(instanceId);
}

Result<ObjectLink> ObjectLink::parse(std::string_view text) {
  auto colon = text.find(':');
  auto bad = [&] { return fail("invalid object link \"" + std::string(text.substr(0, 32)) + "\""); };
  if (colon == std::string_view::npos) return bad();
  auto number = [](std::string_view part, std::uint16_t& out) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || v > 65535) {
      return false;
    }
    out = static_cast<std::uint16_t>(v);
    return true;
  };
  ObjectLink link;
  if (!number(text.substr(0, colon), link.objectId) ||
      !number(text.substr(colon + 1), link.instanceId)) {
    return bad();
  }
  return link;
}

Value Value::string(std::string text) {
  return Value(DataType::String, std::in_place_type<std::string>, std::move(text));
}
Value Value::integer(std::int64_t v) { return Value(DataType::Integer, std::in_place_type<std::int64_t>, v); }
Value Value::unsignedInteger(std::uint64_t v) {
  return Value(DataType::UnsignedInteger, std::in_place_type<std::uint64_t>, v);
}
Value Value::floating(double v) { return Value(DataType::Float, std::in_place_type<double>, v); }
Value Value::boolean(bool v) { return Value(DataType::Boolean, std::in_place_type<bool>, v); }
Value Value::opaque(Bytes bytes) { return Value(DataType::Opaque, std::in_place_type<Bytes>, std::move(bytes)); }
Value Value::time(std::int64_t seconds) { return Value(DataType::Time, std::in_place_type<std::int64_t>, seconds); }
Value Value::objectLink(ObjectLink link) { return Value(DataType::Objlnk, std::in_place_type<ObjectLink>, link); }
Value Value::coreLink(std::string links) {
  return Value(DataType::Corelnk, std::in_place_type<std::string>, std::move(links));
}

std::string Value::toDisplayString() const {
  switch (type_) {
    case DataType::None: return "";
    case DataType::String:
    case DataType::Corelnk: return asString();
    case DataType::Integer:
    case DataType::Time: return std::to_string(asInteger());
    case DataType::UnsignedInteger: return std::to_string(asUnsigned());
    case DataType::Float: return formatFloat(asFloat());
    case DataType::Boolean: return asBoolean() ? "true" : "false";
    case DataType::Opaque: return toHex(asOpaque());
    case DataType::Objlnk: return asObjectLink().toString();
  }
  return "";
}

Result<Value> convertValue(const Value& value, DataType target) {
  DataType from = value.type();
  if (from == target) return value;
  auto mismatch = [&] {
    return fail("cannot use a " + std::string(toString(from)) + " value as " +
                std::string(toString(target)));
  };
  switch (target) {
    case DataType::Integer:
    case DataType::Time: {
      std::int64_t v = 0;
      if (from == DataType::Integer || from == DataType::Time) {
        v = value.asInteger();
      } else if (from == DataType::UnsignedInteger) {
        if (value.asUnsigned() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return mismatch();
        }
        v = static_cast<std::int64_t>(value.asUnsigned());
      } else if (from == DataType::Float) {
        double d = value.asFloat();
        if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) || std::trunc(d) != d) {
          return mismatch();
        }
        v = static_cast<std::int64_t>(d);
      } else {
        return mismatch();
      }
      return target == DataType::Time ? Value::time(v) : Value::integer(v);
    }
    case DataType::UnsignedInteger: {
      if (from == DataType::Integer || from == DataType::Time) {
        if (value.asInteger() < 0) return mismatch();
        return Value::unsignedInteger(static_cast<std::uint64_t>(value.asInteger()));
      }
      if (from == DataType::Float) {
        double d = value.asFloat();
        if (!(d >= 0 && d < 1.8446744073709552e19) || std::trunc(d) != d) return mismatch();
        return Value::unsignedInteger(static_cast<std::uint64_t>(d));
      }
      return mismatch();
    }
    case DataType::Float:
      if (from == DataType::Integer || from == DataType::Time) {
        return Value::floating(static_cast<double>(value.asInteger()));
      }
      if (from == DataType::UnsignedInteger) {
        return Value::floating(static_cast<double>(value.asUnsigned()));
      }
      return mismatch();
    case DataType::String:
      if (from == DataType::Corelnk) return Value::string(value.asString());
      return mismatch();
    case DataType::Corelnk:
      if (from == DataType::String) return Value::coreLink(value.asString());
      return mismatch();
    case DataType::Objlnk:
      if (from == DataType::String) {
        auto link = ObjectLink::parse(value.asString());
        if (!link) return link.error();
        return Value::objectLink(*link);
      }
      return mismatch();
    default:
      return mismatch();
  }
}

std::string toHex(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::string encodeBase64(const Bytes& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(kBase64[(n >> 6) & 63]);
    out.push_back(kBase64[n & 63]);
  }
  if (i < bytes.size()) {
    std::uint32_t n = bytes[i] << 16;
    if (i + 1 < bytes.size()) n |= bytes[i + 1] << 8;
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<Bytes> decodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return fail("invalid base64: bad length");
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int d = base64Digit(c);
    if (d < 0) return fail("invalid base64: unexpected character");
    acc = (acc << 6) | static_cast<std::uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

namespace {

// Length of the valid UTF-8 sequence at text[pos], or 0 when invalid.
size_t utf8SequenceLength(std::string_view text, size_t pos) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(pos);
  if (c < 0x80) return 1;
  size_t n = (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
  if (n == 0 || pos + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(pos + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char second = byte(pos + 1);
  if (c == 0xE0 && second < 0xA0) return 0;  // overlong
  if (c == 0xED && second > 0x9F) return 0;  // surrogate
  if (c == 0xF0 && second < 0x90) return 0;  // overlong
  if (c == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
  return n;
}

}  // namespace

bool isValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    size_t n = utf8SequenceLength(text, pos);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

std::string toValidUtf8(std::string_view text) {
  if (isValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t pos = 0; pos < text.size();) {
    size_t n = utf8SequenceLength(text, pos);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++pos;
    } else {
      out.append(text.substr(pos, n));
      pos += n;
    }
  }
  return out;
}

std::string formatFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  std::string out(buffer, end);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

}  // namespace lwm2m::model
