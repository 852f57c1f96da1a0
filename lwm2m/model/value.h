#pragma once
// Value: one typed LwM2M resource value. Every LwM2M data type is here; a
// value of an unknown resource type (TLV or opaque payload for an object we
// have no definition of) is kept as Opaque raw bytes.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::model {

using Bytes = std::vector<std::uint8_t>;

enum class DataType : std::uint8_t {
  None,             // executable resources carry no value
  String,
  Integer,
  UnsignedInteger,
  Float,
  Boolean,
  Opaque,
  Time,             // seconds since the Unix epoch, signed
  Objlnk,           // "objectId:instanceId"
  Corelnk,          // a CoRE link-format string
};

// The LwM2M name ("Integer", "Unsigned Integer", "Objlnk", ...).
std::string_view toString(DataType type);
// Parses the names used in OMA DDF files; case-insensitive, tolerant of
// "Object link"/"Objlnk", "Unsigned Integer"/"unsigned". Empty means None.
Result<DataType> parseDataType(std::string_view name);

struct ObjectLink {
  std::uint16_t objectId = 0;
  std::uint16_t instanceId = 0;
  friend auto operator<=>(const ObjectLink&, const ObjectLink&) = default;
  std::string toString() const;  // "3:0"
  // Parses "o:i" with both ids in 0..65535 (65535:65535 is the null link).
  static Result<ObjectLink> parse(std::string_view text);
};

class Value {
 public:
  Value() = default;  // None
  static Value string(std::string text);
  static Value integer(std::int64_t v);
  static Value unsignedInteger(std::uint64_t v);
  static Value floating(double v);
  static Value boolean(bool v);
  static Value opaque(Bytes bytes);
  static Value time(std::int64_t secondsSinceEpoch);
  static Value objectLink(ObjectLink link);
  static Value coreLink(std::string links);

  DataType type() const { return type_; }
  bool isNone() const { return type_ == DataType::None; }

  // Accessors. Precondition: type() matches (String and Corelnk share
  // asString; Integer and Time share asInteger).
  const std::string& asString() const { return std::get<std::string>(data_); }
  std::int64_t asInteger() const { return std::get<std::int64_t>(data_); }
  std::uint64_t asUnsigned() const { return std::get<std::uint64_t>(data_); }
  double asFloat() const { return std::get<double>(data_); }
  bool asBoolean() const { return std::get<bool>(data_); }
  const Bytes& asOpaque() const { return std::get<Bytes>(data_); }
  std::int64_t asTime() const { return std::get<std::int64_t>(data_); }
  ObjectLink asObjectLink() const { return std::get<ObjectLink>(data_); }

  // A human-readable rendering: numbers in decimal, booleans true/false,
  // Opaque as lowercase hex, Objlnk as "o:i".
  std::string toDisplayString() const;

  friend bool operator==(const Value& a, const Value& b) {
    return a.type_ == b.type_ && a.data_ == b.data_;
  }

 private:
  using Data = std::variant<std::monostate, std::string, std::int64_t, std::uint64_t, double,
                            bool, Bytes, ObjectLink>;
  // Builds the alternative in place (no temporary variant to move from).
  template <class T>
  Value(DataType type, std::in_place_type_t<T> tag, T v) : type_(type), data_(tag, std::move(v)) {}
  DataType type_ = DataType::None;
  Data data_;
};

// Converts a value to the type a definition declares, when the conversion
// loses nothing (Integer 3 -> Float 3.0, Integer -> Time, String -> Corelnk,
// Float 2.0 -> Integer 2). Anything else is an error naming both types.
Result<Value> convertValue(const Value& value, DataType target);

// Helpers shared by the text-based formats.
std::string toHex(const Bytes& bytes);
std::string encodeBase64(const Bytes& bytes);
// Accepts standard and URL-safe alphabets, with or without padding.
Result<Bytes> decodeBase64(std::string_view text);
// UTF-8 checks for String values: isValidUtf8 is strict (no overlongs,
// surrogates or code points above U+10FFFF); toValidUtf8 replaces each
// invalid sequence with U+FFFD, as formats without a validity rule need.
bool isValidUtf8(std::string_view text);
std::string toValidUtf8(std::string_view text);
// Shortest decimal text that reads back to the same double ("21.5", "3").
std::string formatFloat(double v);

}  // namespace lwm2m::model
