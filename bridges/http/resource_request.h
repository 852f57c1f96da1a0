#pragma once
// Resource URLs as LwM2M requests: the part of a REST call below
// /api/v1/devices/{endpoint}/ (its `resource` segments), the method, the query
// and the body become one typed DeviceRequest, through the one command codec
// (mapping/command_codec.h). No Beast and no device here; fuzzed with the
// target parser (tests/fuzz/rest_target_fuzz.cc).
//
//   {o}                      GET read, POST create (body: {"values":{..},"instance":i})
//   {o}/{i}                  GET read, PUT write (replace), PATCH write (update), DELETE delete
//   {o}/{i}/{r}              GET, PUT, PATCH, DELETE as above; POST execute (body: the
//                            arguments as text, or {"arguments":"..."})
//   {o}/{i}/{r}/{ri}         GET, PUT, DELETE
//   {path}/discover          GET discover (depth 1..3)
//   {path}/observe           POST observe, DELETE cancel the observation
//   {path}/attributes        PUT write-attributes: ?pmin=10&pmax=60&gt=..&st=.. and/or a
//                            JSON body {"pmin":10,...}; an empty value (?gt=) or null clears
//   composite/read           POST {"paths":["/3/0/0","/3303/0/5700"]}
//   composite/observe        POST {"paths":[..]} observes, DELETE {"paths":[..]} cancels
//   composite/write          POST {"values":{"/3/0/14":"+01:00","/1/0/1":300}}
// Write bodies: {"value": v} on a resource or resource instance, {"values":{"<id>":v}}
// on an instance or a multiple resource, values typed by the object model.
// Every body may add "format", "timeout" and "ttl" as the command codec reads
// them; the query may too: format= (tlv, senml-json, senml-cbor, lwm2m-json,
// lwm2m-cbor, text, opaque, or a number), timeout= (seconds to wait for the
// device), ttl= (seconds the request may wait for a sleeping device), async.
// The URL gives the operation and the path: a body naming "operation", "path"
// or "partial" is refused.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridges/http/rest_target.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/model/path.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/result.h"

namespace lwm2m::bridges::http {

enum class ResourceAction { None, Discover, Observe, Attributes, CompositeRead, CompositeWrite, CompositeObserve };

struct ResourceTarget {
  model::Path path;  // root for the composites
  ResourceAction action = ResourceAction::None;
};

// The resource segments as a path and an action. Errors (Invalid) name the
// malformed id ("instance id 'x' is not a number", out of range, too deep);
// NotFound for a word that names no resource.
Result<ResourceTarget> parseResource(const std::vector<std::string>& resource);

// The methods the resource accepts, as an Allow header value: "GET, POST".
std::string_view allowedMethods(const ResourceTarget& target);

struct ResourceCall {
  operations::DeviceRequest request;
  bool async = false;  // ?async: answer 202 at once
  // How long the caller wants to wait for the device (timeout= or "timeout");
  // nullopt: the configured default. Also the request's own timeout.
  std::optional<std::chrono::milliseconds> timeout;
};

// Precondition: `method` is among allowedMethods(target). Errors (Invalid)
// name the field or parameter that is wrong.
Result<ResourceCall> resourceCall(std::string_view method, const ResourceTarget& target, const RestTarget& url,
                                  std::string_view body, const model::ObjectModel& model);

}  // namespace lwm2m::bridges::http
