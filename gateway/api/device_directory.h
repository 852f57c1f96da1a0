#pragma once
// Read access to the registered devices, for the REST API and status topics.
//
// Threading contract: call only on the gateway's I/O thread; a bridge running
// elsewhere posts to that thread's executor and copies the result back.

#include <optional>
#include <string_view>
#include <vector>

#include "gateway/api/device_info.h"

namespace lwm2m::gateway::api {

class DeviceDirectory {
 public:
  virtual ~DeviceDirectory() = default;
  // Every registered device, ordered by endpoint name.
  virtual std::vector<DeviceInfo> devices() const = 0;
  virtual std::optional<DeviceInfo> find(std::string_view endpoint) const = 0;
  // find() into `into` (its strings and vectors keep their capacity): for a
  // caller that asks for every report a device makes. False, `into`
  // untouched, when the endpoint is not registered.
  virtual bool fill(std::string_view endpoint, DeviceInfo& into) const {
    auto found = find(endpoint);
    if (!found) return false;
    into = std::move(*found);
    return true;
  }
};

}  // namespace lwm2m::gateway::api
