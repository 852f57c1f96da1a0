#pragma once
// OutboundMessage: one MQTT publication the mapping asks a bridge to make.

#include <chrono>
#include <cstdint>
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
  // Set by an uplink rule with `batch` (rule_set.h): the bridge may gather
  // this message with others of its topic. `joinArrays`: the payload is a
  // JSON array (SenML) whose elements join the batch, instead of the payload.
  struct Batching {
    std::uint32_t maxMessages = 0;  // 0 or 1: published on its own
    std::chrono::milliseconds maxDelay{0};
    bool joinArrays = false;
  } batching;
};

}  // namespace lwm2m::mapping
