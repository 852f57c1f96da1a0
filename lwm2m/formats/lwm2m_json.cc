#include "lwm2m/formats/lwm2m_json.h"

#include <cmath>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lwm2m/formats/json_numbers.h"
#include "lwm2m/formats/records.h"

namespace lwm2m::formats {
namespace {

using model::Path;
using model::Value;

Error jsonError(const std::string& what) { return fail("LwM2M JSON: " + what); }

// The member `name` of an object, or nullptr.
const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (std::string_view(it->name.GetString(), it->name.GetStringLength()) == name) return &it->value;
  }
  return nullptr;
}

// bn "/3/0/" with no n names the resource "/3/0/": unlike SenML, a trailing
// '/' is tolerated here because 1.0 clients send it for single resources.
std::string joinName(const std::string& base, const std::string& name) {
  std::string full;
  if (base.empty() || name.empty() || base.back() == '/' || name.front() == '/') {
    full = base + name;
  } else {
    full = base + "/" + name;
  }
  if (full.size() > 1 && full.back() == '/') full.pop_back();
  return full;
}

Result<Value> entryValue(const rapidjson::Value& e, const Path& path, const model::ObjectModel& model, size_t index) {
  auto where = [&] { return "entry " + std::to_string(index) + " (" + path.toString() + ")"; };
  int count = 0;
  Value value;
  const auto* def = model.findResource(path.objectId(), path.resourceId());
  for (auto it = e.MemberBegin(); it != e.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    const rapidjson::Value& v = it->value;
    if (key == "v") {
      ++count;
      if (v.IsInt64()) value = Value::integer(v.GetInt64());
      else if (v.IsUint64()) value = Value::unsignedInteger(v.GetUint64());
      else if (v.IsNumber()) value = Value::floating(v.GetDouble());
      else return jsonError(where() + ": \"v\" must be a number");
    } else if (key == "sv") {
      ++count;
      if (!v.IsString()) return jsonError(where() + ": \"sv\" must be a string");
      std::string text(v.GetString(), v.GetStringLength());
      if (def && def->type == model::DataType::Opaque) {
        auto bytes = model::decodeBase64(text);
        if (!bytes) return jsonError(where() + ": opaque \"sv\" is not base64");
        value = Value::opaque(std::move(*bytes));
      } else {
        value = Value::string(std::move(text));
      }
    } else if (key == "bv") {
      ++count;
      if (!v.IsBool()) return jsonError(where() + ": \"bv\" must be true or false");
      value = Value::boolean(v.GetBool());
    } else if (key == "ov") {
      ++count;
      if (!v.IsString()) return jsonError(where() + ": \"ov\" must be a string");
      auto link = model::ObjectLink::parse(std::string_view(v.GetString(), v.GetStringLength()));
      if (!link) return jsonError(where() + ": " + link.error().message);
      value = Value::objectLink(*link);
    }
  }
  if (count != 1) return jsonError(where() + ": expected exactly one of v, sv, bv, ov");
  return value;
}

