#pragma once
// The JSON shapes of the REST API: devices, the health and readiness reports.
//
// Device:  {"endpoint":"sensor-1","registrationId":"a1b2","lwm2m":"1.1","binding":"U",
//           "queueMode":false,"lifetime":300,"sms":"","address":"127.0.0.1:40000",
//           "rootPath":"/","objects":["/1/0","/3/0"],
//           "objectLinks":[{"path":"/3/0","attributes":{"ver":"1.1"}}],
//           "registeredAt":"2026-11-22T04:50:56.123Z","lastUpdateAt":"…","expiresAt":"…"}

#include <string>
#include <string_view>
#include <vector>

#include "bridges/http/request_tracker.h"
#include "gateway/api/device_info.h"
#include "gateway/api/device_ops.h"
#include "gateway/api/firmware.h"
#include "gateway/api/health.h"
#include "gateway/api/latest_values.h"
#include "lwm2m/model/object_model.h"

namespace lwm2m::bridges::http {

std::string toJson(const gateway::api::DeviceInfo& device);
// {"status":"ok","version":"0.1.0","uptime":12,"devices":3,"mqtt":"connected"}; with
// mqttOutbox also "mqttOutbox":{"waiting":0,"published":9,"dropped":0,"rejected":0}.
// With queuedRequests also "queuedRequests":2; with dtls also "dtls":{"sessions":1,
// "handshakesInProgress":0,"handshakes":3,"failedHandshakes":1}; with
// webhooks "webhooks":[{"name","waiting","delivered","retries","dropped","deadLettered"}];
// with eventStreams "eventStreams":{"open":1,"opened":3,"cutOff":0}.
std::string toJson(const gateway::api::HealthReport& health);
// {"<key>":[{"requestId","operation","command":{..},"acceptedAt","expiresAt","inFlight",
// "location":"/api/v1/requests/{id}"}]}: requests waiting for a device.
std::string queuedJson(std::string_view key, const std::vector<gateway::api::QueuedCommand>& commands);
// {"requestId":id,"status":status}
std::string statusJson(const std::string& requestId, std::string_view status);
// {"requestId","endpoint","state":"queued","location"}: a 202 Accepted.
std::string acceptedJson(const std::string& endpoint, const std::string& requestId, const std::string& location);
// A request resource: {"requestId","endpoint","state","acceptedAt","command":{..},
// "result":{..} once finished, "transfer":<transfer> of a firmware package write};
// state "in-flight" when `inFlight`.
std::string requestJson(const TrackedRequest& request, bool inFlight, const model::ObjectModel& model);
// Cached values: {"endpoint","values":[{"path","value","type","timestamp":<s>,
// "time":"<ISO 8601>","age_s":<s>,"source":"notification"|"send"|"response"}]}.
std::string valuesJson(const std::string& endpoint, const std::vector<gateway::api::LatestValue>& values,
                       std::chrono::system_clock::time_point now);
// {"status":"not ready","notReady":["mqtt"],"checks":{"storage":{"ready":true,
// "detail":"…"},"mqtt":{"ready":false,"detail":"…"}}}; "status":"ready" and an
// empty "notReady" when every check is ready.
std::string toJson(const gateway::api::ReadinessReport& report);
// <transfer>: {"requestId","endpoint","mode":"push"|"pull","state":"queued"|
//   "transferring"|"delivered"|"failed","sha256","size","bytes","blocks",
//   "totalBlocks","startedAt","updatedAt"[,"error"]}
std::string toJson(const gateway::api::TransferProgress& transfer);
// ISO 8601 UTC with milliseconds, e.g. "2026-11-22T04:50:56.123Z".
std::string toIso8601(std::chrono::system_clock::time_point t);

}  // namespace lwm2m::bridges::http
