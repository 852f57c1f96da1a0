#pragma once
// Internal: pieces shared by the json, value and emqx command decoders.

#include <rapidjson/document.h>

#include <map>
#include <string>

#include "lwm2m/model/object_model.h"
#include "mapping/commands.h"
#include "mapping/json_values.h"

namespace lwm2m::mapping {

struct CommandInput {
  const DownlinkRule& rule;
  const std::map<std::string, std::string>& captures;  // from the topic pattern
  const InboundMessage& message;
  const model::ObjectModel& model;
};

// Parses a path given in a command; the error names the text.
Result<model::Path> commandPath(std::string_view text);
// One value for `path`, typed by the model's declaration of the resource.
Result<ValueRecord> typedRecord(const model::Path& path, const rapidjson::Value& json,
                                const model::ObjectModel& model, OpaqueText opaque);
// Checks a decoded command's paths, values and attributes against what its
// operation needs and what the model declares.
Result<void> checkCommand(const DeviceCommand& command, const model::ObjectModel& model);

// Write-Attributes parameters from a JSON object; numbers or numeric strings.
Result<NotificationAttributes> parseJsonAttributes(const rapidjson::Value& object);

Result<DeviceCommand> decodeJsonCommand(const CommandInput& in, const rapidjson::Document& doc);
Result<DeviceCommand> decodeValueCommand(const CommandInput& in);
Result<DeviceCommand> decodeEmqxCommand(const CommandInput& in, const rapidjson::Document& doc);

// EMQX's 4.00 bad_request reply, echoing what of the request could be read.
std::string emqxErrorPayload(const rapidjson::Document* doc);

}  // namespace lwm2m::mapping
