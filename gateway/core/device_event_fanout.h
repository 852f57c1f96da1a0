#pragma once
// Turns the LwM2M server's registration events into api::DeviceEvents for
// every subscribed bridge, and logs each one.

#include <functional>
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
  void subscribe(api::DeviceEventListener* listener) { listeners_.push_back({listener, false}); }
  // A listener that stores what it is told in the gateway database (an
  // outbox): publishStep() tells it inside a request's step, so that its
  // writes commit with the step (gateway/core/request_queue.h).
  void subscribeStoring(api::DeviceEventListener* listener) { listeners_.push_back({listener, true}); }

  void onRegistered(const server::Registration& reg, const server::Registration* replaced) override;
  void onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) override;
  void onDeregistered(const server::Registration& reg) override;
  void onExpired(const server::Registration& reg) override;
  void onAwake(const std::string& endpoint) override;
  // Any other event (commands): to every listener as it is.
  void publish(const api::DeviceEvent& event);
  // A command event of a request's step: to the storing listeners now (inside
  // the step), to the others through `afterCommit` (once the step committed),
  // so that no REST answer, event stream or counter tells what a crash may
  // still take back.
  void publishStep(const api::DeviceEvent& event, const std::function<void(std::function<void()>)>& afterCommit);
  void onAsleep(const std::string& endpoint) override;

 private:
  void publish(api::DeviceEventKind kind, const server::Registration& reg);

  const coap::Scheduler& clock_;
  const server::RegistrationStore& registrations_;
  struct Subscriber {
    api::DeviceEventListener* listener;
    bool storing;
  };
  std::vector<Subscriber> listeners_;
  // The registration events' DeviceEvent, refilled for each (every Update
  // makes one): its strings and vectors keep their capacity. Only its kind,
  // device and time are ever set. Not while publishing_ (a listener's reaction
  // gets an event of its own).
  api::DeviceEvent reused_{api::DeviceEventKind::Updated, {}, {}};
  server::ObjectLinks linksFilled_;  // the list reused_'s object links were copied from
  bool publishing_ = false;
};

}  // namespace lwm2m::gateway
