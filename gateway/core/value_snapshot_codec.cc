#include "gateway/core/value_snapshot_codec.h"

#include <rapidjson/document.h>

#include <chrono>

#include "lwm2m/formats/json_numbers.h"
#include "mapping/json_values.h"

namespace lwm2m::gateway {
namespace {

constexpr int kVersion = 1;
// 2100-01-01T00:00:00Z: a later (or negative) time is damage, and would not fit the clock.
constexpr std::int64_t kLatestMillis = 4'102'444'800'000;

std::int64_t toMillis(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

Result<CachedValue> readEntry(const rapidjson::Value& entry) {
  if (!entry.IsObject()) return fail("is not an object");
  auto text = [&](const char* key) -> Result<std::string> {
    const rapidjson::Value* m = mapping::findMember(entry, key);
    if (!m || !m->IsString()) return fail(std::string("needs \"") + key + "\" as a string");
    return std::string(m->GetString(), m->GetStringLength());
  };
  auto endpoint = text("endpoint");
  if (!endpoint) return endpoint.error();
  if (endpoint->empty()) return fail("has an empty \"endpoint\"");
  auto pathText = text("path");
  if (!pathText) return pathText.error();
  auto path = model::Path::parse(*pathText);
  if (!path || (!path->isResource() && !path->isResourceInstance())) {
    return fail("has \"path\" " + *pathText + ", not a resource or resource instance path");
  }
  auto typeName = text("type");
  if (!typeName) return typeName.error();
  auto type = model::parseDataType(*typeName);
  if (!type || *type == model::DataType::None) return fail("has an unknown \"type\" " + *typeName);
  const rapidjson::Value* value = mapping::findMember(entry, "value");
  if (!value) return fail("needs a \"value\"");
  auto typed = mapping::valueFromJson(*value, *path, *type, mapping::OpaqueText::Base64);
  if (!typed) return typed.error();
  const rapidjson::Value* at = mapping::findMember(entry, "at_ms");
  if (!at || !at->IsInt64()) return fail("needs \"at_ms\" as whole milliseconds since the epoch");
  if (at->GetInt64() < 0 || at->GetInt64() > kLatestMillis) {
    return fail("has \"at_ms\" " + std::to_string(at->GetInt64()) + ", not a time between 1970 and 2100");
  }
  auto sourceName = text("source");
  if (!sourceName) return sourceName.error();
  auto source = api::parseDeviceEventKind(*sourceName);
  if (!source || !api::carriesValues(*source)) return fail("has an unknown \"source\" " + *sourceName);
  return CachedValue{std::move(*endpoint),
                     api::LatestValue{*path, std::move(*typed),
                                      std::chrono::system_clock::time_point(std::chrono::milliseconds(at->GetInt64())),
                                      *source}};
}

}  // namespace

std::string encodeValueSnapshot(const std::vector<CachedValue>& values) {
  rapidjson::StringBuffer buffer;
  mapping::JsonWriter out(buffer);
  out.StartObject();
  out.Key("version");
  out.Int(kVersion);
  out.Key("values");
  out.StartArray();
  for (const CachedValue& v : values) {
    out.StartObject();
    mapping::writeKeyString(out, "endpoint", v.endpoint);
    mapping::writeKeyString(out, "path", v.value.path.toString());
    mapping::writeKeyString(out, "type", model::toString(v.value.value.type()));
    out.Key("value");
    mapping::writeJsonValue(out, v.value.value, mapping::OpaqueText::Base64);
    out.Key("at_ms");
    out.Int64(toMillis(v.value.at));
    mapping::writeKeyString(out, "source", api::toString(v.value.source));
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::vector<CachedValue>> decodeValueSnapshot(std::string_view text) {
  rapidjson::Document doc;
  formats::parseFullPrecision<rapidjson::kParseDefaultFlags>(doc, text);
  if (doc.HasParseError()) {
    return fail("not JSON (error at offset " + std::to_string(doc.GetErrorOffset()) + ")");
  }
  if (!doc.IsObject()) return fail("not a JSON object");
  const rapidjson::Value* version = mapping::findMember(doc, "version");
  if (!version || !version->IsInt() || version->GetInt() != kVersion) {
    return fail("not a value snapshot of version " + std::to_string(kVersion));
  }
  const rapidjson::Value* values = mapping::findMember(doc, "values");
  if (!values || !values->IsArray()) return fail("needs \"values\" as an array");
  std::vector<CachedValue> out;
  out.reserve(values->Size());
  for (rapidjson::SizeType i = 0; i < values->Size(); ++i) {
    auto entry = readEntry((*values)[i]);
    if (!entry) return fail("value " + std::to_string(i) + " " + entry.error().message);
    out.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace lwm2m::gateway
