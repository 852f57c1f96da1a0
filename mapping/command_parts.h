#pragma once
// Internal: pieces shared by the json, value and emqx command decoders.

#include <rapidjson/document.h>

#include <map>
#include <string>

#include "lwm2m/model/object_model.h"
#include "mapping/command_codec.h"
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
// One value for `path`, typed by the model's declaration of the resource;
// for a resource the model does not know, by `declaredType` (the command's
// "type") or else by the JSON value (see typeOfUnknown).
Result<model::Record> typedRecord(const model::Path& path, const rapidjson::Value& json,
                                  const model::ObjectModel& model, OpaqueText opaque,
                                  const rapidjson::Value* declaredType = nullptr);

Result<CommandParts> decodeValueCommand(const CommandInput& in);
Result<CommandParts> decodeEmqxCommand(const CommandInput& in, const rapidjson::Document& doc);

// EMQX's error reply (code, and its CoAP name as codeMsg; 4.00 bad_request for
// a command that cannot be read), echoing what of the request could be read.
std::string emqxErrorPayload(const rapidjson::Document* doc, std::string_view code = "4.00");

}  // namespace lwm2m::mapping
