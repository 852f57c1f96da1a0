#pragma once
// A decoded DeviceCommand as the gateway's JSON command (the shape its REST
// API accepts and its durable queue stores, see gateway/command_json.h), with
// the reply route kept inside it under "reply", so that the route survives
// with the queued command and comes back with its events.

#include <optional>
#include <string>
#include <string_view>

#include "mapping/device_command.h"
#include "mapping/reply_route.h"

namespace lwm2m::mapping {

// {"operation":"write","path":"/3/0/14","value":"+01:00","ttl":600,"reply":{...}}.
// Values keep their model types: numbers, booleans, Opaque as base64.
std::string toCommandJson(const DeviceCommand& command);

// The reply route stored in a command JSON; nullopt when it has none or it
// cannot be read (a command submitted through REST).
std::optional<ReplyRoute> replyRouteOf(std::string_view commandJson);

}  // namespace lwm2m::mapping
