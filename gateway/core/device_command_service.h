#pragma once
// api::DeviceOps on top of the durable RequestQueue and the LwM2M
// server's RequestSender: every command is validated, stored, delivered when
// the device is reachable, and its result published as a Response event.
// A response counts as an uplink (the device is awake); a timeout puts a
// queue-mode device to sleep.

#include <functional>

#include "gateway/api/device_ops.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/device_events.h"
#include "gateway/core/device_presence.h"
#include "gateway/core/request_queue.h"
#include "lwm2m/server/request_sender.h"

namespace lwm2m::gateway {

class DeviceCommandService : public api::DeviceOps,
                             public server::RegistrationListener,
                             public PresenceListener {
 public:
  using Publish = std::function<void(const api::DeviceEvent&)>;

  DeviceCommandService(RequestQueue& queue, server::RequestSender& sender, DevicePresence& presence,
                       const api::DeviceDirectory& devices,
                       const coap::Scheduler& clock, Publish publish);

  // The queue's Deliverer and Listener: install with RequestQueue's constructor / setListener.
  void deliver(const QueuedRequest& request, std::function<void(bool deviceAnswered)> done);
  void onQueueEvent(const QueueEvent& event);

  void submit(api::Command command, std::function<void(Result<std::string>)> accepted) override;
  std::vector<api::QueuedCommand> queued(const std::string& endpoint) const override;
  Result<void> cancel(const std::string& requestId) override;

  // A registration or wake-up makes the device reachable: deliver what waits.
  void onRegistered(const server::Registration& reg, const server::Registration*) override;
  void onUpdated(const server::Registration& reg) override;
  void onDeregistered(const server::Registration&) override {}
  void onExpired(const server::Registration&) override {}
  void onAwake(const std::string& endpoint) override;
  void onAsleep(const std::string&) override {}

 private:
  void publish(api::DeviceEventKind kind, const QueuedRequest& request, std::string reason);
  void publishResponse(const QueuedRequest& request, operations::DeviceResponse response);
  api::DeviceEvent eventFor(api::DeviceEventKind kind, const QueuedRequest& request) const;

  RequestQueue& queue_;
  server::RequestSender& sender_;
  DevicePresence& presence_;
  const api::DeviceDirectory& devices_;
  const coap::Scheduler& clock_;
  Publish publish_;
};

}  // namespace lwm2m::gateway
