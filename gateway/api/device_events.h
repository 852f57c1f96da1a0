#pragma once
// Events about devices that the bridges subscribe to.
//
// Threading contract: events are delivered on the gateway's I/O thread (the one
// io_context). A listener must not block: it copies what it needs and hands
// slow work (network, disk) to its own thread or queue.

#include <chrono>
#include <string_view>

#include "gateway/api/device_info.h"

namespace lwm2m::gateway::api {

// Awake/Asleep: a queue-mode device became reachable / unreachable.
enum class DeviceEventKind { Registered, Updated, Deregistered, Expired, Awake, Asleep };

// "registered", "updated", "deregistered", "expired", "awake", "asleep": the {kind} in topics and JSON.
std::string_view toString(DeviceEventKind kind);

struct DeviceEvent {
  DeviceEventKind kind;
  DeviceInfo device;  // the registration as it is after (or, when it ended, as it was before) the event
  std::chrono::system_clock::time_point at;
};

class DeviceEventListener {
 public:
  virtual ~DeviceEventListener() = default;
  virtual void onDeviceEvent(const DeviceEvent& event) = 0;
};

}  // namespace lwm2m::gateway::api
