#pragma once
// The JSON shapes of the REST API: devices and the health report.
//
// Device:  {"endpoint":"sensor-1","registrationId":"a1b2","lwm2m":"1.1","binding":"U",
//           "queueMode":false,"lifetime":300,"sms":"","address":"127.0.0.1:40000",
//           "rootPath":"/","objects":["/1/0","/3/0"],
//           "objectLinks":[{"path":"/3/0","attributes":{"ver":"1.1"}}],
//           "registeredAt":"2026-11-22T04:50:56.123Z","lastUpdateAt":"…","expiresAt":"…"}

#include <string>

#include "gateway/api/device_info.h"
#include "gateway/api/health.h"

namespace lwm2m::bridges::http {

std::string toJson(const gateway::api::DeviceInfo& device);
// {"status":"ok","version":"0.1.0","uptime":12,"devices":3,"mqtt":"connected"}; with
// mqttOutbox also "mqttOutbox":{"waiting":0,"published":9,"dropped":0,"rejected":0}; with
// webhooks "webhooks":[{"name","waiting","delivered","retries","dropped","deadLettered"}];
// with eventStreams "eventStreams":{"open":1,"opened":3,"cutOff":0}.
std::string toJson(const gateway::api::HealthReport& health);
// ISO 8601 UTC with milliseconds, e.g. "2026-11-22T04:50:56.123Z".
std::string toIso8601(std::chrono::system_clock::time_point t);

}  // namespace lwm2m::bridges::http
