#pragma once
// QueueModeSender: the LwM2M request sender as devices in queue mode need it.
// Presence tracking and "hold until awake" sit together here, around
// server::RequestSender, with the durable RequestQueue behind them (in the
// spirit of Leshan's QueueModeLwM2mRequestSender, except that a request for
// a sleeping device is stored and delivered when it wakes, not refused).
//
// Contract:
// - send() stores the request (RequestQueue: durable before it counts as
//   accepted, in order, its delivery guarantees are stated there) and it goes
//   out at once when the device is reachable, else at its next uplink
//   (Register, Update, any message that shows it awake).
// - Every answer counts as an uplink (the device is awake), and so does an
//   acknowledgement. A request to a queue-mode device that is not even
//   acknowledged in time puts the device to sleep (Asleep), so the rest of its
//   queue waits for its next wake-up instead of timing out one by one; the
//   request itself is then kept or interrupted by its class (request_queue.h)
//   and reaches no response handler. Any other timeout is the request's
//   answer ("timeout") and the device's next request goes out at once.
// - Exactly one response per request finished by its delivery reaches the
//   response handler.
// - An answer that comes after its request's timeout is ignored (debug log).
//
// Threading contract: I/O thread only.

#include <functional>
#include <string>

#include "gateway/api/reply_route.h"
#include "gateway/core/device_presence.h"
#include "gateway/core/request_queue.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/server/registration_interface.h"
#include "lwm2m/server/request_sender.h"

namespace lwm2m::gateway {

class QueueModeSender : public server::RegistrationListener, public PresenceListener {
 public:
  using ResponseHandler = std::function<void(const QueuedRequest&, operations::DeviceResponse)>;

  // Every reference must outlive this object.
  QueueModeSender(RequestQueue& queue, server::RequestSender& sender, DevicePresence& presence);

  void setResponseHandler(ResponseHandler handler) { onResponse_ = std::move(handler); }

  // Stores the request and delivers it when the device is reachable.
  // `accepted`: the stored request, or QueueFull / StoreFailed / Invalid.
  void send(const std::string& endpoint, operations::DeviceRequest request, api::ReplyRoute reply,
            std::function<void(Result<QueuedRequest>)> accepted);

  // The queue's Deliverer (install with RequestQueue's constructor).
  void deliver(const QueuedRequest& request, std::function<void(DeliveryResult)> done);

  // A registration or wake-up makes the device reachable: deliver what waits.
  void onRegistered(const server::Registration& reg, const server::Registration*) override;
  void onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) override;
  void onDeregistered(const server::Registration&) override {}
  void onExpired(const server::Registration&) override {}
  void onAwake(const std::string& endpoint) override;
  void onAsleep(const std::string&) override {}

 private:
  RequestQueue& queue_;
  server::RequestSender& sender_;
  DevicePresence& presence_;
  ResponseHandler onResponse_;
};

}  // namespace lwm2m::gateway
