#pragma once
// DeviceHub: the one listener of the LwM2M server's registration events and
// of presence changes. It hands each event to the services in the order their
// contracts need, written here once:
//  1. registration persistence: the registration is stored before anyone acts on it;
//  2. fan-out: the bridges hear of it (registered, updated, deregistered, expired);
//  3. presence: a queue-mode device is awake, or forgotten when it leaves;
//  4. observations: a device that left drops its observations;
//  5. queue-mode sender: what waits for the device goes out;
//  6. Send handler: forgets a device that left;
//  7. auto-observe: the mapping's observations are set up.
// Presence changes (awake, asleep) go to the fan-out, then the queue-mode sender.
//
// Threading contract: I/O thread only; every service must outlive the hub.

#include "gateway/core/auto_observer.h"
#include "gateway/core/device_event_fanout.h"
#include "gateway/core/device_presence.h"
#include "gateway/core/queue_mode_sender.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::gateway {

class DeviceHub : public server::RegistrationListener, public PresenceListener {
 public:
  struct Services {
    server::RegistrationListener& persistence;
    DeviceEventFanout& fanout;
    server::RegistrationListener& presence;
    server::RegistrationListener& observations;
    QueueModeSender& queueMode;
    server::RegistrationListener& send;
    AutoObserver& autoObserver;
  };

  explicit DeviceHub(Services services) : s_(services) {}

  void onRegistered(const server::Registration& reg, const server::Registration* replaced) override;
  void onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) override;
  void onDeregistered(const server::Registration& reg) override;
  void onExpired(const server::Registration& reg) override;
  void onAwake(const std::string& endpoint) override;
  void onAsleep(const std::string& endpoint) override;

 private:
  template <class Call>
  void inOrder(Call call);

  Services s_;
};

}  // namespace lwm2m::gateway
