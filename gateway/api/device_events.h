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
#include "gateway/api/firmware.h"
#include "gateway/api/reply_route.h"
#include "gateway/api/storage.h"
#include "lwm2m/model/node.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/model/path.h"

namespace lwm2m::gateway::api {

// Awake/Asleep: a queue-mode device became reachable / unreachable.
// Notification: a value the gateway observes changed; Send: the device
// reported values on its own (LwM2M 1.1 Send).
// Queued .. RequestCancelled: the life of a command (see device_ops.h).
// BootstrapStarted .. BootstrapFailed: a bootstrap by the gateway's bootstrap
// server (the device is not registered: DeviceInfo has the endpoint and the
// address it bootstraps from; BootstrapFailed has the reason).
// Progress: how far a firmware package transfer got (firmware.h), about once
// a second while it moves.
// Storage: the gateway's storage changed condition (storage.h): it became
// full or failing, came back, or a damaged database was moved aside. A
// gateway event: no device (the endpoint is empty); mapping rules get it only
// when they name it in match.events.
enum class DeviceEventKind {
  Registered, Updated, Deregistered, Expired, Awake, Asleep, Notification, Send,
  Queued, Response, RequestExpired, RequestCancelled,
  BootstrapStarted, BootstrapFinished, BootstrapFailed, Progress, Storage
};

// "registered", "updated", "deregistered", "expired", "awake", "asleep", "notification",
// "send", "queued", "response", "expired-request", "cancelled-request",
// "bootstrap-started", "bootstrap-finished", "bootstrap-failed", "progress", "storage": the
// {kind} in topics and JSON.
std::string_view toString(DeviceEventKind kind);
std::optional<DeviceEventKind> parseDeviceEventKind(std::string_view name);
// Every kind's name, comma separated, for error messages.
std::string deviceEventKindNames();
// True for the kinds that carry values (notification, send, response).
bool carriesValues(DeviceEventKind kind);

// The command a command event is about, as it was accepted.
struct CommandInfo {
  std::string requestId;
  operations::DeviceRequest request;
  ReplyRoute reply;
  std::optional<operations::DeviceResponse> response;  // Response only: how it ended
  std::string reason;                                  // RequestExpired: why
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
  std::string reason;  // BootstrapFailed: the failed step and its cause (never a key)
  std::optional<TransferProgress> transfer;  // Progress only
  std::optional<StorageCondition> storage;   // Storage only
};

class DeviceEventListener {
 public:
  virtual ~DeviceEventListener() = default;
  virtual void onDeviceEvent(const DeviceEvent& event) = 0;
};

}  // namespace lwm2m::gateway::api
