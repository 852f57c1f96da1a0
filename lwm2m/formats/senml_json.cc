#include "lwm2m/formats/senml_json.h"

#include <cmath>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lwm2m/formats/json_numbers.h"

namespace lwm2m::formats {
namespace {

using model::Value;

std::string urlSafe(std::string base64) {
  while (!base64.empty() && base64.back() == '=') base64.pop_back();
  for (char& c : base64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return base64;
}

Result<SenmlRecord> parseRecord(const rapidjson::Value& object, size_t index) {
  auto bad = [&](const std::string& what) {
    return fail("SenML JSON: record " + std::to_string(index) + ": " + what);
  };
  if (!object.IsObject()) return bad("not an object");
  SenmlRecord r;
  int values = 0;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    const rapidjson::Value& v = it->value;
    auto number = [&](std::optional<double>& out) -> Result<void> {
      if (!v.IsNumber()) return bad("\"" + std::string(key) + "\" must be a number");
      out = v.GetDouble();
      return {};
    };
    if (key == "bn" || key == "n") {
      if (!v.IsString()) return bad("\"" + std::string(key) + "\" must be a string");
      (key == "bn" ? r.baseName : r.name) = std::string(v.GetString(), v.GetStringLength());
    } else if (key == "bt") {
      if (auto ok = number(r.baseTime); !ok) return ok.error();
    } else if (key == "t") {
      if (auto ok = number(r.time); !ok) return ok.error();
    } else if (key == "bv") {
      if (auto ok = number(r.baseValue); !ok) return ok.error();
    } else if (key == "v") {
      ++values;
      if (v.IsInt64()) {
        r.value = Value::integer(v.GetInt64());
      } else if (v.IsUint64()) {
        r.value = Value::unsignedInteger(v.GetUint64());
      } else if (v.IsNumber()) {
        r.value = Value::floating(v.GetDouble());
      } else {
        return bad("\"v\" must be a number");
      }
    } else if (key == "vs") {
      ++values;
      if (!v.IsString()) return bad("\"vs\" must be a string");
      r.value = Value::string(std::string(v.GetString(), v.GetStringLength()));
    } else if (key == "vb") {
      ++values;
      if (!v.IsBool()) return bad("\"vb\" must be true or false");
      r.value = Value::boolean(v.GetBool());
    } else if (key == "vd") {
      ++values;
      if (!v.IsString()) return bad("\"vd\" must be a base64 string");
      auto bytes = model::decodeBase64(std::string_view(v.GetString(), v.GetStringLength()));
      if (!bytes) return bad("\"vd\": " + bytes.error().message);
      r.value = Value::opaque(std::move(*bytes));
    } else if (key == "vlo") {
      ++values;
      if (!v.IsString()) return bad("\"vlo\" must be a string");
      auto link = model::ObjectLink::parse(std::string_view(v.GetString(), v.GetStringLength()));
      if (!link) return bad("\"vlo\": " + link.error().message);
      r.value = Value::objectLink(*link);
    } else if (!key.empty() && key.back() == '_') {
      return bad("unsupported must-understand label \"" + std::string(key) + "\"");
    }
  }
  if (values > 1) return bad("more than one value");
  return r;
}

}  // namespace

Result<std::vector<SenmlRecord>> SenmlJsonCodec::parse(Payload payload) const {
  rapidjson::Document doc;
  parseFullPrecision<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      doc, std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
  if (doc.HasParseError()) {
    return fail(std::string("SenML JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsArray()) return fail("SenML JSON: payload must be an array of records");
  std::vector<SenmlRecord> out;
  out.reserve(doc.Size());
  for (rapidjson::SizeType k = 0; k < doc.Size(); ++k) {
    auto r = parseRecord(doc[k], k);
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<Bytes> SenmlJsonCodec::write(const std::vector<SenmlRecord>& records) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const SenmlRecord& r : records) {
    w.StartObject();
    if (r.baseName) { w.Key("bn"); w.String(r.baseName->c_str(), static_cast<rapidjson::SizeType>(r.baseName->size())); }
    if (r.baseTime) { w.Key("bt"); w.Double(*r.baseTime); }
    if (r.name) { w.Key("n"); w.String(r.name->c_str(), static_cast<rapidjson::SizeType>(r.name->size())); }
    if (r.time) {
      w.Key("t");
      double t = *r.time;
      if (std::trunc(t) == t && std::abs(t) < 9e15) w.Int64(static_cast<std::int64_t>(t)); else w.Double(t);
    }
    if (r.value) {
      const Value& v = *r.value;
      switch (v.type()) {
        case model::DataType::Integer:
        case model::DataType::Time: w.Key("v"); w.Int64(v.asInteger()); break;
        case model::DataType::UnsignedInteger: w.Key("v"); w.Uint64(v.asUnsigned()); break;
        case model::DataType::Float:
          if (!std::isfinite(v.asFloat())) return fail("SenML JSON: float value is not finite");
          w.Key("v"); w.Double(v.asFloat());
          break;
        case model::DataType::Boolean: w.Key("vb"); w.Bool(v.asBoolean()); break;
        case model::DataType::String:
        case model::DataType::Corelnk:
          w.Key("vs"); w.String(v.asString().c_str(), static_cast<rapidjson::SizeType>(v.asString().size()));
          break;
        case model::DataType::Opaque: {
          std::string text = urlSafe(model::encodeBase64(v.asOpaque()));
          w.Key("vd"); w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
          break;
        }
        case model::DataType::Objlnk: {
          std::string text = v.asObjectLink().toString();
          w.Key("vlo"); w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
          break;
        }
        case model::DataType::None: break;
      }
    }
    w.EndObject();
  }
  w.EndArray();
  const char* text = buffer.GetString();
  return Bytes(text, text + buffer.GetSize());
}

}  // namespace lwm2m::formats
