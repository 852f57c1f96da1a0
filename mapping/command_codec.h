#pragma once
// The gateway's one JSON command codec, shared by the MQTT json payload style
// and the REST API: a JSON command becomes a typed DeviceRequest (values typed
// by the object model), and a DeviceRequest becomes that JSON again (REST
// lists queued commands with it). Every style's decoder (json, value, emqx)
// ends in toDeviceRequest(), so the checks an operation needs are made once.
//
//   {"operation":"read"|"discover"|"observe"|"cancel-observe"|"delete","path":"/3303/0"}
//   {"operation":"write","path":"/3/0/14","value":"+02:00"}                (PUT)
//   {"operation":"write","path":"/3303/0","values":{"5750":"x"},"partial":true}  (POST)
//   {"operation":"write","path":"/3/0/7","values":{"0":3800,"1":5000}}   (a multiple resource)
//   {"operation":"execute","path":"/3/0/4","arguments":"0='now'"}        ("args" also read)
//   {"operation":"create","path":"/3303","instance":1,"values":{"5750":"attic"}}
//   {"operation":"write-attributes","path":"/3303/0/5700",
//    "attributes":{"pmin":10,"pmax":60,"st":0.5,"edge":1,"con":0,"hqmax":5,"gt":null}}  (null clears)
//   {"operation":"read-composite"|"observe-composite"|"cancel-observe-composite",
//    "paths":["/3/0/0","/3303/0/5700"]}
//   {"operation":"write-composite","values":{"/3/0/14":"+01:00","/1/0/1":300}}
//   {"operation":"write","path":"/5/0/0","file":"/var/lib/fw/v2.bin"}    (a firmware package,
//    "url":"https://..." or "package":{"sha256":"…","size":N} instead of "file"; on /5/0/1 the
//    gateway stores the package and writes its own URI of it: pull mode; gateway/api/firmware.h)
//   optional everywhere: "ttl" (seconds it may wait for a sleeping device),
//   "timeout" (seconds to wait for the device's answer; "timeout_ms" in ms),
//   "format" (the content format toward the device: a name of
//   contentFormatByName() or its number; default: the gateway's choice).
// Values: numbers or numeric strings for numeric types, true/false (or 0/1)
// for Boolean, base64 for Opaque, "o:i" for Objlnk, seconds for Time. Keys of
// "values" are ids below "path" (or "instance") or full paths.
// Resources the object model does not know (vendor objects without a DDF)
// work too: a value's type comes from "type" ({"value":5,"type":"Integer"}
// in "values", or "type" beside "value"), else from the JSON value (whole
// number Integer, other number Float, true/false Boolean, text String). For
// resources the model knows, the model's type wins.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "gateway/api/device_events.h"
#include "lwm2m/formats/content_format.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/model/record.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/result.h"

namespace lwm2m::mapping {

// A command as the style decoders read it, before it is checked and typed
// into a DeviceRequest.
struct CommandParts {
  operations::Operation operation = operations::Operation::Read;
  std::vector<model::Path> paths;    // one for single-path operations
  std::vector<model::Record> values;  // Write, Write-Composite, Create
  bool partial = false;               // Write on an instance: update (POST), not replace (PUT)
  std::optional<model::InstanceId> instance;  // Create: the id to ask for
  operations::NotificationAttributes attributes;
  std::string arguments;  // Execute
  std::optional<std::chrono::seconds> ttl;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<formats::ContentFormat> format;
  std::optional<operations::PackageReference> package;  // Write of a firmware package
};

// What a downlink rule fills in when the message does not say it.
struct CommandDefaults {
  std::optional<operations::Operation> operation;  // from the topic's {op} or the rule
  bool operationFixed = false;                     // the topic's {op} wins over the payload
  std::string pathText;                            // the rule's path template, rendered
};

// Checks the parts against what the operation needs and what the model
// declares, and builds the request. Errors name the field and the problem.
Result<operations::DeviceRequest> toDeviceRequest(CommandParts parts, const model::ObjectModel& model);

// A JSON command object as parts (see above).
Result<CommandParts> readCommandParts(const rapidjson::Value& object, const model::ObjectModel& model,
                                      const CommandDefaults& defaults = {});

// The whole codec for a JSON text (REST bodies, stored commands of older
// versions): syntax, nesting depth, parts, request.
Result<operations::DeviceRequest> decodeCommand(std::string_view json, const model::ObjectModel& model);

// The JSON command of a request, in the shape above; decodeCommand() of it
// gives the same request back.
std::string encodeCommand(const operations::DeviceRequest& request);

// "tlv", "senml-json", "senml-cbor", "lwm2m-json", "lwm2m-cbor", "text",
// "opaque", "link-format" or a decimal number: the format; else an error
// listing the names.
Result<formats::ContentFormat> contentFormatByName(std::string_view name);
// The name of a format as contentFormatByName() reads it; its number as text
// for one without a name.
std::string contentFormatKey(formats::ContentFormat format);

// How a command ended, in the json style's reply shape (the one MQTT publishes
// as a command's result): {"requestId","operation","path","endpoint","code",
// "status","values":[{"path","value","timestamp"?}],"links","location"?}
// for a Response event; "status" "queued" / "expired" / "cancelled" for the
// other command events. "location": the path a Create made.
std::string encodeCommandResult(const gateway::api::DeviceEvent& event, const model::ObjectModel& model);

// Numbers, strings and booleans of a JSON "attributes" object, through the
// one attribute codec (operations::setAttribute); null clears an attribute.
Result<operations::NotificationAttributes> readAttributes(const rapidjson::Value& object);

// Parses a JSON text with the codec's limits (an object, at most 8 levels deep).
Result<void> parseCommandJson(std::string_view json, rapidjson::Document& into);

}  // namespace lwm2m::mapping
