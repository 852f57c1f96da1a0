#pragma once
// Turns the LwM2M server's registration events into api::DeviceEvents for
// every subscribed bridge, and logs each one.

#include <vector>

#include "gateway/api/device_events.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::gateway {

class DeviceEventFanout : public server::RegistrationListener {
 public:
  explicit DeviceEventFanout(const coap::Scheduler& clock) : clock_(clock) {}

  // Listeners must outlive this object; called on the I/O thread in order added.
  void subscribe(api::DeviceEventListener* listener) { listeners_.push_back(listener); }

  void onRegistered(const server::Registration& reg, const server::Registration* replaced) override;
  void onUpdated(const server::Registration& reg) override;
  void onDeregistered(const server::Registration& reg) override;
  void onExpired(const server::Registration& reg) override;

 private:
  void publish(api::DeviceEventKind kind, const server::Registration& reg);

  const coap::Scheduler& clock_;
  std::vector<api::DeviceEventListener*> listeners_;
};

}  // namespace lwm2m::gateway
