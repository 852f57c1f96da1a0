#pragma once
// OutboundMessage: one MQTT publication the mapping asks a bridge to make.

#include <string>

namespace lwm2m::mapping {

struct OutboundMessage {
  std::string topic;
  std::string payload;  // bytes (UTF-8 text for every built-in style)
  int qos = 0;
  bool retain = false;
  // MQTT 5 properties; empty when absent (an MQTT 3.1.1 bridge ignores them).
  std::string responseTopic;
  std::string correlationData;
  std::string contentType;
};

}  // namespace lwm2m::mapping
