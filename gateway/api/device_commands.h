#pragma once
// Commands from the cloud for devices, as the bridges submit them.
//
// Every accepted command is stored durably before it is acknowledged
// ("queued"), delivered when the device is reachable (at once if it is awake,
// when it wakes if it sleeps in queue mode), in the order accepted, at most
// once. Its life is told by events (device_events.h): Queued, then Response
// (with the result) or RequestExpired (with the reason), or RequestCancelled.
//
// Threading contract: call on the gateway's I/O thread; callbacks come there too.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lwm2m::gateway::api {

struct CommandAcceptance {
  enum class Status { Queued, Invalid, QueueFull, StoreFailed };
  Status status = Status::Queued;
  std::string requestId;  // when Queued
  std::string error;      // otherwise: what was wrong, in words
};

struct QueuedCommand {
  std::string requestId;
  std::string endpoint;
  std::string operation;
  std::string command;  // JSON
  std::chrono::system_clock::time_point acceptedAt;
  std::chrono::system_clock::time_point expiresAt;
  bool inFlight = false;  // handed to the device, can no longer be cancelled
};

class DeviceCommands {
 public:
  virtual ~DeviceCommands() = default;
  // `command` is the JSON command shape of gateway/command_json.h.
  virtual void submit(const std::string& endpoint, const std::string& command,
                      std::function<void(CommandAcceptance)> done) = 0;
  virtual std::vector<QueuedCommand> queued(const std::string& endpoint) const = 0;
  // Empty on success; otherwise why it cannot be cancelled. `found` tells 404 from 409.
  virtual std::string cancel(const std::string& requestId, bool& found) = 0;
};

}  // namespace lwm2m::gateway::api
