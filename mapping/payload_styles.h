#pragma once
// Internal: the message bodies of each payload style. Records passed in are
// already filtered by the rule and in path order.

#include <string>
#include <vector>

#include "lwm2m/model/object_model.h"
#include "mapping/device_event.h"
#include "mapping/json_values.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

// The Content-Type of a style's bodies: text/plain for value,
// application/senml+json for senml, application/json for the others.
std::string contentTypeOf(PayloadStyle style);

// Consecutive records sharing the first `depth` path levels (3: one resource
// with its instances; 2: one object instance).
std::vector<std::vector<const Record*>> groupBy(const std::vector<const Record*>& records, int depth);

struct StyleInput {
  const DeviceEvent& event;
  const model::ObjectModel& model;
  const Transform& transform;
};

// value: one resource's value as text; a multiple resource as a JSON object
// {"<instance id>": value}.
std::string valuePayload(const StyleInput& in, const std::vector<const Record*>& resource);
// value, for several resources: {"<path>": value | {"<ri>": value}, ...}.
std::string valuesByPathPayload(const StyleInput& in, const std::vector<std::vector<const Record*>>& resources);
// json: {"endpoint","path","name","value","type","unit","timestamp"} for one resource.
std::string jsonPayload(const StyleInput& in, const std::vector<const Record*>& resource);
// tree: {"endpoint","path","object","timestamp","resources":{"<id>": value | {"<ri>": value}}}.
std::string treePayload(const StyleInput& in, const model::Path& instance,
                        const std::vector<const Record*>& records);
// senml: [{"bn":"/","n":"3303/0/5700","v":21.5,"t":...}, ...] (RFC 8428, LwM2M names).
std::string senmlPayload(const StyleInput& in, const std::vector<const Record*>& records);
// event: {"event","endpoint","gateway","timestamp", registration facts or
// request facts, "values":[{"path","value"}]}.
std::string eventPayload(const StyleInput& in, const std::vector<const Record*>& records);
// The result of a command in the json style: {"id","correlation","endpoint",
// "operation","path","code","status","values","links"}; status is the code's
// name, "timeout", "reset", "queued" or "expired". Values of resources
// `model` does not know carry their "type".
std::string jsonResultPayload(const DeviceEvent& event, const model::ObjectModel& model);

// EMQX wire format: register/update/notify messages and command results.
std::string emqxEventPayload(const DeviceEvent& event, const std::vector<const Record*>& records);
std::string emqxResultPayload(const DeviceEvent& event);

// The fields of a firmware package transfer into an open JSON object: "mode",
// "state", "sha256", "size", "bytes", "blocks", "totalBlocks", and "error"
// when it failed. Shared by the progress events and the REST transfer resource.
void writeTransfer(JsonWriter& out, const gateway::api::TransferProgress& t);
// The storage condition's members: "state", "reason", "free", "reserve",
// "movedTo" (the ones that are set); in `storage` events and GET /health.
void writeStorage(JsonWriter& out, const gateway::api::StorageCondition& s);

}  // namespace lwm2m::mapping
