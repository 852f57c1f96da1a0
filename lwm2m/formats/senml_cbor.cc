#include "lwm2m/formats/senml_cbor.h"

#include <cmath>
#include <limits>

#include "lwm2m/formats/cbor.h"

namespace lwm2m::formats {
namespace {

using model::Value;

enum Label : std::int64_t {
  kBaseVersion = -1,
  kBaseName = -2,
  kBaseTime = -3,
  kBaseUnit = -4,
  kBaseValue = -5,
  kBaseSum = -6,
  kName = 0,
  kUnit = 1,
  kValue = 2,
  kStringValue = 3,
  kBooleanValue = 4,
  kSum = 5,
  kTime = 6,
  kUpdateTime = 7,
  kDataValue = 8,
};

Result<double> number(const cbor::Item& item) {
  if (item.kind == cbor::Kind::Unsigned) return static_cast<double>(item.number);
  if (item.kind == cbor::Kind::Negative) return -1.0 - static_cast<double>(item.number);
  if (item.kind == cbor::Kind::Float) return item.floating;
  return fail("expected a number");
}

Result<Value> numericValue(const cbor::Item& item) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  switch (item.kind) {
    case cbor::Kind::Unsigned:
      if (item.number <= kMax) return Value::integer(static_cast<std::int64_t>(item.number));
      return Value::unsignedInteger(item.number);
    case cbor::Kind::Negative:
      if (item.number > kMax) return fail("negative integer out of range");
      return Value::integer(-1 - static_cast<std::int64_t>(item.number));
    case cbor::Kind::Float: return Value::floating(item.floating);
    default: return fail("\"v\" must be a number");
  }
}

Result<SenmlRecord> parseRecord(const cbor::Item& map, size_t index) {
  auto bad = [&](const std::string& what) { return fail("SenML CBOR: record " + std::to_string(index) + ": " + what); };
  if (map.kind != cbor::Kind::Map) return bad("not a map");
  SenmlRecord r;
  int values = 0;
  for (size_t k = 0; k + 1 < map.items.size(); k += 2) {
    const cbor::Item& key = map.items[k];
    const cbor::Item& v = map.items[k + 1];
    if (key.kind == cbor::Kind::Text) {
      if (key.string == "vlo") {
        ++values;
        if (v.kind != cbor::Kind::Text) return bad("\"vlo\" must be a text string");
        auto link = model::ObjectLink::parse(v.string);
        if (!link) return bad("\"vlo\": " + link.error().message);
        r.value = Value::objectLink(*link);
      } else if (!key.string.empty() && key.string.back() == '_') {
        return bad("unsupported must-understand label \"" + key.string + "\"");
      }
      continue;
    }
    if (!key.isInteger()) return bad("labels must be integers or text");
    if (key.kind == cbor::Kind::Negative && key.number > 1000) continue;  // unknown, ignored
    std::int64_t label = key.kind == cbor::Kind::Unsigned ? static_cast<std::int64_t>(std::min<std::uint64_t>(key.number, 1000))
                                                          : -1 - static_cast<std::int64_t>(key.number);
    auto textOf = [&](std::optional<std::string>& out, const char* name) -> Result<void> {
      if (v.kind != cbor::Kind::Text) return bad(std::string(name) + " must be a text string");
      out = v.string;
      return {};
    };
    auto numberOf = [&](std::optional<double>& out, const char* name) -> Result<void> {
      auto n = number(v);
      if (!n) return bad(std::string(name) + " must be a number");
      out = *n;
      return {};
    };
    Result<void> ok;
    switch (label) {
      case kBaseName: ok = textOf(r.baseName, "bn"); break;
      case kName: ok = textOf(r.name, "n"); break;
      case kBaseTime: ok = numberOf(r.baseTime, "bt"); break;
      case kTime: ok = numberOf(r.time, "t"); break;
      case kBaseValue: ok = numberOf(r.baseValue, "bv"); break;
      case kValue: {
        ++values;
        auto value = numericValue(v);
        if (!value) return bad(value.error().message);
        r.value = std::move(*value);
        break;
      }
      case kStringValue:
        ++values;
        if (v.kind != cbor::Kind::Text) return bad("vs must be a text string");
        r.value = Value::string(v.string);
        break;
      case kBooleanValue:
        ++values;
        if (v.kind != cbor::Kind::Bool) return bad("vb must be true or false");
        r.value = Value::boolean(v.boolean);
        break;
      case kDataValue:
        ++values;
        if (v.kind != cbor::Kind::Bytes) return bad("vd must be a byte string");
        r.value = Value::opaque(model::Bytes(v.string.begin(), v.string.end()));
        break;
      default: break;  // units, sums, versions: not used by LwM2M
    }
    if (!ok) return ok.error();
  }
  if (values > 1) return bad("more than one value");
  return r;
}

}  // namespace

Result<std::vector<SenmlRecord>> SenmlCborCodec::parse(Payload payload) const {
  auto root = cbor::decode(payload);
  if (!root) return fail("SenML CBOR: " + root.error().message);
  if (root->kind != cbor::Kind::Array) return fail("SenML CBOR: payload must be an array of records");
  std::vector<SenmlRecord> out;
  out.reserve(root->items.size());
  for (size_t k = 0; k < root->items.size(); ++k) {
    auto r = parseRecord(root->items[k], k);
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<Bytes> SenmlCborCodec::write(const std::vector<SenmlRecord>& records) const {
  cbor::Writer w;
  w.arrayHeader(records.size());
  for (const SenmlRecord& r : records) {
    std::uint64_t fields = (r.baseName ? 1 : 0) + (r.baseTime ? 1 : 0) + (r.name ? 1 : 0) + (r.time ? 1 : 0) +
                           (r.value && !r.value->isNone() ? 1 : 0);
    w.mapHeader(fields);
    if (r.baseName) { w.integer(kBaseName); w.text(*r.baseName); }
    if (r.baseTime) { w.integer(kBaseTime); w.floating(*r.baseTime); }
    if (r.name) { w.integer(kName); w.text(*r.name); }
    if (r.time) {
      w.integer(kTime);
      double t = *r.time;
      if (std::trunc(t) == t && std::fabs(t) < 9e15) w.integer(static_cast<std::int64_t>(t)); else w.floating(t);
    }
    if (!r.value || r.value->isNone()) continue;
    const Value& v = *r.value;
    switch (v.type()) {
      case model::DataType::Integer:
      case model::DataType::Time: w.integer(kValue); w.integer(v.asInteger()); break;
      case model::DataType::UnsignedInteger: w.integer(kValue); w.unsignedInteger(v.asUnsigned()); break;
      case model::DataType::Float: w.integer(kValue); w.floating(v.asFloat()); break;
      case model::DataType::Boolean: w.integer(kBooleanValue); w.boolean(v.asBoolean()); break;
      case model::DataType::String:
      case model::DataType::Corelnk: w.integer(kStringValue); w.text(v.asString()); break;
      case model::DataType::Opaque: w.integer(kDataValue); w.bytes(v.asOpaque()); break;
      case model::DataType::Objlnk: w.text("vlo"); w.text(v.asObjectLink().toString()); break;
      case model::DataType::None: break;
    }
  }
  return w.take();
}

}  // namespace lwm2m::formats
