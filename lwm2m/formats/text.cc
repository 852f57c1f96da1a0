#include "lwm2m/formats/text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace lwm2m::formats {
namespace {

using model::DataType;
using model::Node;
using model::Path;
using model::Value;

// The single value a text or opaque payload carries, wrapped in the node
// type the path asks for.
Result<Node> wrap(const Path& path, Value value, const model::ObjectModel& model, const char* format) {
  if (path.isResourceInstance()) return Node(model::ResourceInstance{path.resourceInstanceId(), std::move(value)});
  if (!path.isResource()) {
    return fail(std::string(format) + ": only a resource or resource instance can be carried, not " + path.toString());
  }
  const auto* def = model.findResource(path.objectId(), path.resourceId());
  if (def && def->multiple) {
    return fail(std::string(format) + ": " + path.toString() + " is a multiple resource");
  }
  return Node(model::Resource::single(path.resourceId(), std::move(value)));
}

// The single value of a node, for encoding.
Result<Value> singleValue(const Node& node, const Path& path, const char* format) {
  if (node.depth() != path.depth()) return fail(std::string(format) + ": node does not match path " + path.toString());
  if (const auto* ri = node.resourceInstance()) return ri->value;
  if (const auto* r = node.resource(); r && !r->isMultiple()) return r->value();
  return fail(std::string(format) + ": only a single value can be encoded, not " + path.toString());
}

template <class T>
bool parseNumber(std::string_view text, T& out) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

Result<Value> parseText(std::string_view text, DataType type, const Path& path) {
  auto bad = [&](const char* what) {
    return fail("text: " + path.toString() + ": \"" + std::string(text.substr(0, 40)) + "\" is not " + what);
  };
  switch (type) {
    case DataType::String: return Value::string(model::toValidUtf8(text));
    case DataType::Corelnk: return Value::coreLink(model::toValidUtf8(text));
    case DataType::Integer:
    case DataType::Time: {
      std::int64_t v = 0;
      if (!parseNumber(text, v)) return bad(type == DataType::Time ? "a time" : "an integer");
      return type == DataType::Time ? Value::time(v) : Value::integer(v);
    }
    case DataType::UnsignedInteger: {
      std::uint64_t v = 0;
      if (!parseNumber(text, v)) return bad("an unsigned integer");
      return Value::unsignedInteger(v);
    }
    case DataType::Float: {
      double v = 0;
      if (!parseNumber(text, v) || !std::isfinite(v)) return bad("a float");
      return Value::floating(v);
    }
    case DataType::Boolean:
      if (text == "1") return Value::boolean(true);
      if (text == "0") return Value::boolean(false);
      return bad("a boolean (0 or 1)");
    case DataType::Objlnk: {
      auto link = model::ObjectLink::parse(text);
      if (!link) return bad("an object link o:i");
      return Value::objectLink(*link);
    }
    case DataType::Opaque: {
      auto bytes = model::decodeBase64(text);
      if (!bytes) return bad("base64");
      return Value::opaque(std::move(*bytes));
    }
    case DataType::None:
      return Value::opaque(Bytes(text.begin(), text.end()));
  }
  return bad("a known type");
}

}  // namespace

Result<Node> TextCodec::decode(Payload payload, const Path& path, const DecodeContext& context) const {
  std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  const auto* def = path.depth() >= 3 ? context.model.findResource(path.objectId(), path.resourceId()) : nullptr;
  // A resource the model does not know: the text is its value (String), or
  // its raw bytes (Opaque) when it is not UTF-8.
  DataType type = def ? def->type : model::isValidUtf8(text) ? DataType::String : DataType::None;
  auto value = parseText(text, type, path);
  if (!value) return value.error();
  return wrap(path, std::move(*value), context.model, "text");
}

Result<Bytes> TextCodec::encode(const Node& node, const Path& path, const model::ObjectModel&) const {
  auto value = singleValue(node, path, "text");
  if (!value) return value.error();
  std::string text;
  switch (value->type()) {
    case DataType::Boolean: text = value->asBoolean() ? "1" : "0"; break;
    case DataType::Opaque: text = model::encodeBase64(value->asOpaque()); break;
    case DataType::Float:
      if (!std::isfinite(value->asFloat())) return fail("text: " + path.toString() + ": float is not finite");
      text = value->toDisplayString();
      break;
    default: text = value->toDisplayString(); break;
  }
  return Bytes(text.begin(), text.end());
}

Result<Node> OpaqueCodec::decode(Payload payload, const Path& path, const DecodeContext& context) const {
  const auto* def = path.depth() >= 3 ? context.model.findResource(path.objectId(), path.resourceId()) : nullptr;
  if (def && def->type != DataType::Opaque && def->type != DataType::None) {
    return fail("opaque: " + path.toString() + " is " + std::string(model::toString(def->type)) + ", not Opaque");
  }
  return wrap(path, Value::opaque(Bytes(payload.begin(), payload.end())), context.model, "opaque");
}

Result<Bytes> OpaqueCodec::encode(const Node& node, const Path& path, const model::ObjectModel&) const {
  auto value = singleValue(node, path, "opaque");
  if (!value) return value.error();
  if (value->type() != DataType::Opaque) {
    return fail("opaque: " + path.toString() + " holds " + std::string(model::toString(value->type())) + ", not Opaque");
  }
  return value->asOpaque();
}

}  // namespace lwm2m::formats
