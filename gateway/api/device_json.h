#pragma once
// The JSON shape of devices, as the REST API shows them.
//
// Device:  {"endpoint":"sensor-1","registrationId":"a1b2","lwm2m":"1.1","binding":"U",
//           "queueMode":false,"lifetime":300,"sms":"","address":"127.0.0.1:40000",
//           "rootPath":"/","objects":["/1/0","/3/0"],
//           "objectLinks":[{"path":"/3/0","attributes":{"ver":"1.1"}}],
//           "registeredAt":"2026-11-22T04:50:56.123Z","lastUpdateAt":"…","expiresAt":"…"}

#include <string>

#include "gateway/api/device_info.h"

namespace lwm2m::gateway::api {

std::string toJson(const DeviceInfo& device);
// ISO 8601 UTC with milliseconds, e.g. "2026-11-22T04:50:56.123Z".
std::string toIso8601(std::chrono::system_clock::time_point t);

}  // namespace lwm2m::gateway::api
