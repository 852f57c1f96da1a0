#pragma once
// Turns the LwM2M server's registration events into api::DeviceEvents for
// every subscribed bridge, and logs each one.

#include <vector>

#include "gateway/api/device_events.h"
#include "gateway/core/device_presence.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::gateway {

class DeviceEventFanout : public server::RegistrationListener, public PresenceListener {
 public:
  DeviceEventFanout(const coap::Scheduler& clock, const server::RegistrationStore& registrations)
      : clock_(clock), registrations_(registrations) {}

  // Listeners must outlive this object; called on the I/O thread in order added.
  void subscribe(api::DeviceEventListener* listener) { listeners_.push_back(listener); }

  void onRegistered(const server::Registration& reg, const server::Registration* replaced) override;
  void onUpdated(const server::Registration& reg) override;
  void onDeregistered(const server::Registration& reg) override;
  void onExpired(const server::Registration& reg) override;
  void onAwake(const std::string& endpoint) override;
  // Any other event (commands): to every listener as it is.
  void publish(const api::DeviceEvent& event);
  void onAsleep(const std::string& endpoint) override;

 private:
  void publish(api::DeviceEventKind kind, const server::Registration& reg);

  const coap::Scheduler& clock_;
  const server::RegistrationStore& registrations_;
  std::vector<api::DeviceEventListener*> listeners_;
};

}  // namespace lwm2m::gateway
