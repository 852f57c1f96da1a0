#pragma once
// DeviceOps: the port through which bridges send operations to devices.
//
// Every accepted command is stored durably before it is acknowledged, then
// delivered when the device is reachable (at once if it is awake, when it
// wakes if it sleeps in queue mode), in the order accepted. Its life is told
// by events (device_events.h): Queued, then Response (with the typed
// DeviceResponse) or RequestExpired (with the reason), or RequestCancelled.
// The delivery guarantees per operation are written once, in
// gateway/core/request_queue.h.
//
// Errors use the one vocabulary of lwm2m/result.h: Invalid (the request
// cannot be sent as asked), NotFound (unknown request, or a device that is not
// registered, has nothing queued and is not expected: queue.expected_endpoints),
// QueueFull, StoreFailed, InFlight (too late to cancel).
//
// Threading contract: call on the gateway's I/O thread; callbacks come there too.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gateway/api/reply_route.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway::api {

// A command as a bridge submits it.
struct Command {
  std::string endpoint;
  operations::DeviceRequest request;
  ReplyRoute reply;  // stored with the request and returned in its events

  friend bool operator==(const Command&, const Command&) = default;
};

// A command stored and not yet finished.
struct QueuedCommand {
  std::string requestId;
  Command command;
  std::chrono::system_clock::time_point acceptedAt;
  std::chrono::system_clock::time_point expiresAt;
  bool inFlight = false;  // handed to the device, can no longer be cancelled
};

class DeviceOps {
 public:
  virtual ~DeviceOps() = default;
  // `accepted` gets the request id once the command is stored, or the error.
  virtual void submit(Command command, std::function<void(Result<std::string>)> accepted) = 0;
  virtual std::vector<QueuedCommand> queued(const std::string& endpoint) const = 0;
  // NotFound: no such request; InFlight: already handed to the device.
  virtual Result<void> cancel(const std::string& requestId) = 0;
};

}  // namespace lwm2m::gateway::api
