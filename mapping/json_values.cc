#include "mapping/json_values.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace lwm2m::mapping {

namespace {

Error wrongType(const model::Path& path, model::DataType type, std::string_view got) {
  return fail("value for " + path.toString() + " must be " + std::string(model::toString(type)) + ", got " +
              std::string(got));
}

Result<model::Bytes> decodeHex(std::string_view text) {
  if (text.size() % 2 != 0) return fail("odd number of hex digits");
  model::Bytes out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    unsigned byte = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, byte, 16);
    if (ec != std::errc() || end != text.data() + i + 2) return fail("'" + std::string(text) + "' is not hex");
    out.push_back(static_cast<std::uint8_t>(byte));
  }
  return out;
}

template <class T>
bool parseWhole(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool parseDouble(std::string_view text, double& out) {
  std::string copy(text);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size() && std::isfinite(out);
}

}  // namespace

void writeString(JsonWriter& out, std::string_view text) {
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void writeJsonValue(JsonWriter& out, const model::Value& value, OpaqueText opaque) {
  using model::DataType;
  switch (value.type()) {
    case DataType::None: out.Null(); return;
    case DataType::String:
    case DataType::Corelnk: writeString(out, model::toValidUtf8(value.asString())); return;
    case DataType::Integer:
    case DataType::Time: out.Int64(value.asInteger()); return;
    case DataType::UnsignedInteger: out.Uint64(value.asUnsigned()); return;
    case DataType::Float:
      if (std::isfinite(value.asFloat())) {
        out.Double(value.asFloat());
      } else {
        out.Null();
      }
      return;
    case DataType::Boolean: out.Bool(value.asBoolean()); return;
    case DataType::Opaque:
      writeString(out, opaque == OpaqueText::Hex ? model::toHex(value.asOpaque()) : model::encodeBase64(value.asOpaque()));
      return;
    case DataType::Objlnk: writeString(out, value.asObjectLink().toString()); return;
  }
}

model::Value applyTransform(const model::Value& value, const Transform& transform) {
  if (!transform.numeric()) return value;
  double v = 0;
  switch (value.type()) {
    case model::DataType::Integer: v = static_cast<double>(value.asInteger()); break;
    case model::DataType::UnsignedInteger: v = static_cast<double>(value.asUnsigned()); break;
    case model::DataType::Float: v = value.asFloat(); break;
    default: return value;
  }
  v = v * transform.scale + transform.offset;
  if (transform.round) {
    double factor = std::pow(10.0, *transform.round);
    v = std::round(v * factor) / factor;
    if (*transform.round == 0 && std::fabs(v) < 9.0e15) return model::Value::integer(static_cast<std::int64_t>(v));
  }
  return model::Value::floating(v);
}

Result<model::DataType> typeOfUnknown(const model::Path& path, const rapidjson::Value& json,
                                      const rapidjson::Value* declared) {
  using model::DataType;
  if (declared) {
    if (!declared->IsString()) return fail("\"type\" of " + path.toString() + " must be a string such as \"Integer\"");
    auto type = model::parseDataType(std::string_view(declared->GetString(), declared->GetStringLength()));
    if (!type || *type == DataType::None) {
      return fail("\"type\" of " + path.toString() + ": unknown data type \"" + std::string(declared->GetString()) +
                  "\" (String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk)");
    }
    return *type;
  }
  if (json.IsBool()) return DataType::Boolean;
  if (json.IsInt64()) return DataType::Integer;
  if (json.IsUint64()) return DataType::UnsignedInteger;
  if (json.IsNumber()) return DataType::Float;
  if (json.IsString()) return DataType::String;
  return fail("value for " + path.toString() + ": the object model does not know this resource, so its value must be " +
              "a number, a string or true/false, or come with a \"type\"");
}

model::DataType typeOfUnknownText(std::string_view text) {
  std::int64_t whole = 0;
  double number = 0;
  if (parseWhole(text, whole)) return model::DataType::Integer;
  if (parseDouble(text, number)) return model::DataType::Float;
  if (text == "true" || text == "false") return model::DataType::Boolean;
  return model::DataType::String;
}

Result<model::Value> valueFromText(std::string_view text, const model::Path& path, model::DataType type,
                                   OpaqueText opaque) {
  using model::DataType;
  using model::Value;
  switch (type) {
    case DataType::None: return fail("resource " + path.toString() + " takes no value");
    case DataType::String:
      if (!model::isValidUtf8(text)) return wrongType(path, type, "invalid UTF-8");
      return Value::string(std::string(text));
    case DataType::Corelnk: return Value::coreLink(std::string(text));
    case DataType::Integer:
    case DataType::Time: {
      std::int64_t v = 0;
      if (parseWhole(text, v)) return type == DataType::Time ? Value::time(v) : Value::integer(v);
      double d = 0;
      if (parseDouble(text, d) && d == std::trunc(d) && std::fabs(d) < 9.0e18) {
        auto whole = static_cast<std::int64_t>(d);
        return type == DataType::Time ? Value::time(whole) : Value::integer(whole);
      }
      return wrongType(path, type, "'" + std::string(text) + "'");
    }
    case DataType::UnsignedInteger: {
      std::uint64_t v = 0;
      if (parseWhole(text, v)) return Value::unsignedInteger(v);
      return wrongType(path, type, "'" + std::string(text) + "'");
    }
    case DataType::Float: {
      double d = 0;
      if (parseDouble(text, d)) return Value::floating(d);
      return wrongType(path, type, "'" + std::string(text) + "'");
    }
    case DataType::Boolean:
      if (text == "true" || text == "1") return Value::boolean(true);
      if (text == "false" || text == "0") return Value::boolean(false);
      return wrongType(path, type, "'" + std::string(text) + "'");
    case DataType::Opaque: {
      if (opaque == OpaqueText::Hex) {
        auto bytes = decodeHex(text);
        if (!bytes) return wrongType(path, type, bytes.error().message);
        return Value::opaque(std::move(*bytes));
      }
      auto bytes = model::decodeBase64(text);
      if (!bytes) return wrongType(path, type, "text that is not base64");
      return Value::opaque(std::move(*bytes));
    }
    case DataType::Objlnk: {
      auto link = model::ObjectLink::parse(text);
      if (!link) return wrongType(path, type, "'" + std::string(text) + "'");
      return Value::objectLink(*link);
    }
  }
  return wrongType(path, type, "an unsupported type");
}

Result<model::Value> valueFromJson(const rapidjson::Value& json, const model::Path& path, model::DataType type,
                                   OpaqueText opaque) {
  using model::DataType;
  if (json.IsString()) {
    return valueFromText(std::string_view(json.GetString(), json.GetStringLength()), path, type, opaque);
  }
  if (json.IsBool()) {
    if (type == DataType::Boolean) return model::Value::boolean(json.GetBool());
    return wrongType(path, type, "a boolean");
  }
  if (json.IsNumber()) {
    switch (type) {
      case DataType::Integer:
      case DataType::Time:
        if (json.IsInt64()) {
          return type == DataType::Time ? model::Value::time(json.GetInt64()) : model::Value::integer(json.GetInt64());
        }
        break;
      case DataType::UnsignedInteger:
        if (json.IsUint64()) return model::Value::unsignedInteger(json.GetUint64());
        break;
      case DataType::Float: return model::Value::floating(json.GetDouble());
      case DataType::Boolean:
        if (json.IsInt64() && (json.GetInt64() == 0 || json.GetInt64() == 1)) {
          return model::Value::boolean(json.GetInt64() == 1);
        }
        break;
      default: break;
    }
    if (json.IsDouble() && type != DataType::Float) {
      double d = json.GetDouble();
      if (d == std::trunc(d) && std::fabs(d) < 9.0e18 && (type == DataType::Integer || type == DataType::Time)) {
        return valueFromText(std::to_string(static_cast<std::int64_t>(d)), path, type, opaque);
      }
    }
    return wrongType(path, type, "the number " + toJsonText(json));
  }
  if (json.IsNull()) return wrongType(path, type, "null");
  return wrongType(path, type, json.IsArray() ? "an array" : "an object");
}

std::string toJsonText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lwm2m::mapping
