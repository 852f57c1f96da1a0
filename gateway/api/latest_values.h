#pragma once
// LatestValues: the last value the gateway saw of each resource of each
// device (from notifications, Send reports and read results), so a bridge can
// answer without waking the device. A bounded, in-memory view: a value may be
// missing (never seen, or evicted), never wrong about when it was seen.
//
// Threading contract: call on the gateway's I/O thread.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/device_events.h"
#include "lwm2m/model/path.h"
#include "lwm2m/model/value.h"

namespace lwm2m::gateway::api {

struct LatestValue {
  model::Path path;  // a resource or resource-instance path
  model::Value value;
  // The device's own timestamp when it sent one, else when the gateway received it.
  std::chrono::system_clock::time_point at;
  DeviceEventKind source = DeviceEventKind::Notification;  // Notification, Send or Response

  friend bool operator==(const LatestValue&, const LatestValue&) = default;
};

class LatestValues {
 public:
  virtual ~LatestValues() = default;
  // The values of `endpoint` at or below `under` (the root: all), in path order.
  virtual std::vector<LatestValue> latest(std::string_view endpoint, const model::Path& under = {}) const = 0;
};

}  // namespace lwm2m::gateway::api
