#include "mapping/command_limits.h"

#include <string>

#include "lwm2m/model/record.h"
#include "lwm2m/model/value.h"

namespace lwm2m::mapping {

namespace {

Result<void> checkText(const std::string& where, std::string_view text, const CommandLimits& limits) {
  if (text.size() > limits.stringBytes) {
    return fail(where + ": text of " + std::to_string(text.size()) + " bytes, longer than the " +
                   std::to_string(limits.stringBytes) + " bytes allowed (queue.max_string_bytes)");
  }
  if (!model::isValidUtf8(text)) return fail(where + ": text is not valid UTF-8");
  return {};
}

// Bytes the value takes in a request body, roughly: its text or bytes, 8 for a number.
std::size_t sizeOf(const model::Value& value) {
  switch (value.type()) {
    case model::DataType::String:
    case model::DataType::Corelnk:
      return value.asString().size();
    case model::DataType::Opaque:
      return value.asOpaque().size();
    default:
      return 8;
  }
}

}  // namespace

Result<void> checkCommandId(std::string_view field, std::string_view id, const CommandLimits& limits) {
  if (id.size() > limits.idBytes) {
    return fail(std::string(field) + ": " + std::to_string(id.size()) + " bytes, longer than the " +
                   std::to_string(limits.idBytes) + " allowed (queue.max_id_bytes)");
  }
  if (!model::isValidUtf8(id)) return fail(std::string(field) + ": not valid UTF-8");
  return {};
}

Result<void> checkCommandLimits(const operations::DeviceRequest& request, const CommandLimits& limits) {
  if (auto r = checkText("arguments", request.arguments, limits); !r) return r;
  std::vector<model::Record> records;
  if (request.node) model::appendRecords(*request.node, request.path, std::nullopt, records);
  for (auto& record : model::toRecords(request.nodes)) records.push_back(std::move(record));
  std::size_t total = request.arguments.size();
  for (const model::Record& record : records) {
    const model::DataType type = record.value.type();
    if (type == model::DataType::String || type == model::DataType::Corelnk) {
      if (auto r = checkText(record.path.toString(), record.value.asString(), limits); !r) return r;
    }
    total += sizeOf(record.value);
  }
  if (total > limits.valueBytes) {
    return fail("values of " + std::to_string(total) + " bytes: larger than the " +
                   std::to_string(limits.valueBytes) +
                   " bytes the gateway sends a device in one request (coap.max_body_size)");
  }
  return {};
}

}  // namespace lwm2m::mapping
