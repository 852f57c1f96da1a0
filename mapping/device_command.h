#pragma once
// What the downlink side of the mapping reads: one message from the cloud.
// What it makes of it is a gateway::api::Command (gateway/api/device_ops.h):
// the endpoint, a typed DeviceRequest and the reply route.

#include <string>

#include "gateway/api/device_ops.h"

namespace lwm2m::mapping {

using gateway::api::Command;

// One message received from the cloud.
struct InboundMessage {
  std::string topic;
  std::string payload;
  std::string responseTopic;    // MQTT 5 Response Topic, "" when absent
  std::string correlationData;  // MQTT 5 Correlation Data, "" when absent
};

}  // namespace lwm2m::mapping
