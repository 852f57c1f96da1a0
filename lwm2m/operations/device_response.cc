#include "lwm2m/operations/device_response.h"

#include <utility>

namespace lwm2m::operations {

std::string_view outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::Success: return "success";
    case Outcome::DeviceError: return "device-error";
    case Outcome::Timeout: return "timeout";
    case Outcome::Reset: return "reset";
    case Outcome::NotRegistered: return "not-registered";
    case Outcome::BadRequest: return "bad-request";
    case Outcome::InvalidResponse: return "invalid-response";
  }
  return "unknown";
}

DeviceResponse DeviceResponse::failure(Outcome outcome, std::string reason) {
  DeviceResponse r;
  r.outcome = outcome;
  r.reason = std::move(reason);
  return r;
}

std::vector<model::TimestampedNodes> reportedValues(const DeviceResponse& response, const model::Path& path) {
  if (!response.timestamped.empty()) return response.timestamped;
  if (response.node) return {model::TimestampedNodes{std::nullopt, {{path, *response.node}}}};
  if (!response.nodes.empty()) return {model::TimestampedNodes{std::nullopt, response.nodes}};
  return {};
}

}  // namespace lwm2m::operations
