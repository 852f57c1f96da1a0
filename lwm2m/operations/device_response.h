#pragma once
// DeviceResponse: how one DeviceRequest ended, with the device's answer
// decoded into typed values. Exactly one per request.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/link_format.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/path.h"

namespace lwm2m::operations {

enum class Outcome : std::uint8_t {
  Success,          // a 2.xx answer
  DeviceError,      // a 4.xx/5.xx answer: see code / codeName / reason
  Timeout,          // no answer within the request's timeout
  Reset,            // the device answered RST
  NotRegistered,    // no registration for that endpoint
  BadRequest,       // the request cannot be sent as asked: see reason
  InvalidResponse,  // the device answered with a body we cannot decode: see reason
};

// "success", "device-error", "timeout", "reset", "not-registered",
// "bad-request", "invalid-response".
std::string_view outcomeName(Outcome outcome);

struct DeviceResponse {
  Outcome outcome = Outcome::Success;
  std::string code;      // "2.05" when the device answered
  std::string codeName;  // "content", "not_found", ...
  std::string reason;    // what went wrong, or the device's diagnostic payload
  std::optional<model::Node> node;                   // Read, Observe: the node at the path
  model::NodesByPath nodes;                          // Read-/Observe-Composite
  std::vector<model::TimestampedNodes> timestamped;  // values with times, when the format has them
  std::vector<formats::Link> links;                  // Discover
  std::optional<model::Path> createdPath;            // Create: from Location-Path
  std::optional<formats::ContentFormat> contentFormat;  // of the answer's body
  std::optional<std::uint32_t> observeSequence;      // Observe responses
  // Timeout only: the device acknowledged the request (it was awake) but its
  // answer did not come in time; false when not even an acknowledgement came.
  bool acknowledged = false;

  bool ok() const { return outcome == Outcome::Success; }
  static DeviceResponse failure(Outcome outcome, std::string reason);
};

}  // namespace lwm2m::operations
