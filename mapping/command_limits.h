#pragma once
// The limits a command is checked against where it enters the gateway (the
// MQTT downlink, the REST API), before it is stored: what could not reach a
// device, or would be echoed back unbounded, is refused at once with the
// reason, instead of waiting in the queue to fail at delivery.

#include <cstddef>
#include <string_view>

#include "lwm2m/operations/device_request.h"
#include "lwm2m/result.h"

namespace lwm2m::mapping {

struct CommandLimits {
  // A command's id and correlation (json "id", "correlation"; EMQX "reqID"):
  // UTF-8, at most this many bytes (queue.max_id_bytes).
  std::size_t idBytes = 256;
  // Each text a command carries (a String or Corelnk value, Execute
  // arguments): UTF-8, at most this many bytes (queue.max_string_bytes).
  std::size_t stringBytes = 64 * 1024;
  // The values of one command together, in bytes (strings, opaque bytes;
  // 8 per number): the largest body the gateway sends a device
  // (coap.max_body_size, block-wise included).
  std::size_t valueBytes = 1024 * 1024;
};

// Invalid "<field>: ..." when `id` is not UTF-8 or longer than idBytes. The
// message never repeats the id.
Result<void> checkCommandId(std::string_view field, std::string_view id, const CommandLimits& limits);

// Invalid with the path and the reason when a text of `request` is not UTF-8
// or too long, or its values together exceed valueBytes.
Result<void> checkCommandLimits(const operations::DeviceRequest& request, const CommandLimits& limits);

}  // namespace lwm2m::mapping
