#pragma once
// The gateway's JSON command shape, as the REST API accepts it and the queue
// stores it, and the JSON shape of a command's result.
//
// Command:
//   {"operation":"read","path":"/3/0/0"}
//   {"operation":"write","path":"/3/0/14","value":"+02:00"}     (one resource; typed by the object model)
//   {"operation":"execute","path":"/3/0/4","arguments":"0='now'"}
//   {"operation":"discover"|"observe"|"cancel-observe"|"delete","path":"/3303/0"}
//   {"operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":10,"pmax":60,"st":0.5}}
//   optional everywhere: "timeout_ms" (default 30000), "ttl" (seconds in the queue)
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
