#pragma once
// The gateway's JSON command shape, as the REST API accepts it and the queue
// stores it, and the JSON shape of a command's result.
//
// Command (values are typed by the object model, see command_values.h):
//   {"operation":"read"|"discover"|"observe"|"cancel-observe"|"delete","path":"/3303/0"}
//   {"operation":"write","path":"/3/0/14","value":"+02:00"}           (one resource, PUT)
//   {"operation":"write","path":"/3303/0","values":{"5750":"kitchen"},"partial":true}  (POST)
//   {"operation":"write","path":"/3/0/7","values":{"0":3800,"1":5000}}  (a multiple resource)
//   {"operation":"execute","path":"/3/0/4","arguments":"0='now'"}
//   {"operation":"create","path":"/3303","instance":1,"values":{"5750":"attic"}}
//   {"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":10,"pmax":60,"st":0.5}}
//   {"operation":"read-composite"|"observe-composite"|"cancel-observe-composite",
//    "paths":["/3/0/0","/3303/0/5700"]}
//   {"operation":"write-composite","values":{"/3/0/14":"+01:00","/1/0/1":300}}
//   optional everywhere: "timeout_ms" (default 30000), "ttl" (seconds in the queue);
//   other members (e.g. the MQTT bridge's "reply") are kept with the command, unread.
// Result:
//   {"outcome":"success","code":"2.05","codeName":"content","reason":"",
//    "value":<SenML JSON array of the answer, when it carried values>,
//    "links":["</3/0/0>",...] (discover), "createdPath":"/3303/1" (create)}

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"
#include "lwm2m/server/device_request.h"

namespace lwm2m::gateway {

struct ParsedCommand {
  std::string operation;  // as given: "read", "write", ...
  server::DeviceRequest request;
  std::optional<std::chrono::seconds> ttl;
};

// Validates and decodes a command; the error names the field and the problem.
Result<ParsedCommand> parseCommand(std::string_view json, const model::ObjectModel& model);

std::string resultToJson(const server::DeviceResponse& response, const model::Path& path,
                         const model::ObjectModel& model);

}  // namespace lwm2m::gateway