Result<std::vector<Record>> parse(Payload payload, const model::ObjectModel& model, double now) {
  rapidjson::Document doc;
  parseFullPrecision<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      doc, std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
  if (doc.HasParseError()) {
    return jsonError(std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at offset " +
               std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return jsonError("payload must be an object");
  std::string base;
  if (const auto* bn = member(doc, "bn")) {
    if (!bn->IsString()) return jsonError("\"bn\" must be a string");
    base.assign(bn->GetString(), bn->GetStringLength());
  }
  std::optional<double> baseTime;
  if (const auto* bt = member(doc, "bt")) {
    if (!bt->IsNumber()) return jsonError("\"bt\" must be a number");
    baseTime = bt->GetDouble();
  }
  const auto* entries = member(doc, "e");
  if (!entries || !entries->IsArray()) return jsonError("missing \"e\" array");
  std::vector<Record> records;
  records.reserve(entries->Size());
  for (rapidjson::SizeType k = 0; k < entries->Size(); ++k) {
    const rapidjson::Value& e = (*entries)[k];
    if (!e.IsObject()) return jsonError("entry " + std::to_string(k) + " is not an object");
    std::string name;
    if (const auto* n = member(e, "n")) {
      if (!n->IsString()) return jsonError("entry " + std::to_string(k) + ": \"n\" must be a string");
      name.assign(n->GetString(), n->GetStringLength());
    }
    auto path = Path::parse(joinName(base, name));
    if (!path) return jsonError("entry " + std::to_string(k) + ": " + path.error().message);
    if (path->depth() < 3) return jsonError("entry " + std::to_string(k) + ": " + path->toString() + " is not a resource");
    auto value = entryValue(e, *path, model, k);
    if (!value) return value.error();
    std::optional<double> time = baseTime;
    if (const auto* t = member(e, "t")) {
      if (!t->IsNumber()) return jsonError("entry " + std::to_string(k) + ": \"t\" must be a number");
      time = baseTime.value_or(0) + t->GetDouble();
    }
    if (time && !std::isfinite(*time)) return jsonError("entry " + std::to_string(k) + ": time is not finite");
    if (time && *time <= 0) time = now + *time;
    records.push_back(Record{*path, std::move(*value), time});
  }
  return records;
}

}  // namespace

Result<model::Node> Lwm2mJsonCodec::decode(Payload payload, const Path& path, const DecodeContext& context) const {
  auto records = parse(payload, context.model, context.now);
  if (!records) return records.error();
  auto node = recordsToNode(*records, path, context.model);
  if (!node) return jsonError(node.error().message);
  return node;
}

Result<std::vector<model::TimestampedNodes>> Lwm2mJsonCodec::decodeTimestamped(Payload payload,
                                                                               const DecodeContext& context) const {
  auto records = parse(payload, context.model, context.now);
  if (!records) return records.error();
  auto out = recordsToTimestamped(*records, context.model);
  if (!out) return jsonError(out.error().message);
  return out;
}

Result<Bytes> Lwm2mJsonCodec::encode(const model::Node& node, const Path& path, const model::ObjectModel&) const {
  if (node.depth() != path.depth()) return jsonError("node does not match path " + path.toString());
  std::vector<Record> records;
  appendRecords(node, path, std::nullopt, records);
  bool single = records.size() == 1 && records[0].path == path;
  std::string base = path.toString();
  if (!single && base.back() != '/') base += "/";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto string = [&](const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("bn");
  string(base);
  w.Key("e");
  w.StartArray();
  for (const Record& r : records) {
    w.StartObject();
    if (!single) {
      w.Key("n");
      string(r.path.toString().substr(base.size()));
    }
    const Value& v = r.value;
    switch (v.type()) {
      case model::DataType::Integer:
      case model::DataType::Time: w.Key("v"); w.Int64(v.asInteger()); break;
      case model::DataType::UnsignedInteger: w.Key("v"); w.Uint64(v.asUnsigned()); break;
      case model::DataType::Float:
        if (!std::isfinite(v.asFloat())) return jsonError(r.path.toString() + ": float value is not finite");
        w.Key("v"); w.Double(v.asFloat());
        break;
      case model::DataType::Boolean: w.Key("bv"); w.Bool(v.asBoolean()); break;
      case model::DataType::String:
      case model::DataType::Corelnk: w.Key("sv"); string(v.asString()); break;
      case model::DataType::Opaque: w.Key("sv"); string(model::encodeBase64(v.asOpaque())); break;
      case model::DataType::Objlnk: w.Key("ov"); string(v.asObjectLink().toString()); break;
      case model::DataType::None: break;
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  const char* text = buffer.GetString();
  return Bytes(text, text + buffer.GetSize());
}

}  // namespace lwm2m::formats
