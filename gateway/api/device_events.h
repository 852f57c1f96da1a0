#pragma once
// Events about devices that the bridges subscribe to.
//
// Threading contract: events are delivered on the gateway's I/O thread (the one
// io_context). A listener must not block: it copies what it needs and hands
// slow work (network, disk) to its own thread or queue.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/device_info.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/path.h"

namespace lwm2m::gateway::api {

// Awake/Asleep: a queue-mode device became reachable / unreachable.
// Notification: a value the gateway observes changed; Send: the device
// reported values on its own (LwM2M 1.1 Send).
// Queued .. RequestCancelled: the life of a command (see device_commands.h).
enum class DeviceEventKind {
  Registered, Updated, Deregistered, Expired, Awake, Asleep, Notification, Send,
  Queued, Response, RequestExpired, RequestCancelled
};

// "registered", "updated", "deregistered", "expired", "awake", "asleep", "notification",
// "send", "queued", "response", "expired-request", "cancelled-request": the {kind} in
// topics and JSON.
std::string_view toString(DeviceEventKind kind);

// The command a command event is about.
struct CommandInfo {
  std::string requestId;
  std::string operation;  // "read", "write", ...
  std::string command;    // the command JSON as accepted
  std::string result;     // Response only: the result JSON (see gateway/command_json.h)
  std::string reason;     // RequestExpired: why
  // Response only:
  std::string outcome;             // "success", "device-error", "timeout", "reset", ...
  std::string code;                // the device's CoAP code, "2.05"; "" without an answer
  std::vector<std::string> links;  // Discover: one CoRE link each, "</3/0/1>;dim=2"
  std::optional<model::Path> createdPath;  // Create
};

struct DeviceEvent {
  DeviceEventKind kind;
  DeviceInfo device;  // the registration as it is after (or, when it ended, as it was before) the
                      // event; for command events of an unregistered device only the endpoint
  std::chrono::system_clock::time_point at;
  std::optional<CommandInfo> command;  // command events only

  // Notification, Send and Response: what the device reported, one entry per
  // timestamp (time nullopt when the payload had none).
  std::vector<model::TimestampedNodes> values;
  // Notification: the observed path(s); Response: the command's path(s).
  std::vector<model::Path> paths;
  std::optional<std::uint32_t> sequence;  // Notification: its Observe number
};

class DeviceEventListener {
 public:
  virtual ~DeviceEventListener() = default;
  virtual void onDeviceEvent(const DeviceEvent& event) = 0;
};

}  // namespace lwm2m::gateway::api
