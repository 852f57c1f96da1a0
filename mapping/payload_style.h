#pragma once
// How the mapping renders and reads message bodies, and the names of CoAP
// codes in replies. Operations are named in lwm2m/operations/operation.h,
// event kinds in gateway/api/device_events.h, reply routes in
// gateway/api/reply_route.h: the mapping uses those, it does not rename them.

#include <optional>
#include <string_view>

namespace lwm2m::mapping {

// How a message body is rendered (uplink) or read (downlink).
enum class PayloadStyle {
  Value,  // bare value as text
  Json,   // JSON object (value, type, unit, timestamp, path, endpoint)
  Senml,  // SenML JSON array of every value in the event
  Tree,   // one JSON object per object instance, resources keyed by id
  Event,  // JSON description of a lifecycle event
  Emqx,   // EMQX LwM2M gateway wire format
};

std::string_view toString(PayloadStyle style);
std::optional<PayloadStyle> parsePayloadStyle(std::string_view name);

// "content", "changed", "bad_request", ... for a CoAP code "2.05"; "" when unknown.
std::string_view coapCodeName(std::string_view code);

}  // namespace lwm2m::mapping
