#include "bridges/http/value_records.h"

namespace lwm2m::bridges::http {

using model::DataType;
using record_bytes::kPathSize;
using record_bytes::takePath;
using record_bytes::takeText;
using record_bytes::takeValue;
using record_bytes::textSize;
using record_bytes::writePath;

namespace {

std::size_t valueSize(const model::Value& v) {
  switch (v.type()) {
    case DataType::None: return 0;
    case DataType::String:
    case DataType::Corelnk: return textSize(v.asString());
    case DataType::Integer:
    case DataType::Time: return sizeof(std::int64_t);
    case DataType::UnsignedInteger: return sizeof(std::uint64_t);
    case DataType::Float: return sizeof(double);
    case DataType::Boolean: return sizeof(std::uint8_t);
    case DataType::Opaque: return textSize(std::string_view(reinterpret_cast<const char*>(v.asOpaque().data()), v.asOpaque().size()));
    case DataType::Objlnk: return 2 * sizeof(std::uint16_t);
  }
  return 0;
}

void writeValue(record_bytes::Writer& put, const model::Value& v) {
  switch (v.type()) {
    case DataType::None: return;
    case DataType::String:
    case DataType::Corelnk: put.text(v.asString()); return;
    case DataType::Integer: put.value(v.asInteger()); return;
    case DataType::Time: put.value(v.asTime()); return;
    case DataType::UnsignedInteger: put.value(v.asUnsigned()); return;
    case DataType::Float: put.value(v.asFloat()); return;
    case DataType::Boolean: put.value(static_cast<std::uint8_t>(v.asBoolean())); return;
    case DataType::Opaque:
      put.text(std::string_view(reinterpret_cast<const char*>(v.asOpaque().data()), v.asOpaque().size()));
      return;
    case DataType::Objlnk:
      put.value(v.asObjectLink().objectId);
      put.value(v.asObjectLink().instanceId);
      return;
  }
}

model::Value takeValueOf(DataType type, std::string_view& in) {
  switch (type) {
    case DataType::None: return {};
    case DataType::String: return model::Value::string(std::string(takeText(in)));
    case DataType::Corelnk: return model::Value::coreLink(std::string(takeText(in)));
    case DataType::Integer: return model::Value::integer(takeValue<std::int64_t>(in));
    case DataType::Time: return model::Value::time(takeValue<std::int64_t>(in));
    case DataType::UnsignedInteger: return model::Value::unsignedInteger(takeValue<std::uint64_t>(in));
    case DataType::Float: return model::Value::floating(takeValue<double>(in));
    case DataType::Boolean: return model::Value::boolean(takeValue<std::uint8_t>(in) != 0);
    case DataType::Opaque: {
      const std::string_view bytes = takeText(in);
      return model::Value::opaque(model::Bytes(bytes.begin(), bytes.end()));
    }
    case DataType::Objlnk: {
      model::ObjectLink link;
      link.objectId = takeValue<std::uint16_t>(in);
      link.instanceId = takeValue<std::uint16_t>(in);
      return model::Value::objectLink(link);
    }
  }
  return {};
}

// Per record: path, u8 has-time, double time, u8 type, the value.
constexpr std::size_t kRecordFixedSize = kPathSize + sizeof(std::uint8_t) + sizeof(double) + sizeof(std::uint8_t);

}  // namespace

std::size_t valuesSize(const std::vector<model::Record>& records) {
  std::size_t size = sizeof(std::uint32_t);
  for (const model::Record& r : records) size += kRecordFixedSize + valueSize(r.value);
  return size;
}

void writeValues(record_bytes::Writer& put, const std::vector<model::Record>& records) {
  put.value(static_cast<std::uint32_t>(records.size()));
  for (const model::Record& r : records) {
    writePath(put, r.path);
    put.value(static_cast<std::uint8_t>(r.time.has_value()));
    put.value(r.time.value_or(0.0));
    put.value(static_cast<std::uint8_t>(r.value.type()));
    writeValue(put, r.value);
  }
}

std::vector<model::Record> takeValues(std::string_view& in) {
  std::vector<model::Record> records(takeValue<std::uint32_t>(in));
  for (model::Record& r : records) {
    r.path = takePath(in);
    const bool timed = takeValue<std::uint8_t>(in) != 0;
    const double time = takeValue<double>(in);
    if (timed) r.time = time;
    r.value = takeValueOf(static_cast<DataType>(takeValue<std::uint8_t>(in)), in);
  }
  return records;
}

}  // namespace lwm2m::bridges::http
