#pragma once
// api::DeviceOps on top of the QueueModeSender (storing, presence, delivery)
// and the RequestQueue (listing, cancelling): every command is stored and
// delivered when the device is reachable, and its life published as events
// (Queued, Response, RequestExpired, RequestCancelled).
//
// A command for a device the gateway does not know (not registered, nothing
// queued for it) is refused with NotFound, unless its endpoint name matches
// one of the expected endpoints (globs, queue.expected_endpoints): then it is
// queued for the device's first registration (pre-provisioning).
//
// Every command is checked against the CommandLimits (mapping/command_limits.h)
// before anything else: texts that are not UTF-8 or too long, and values too
// large to reach a device, are refused with Invalid and the reason, never
// stored.

#include <functional>
#include <string>
#include <vector>

#include "gateway/api/device_ops.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/device_events.h"
#include "gateway/core/queue_mode_sender.h"
#include "gateway/core/request_queue.h"
#include "lwm2m/coap/scheduler.h"
#include "mapping/command_limits.h"

namespace lwm2m::gateway {

class DeviceCommandService : public api::DeviceOps {
 public:
  using Publish = std::function<void(const api::DeviceEvent&)>;

  // Installs itself as `sender`'s response handler.
  DeviceCommandService(RequestQueue& queue, QueueModeSender& sender, const api::DeviceDirectory& devices,
                       const coap::Scheduler& clock, Publish publish);

  // Globs (fnmatch: *, ?, [...]) of endpoints accepted before they register.
  void setExpectedEndpoints(std::vector<std::string> globs) { expected_ = std::move(globs); }
  void setLimits(const mapping::CommandLimits& limits) { limits_ = limits; }

  // The queue's Listener: install with RequestQueue::setListener.
  void onQueueEvent(const QueueEvent& event);

  void submit(api::Command command, std::function<void(Result<std::string>)> accepted) override;
  std::vector<api::QueuedCommand> queued(const std::string& endpoint) const override;
  Result<void> cancel(const std::string& requestId) override;

 private:
  bool isKnown(const std::string& endpoint) const;
  void publish(api::DeviceEventKind kind, const QueuedRequest& request, std::string reason);
  void publishResponse(const QueuedRequest& request, operations::DeviceResponse response);
  api::DeviceEvent eventFor(api::DeviceEventKind kind, const QueuedRequest& request) const;

  RequestQueue& queue_;
  QueueModeSender& sender_;
  const api::DeviceDirectory& devices_;
  const coap::Scheduler& clock_;
  Publish publish_;
  std::vector<std::string> expected_;
  mapping::CommandLimits limits_;
};

}  // namespace lwm2m::gateway
