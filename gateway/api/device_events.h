#pragma once
// Events about devices that the bridges subscribe to.
//
// Threading contract: events are delivered on the gateway's I/O thread (the one
// io_context). A listener must not block: it copies what it needs and hands
// slow work (network, disk) to its own thread or queue.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/api/device_info.h"

namespace lwm2m::gateway::api {

// Awake/Asleep: a queue-mode device became reachable / unreachable.
// Queued .. RequestCancelled: the life of a command (see device_commands.h).
enum class DeviceEventKind {
  Registered, Updated, Deregistered, Expired, Awake, Asleep,
  Queued, Response, RequestExpired, RequestCancelled
};

// "registered", "updated", "deregistered", "expired", "awake", "asleep", "queued",
// "response", "expired-request", "cancelled-request": the {kind} in topics and JSON.
std::string_view toString(DeviceEventKind kind);

// The command a command event is about.
struct CommandInfo {
  std::string requestId;
  std::string operation;  // "read", "write", ...
  std::string command;    // the command JSON as accepted
  std::string result;     // Response only: the result JSON (see gateway/command_json.h)
  std::string reason;     // RequestExpired: why
};

struct DeviceEvent {
  DeviceEventKind kind;
  DeviceInfo device;  // the registration as it is after (or, when it ended, as it was before) the
                      // event; for command events of an unregistered device only the endpoint
  std::chrono::system_clock::time_point at;
  std::optional<CommandInfo> command;  // command events only
};

class DeviceEventListener {
 public:
  virtual ~DeviceEventListener() = default;
  virtual void onDeviceEvent(const DeviceEvent& event) = 0;
};

}  // namespace lwm2m::gateway::api
