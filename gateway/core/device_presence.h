#pragma once
// Whether a device can be reached now. A device in queue mode (b=UQ in 1.0, Q
// in 1.1+) is awake for `awakeWindow` after each uplink (register, update,
// notification, send, response) and asleep after it, or as soon as a request
// to it times out. Other registered devices are always reachable.
//
// Contract: I/O thread only; listeners hear Awake/Asleep transitions only
// (never twice the same state in a row) for queue-mode devices.

#include <chrono>
#include <optional>
#include <vector>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::gateway {

class PresenceListener {
 public:
  virtual ~PresenceListener() = default;
  virtual void onAwake(const std::string& endpoint) = 0;
  virtual void onAsleep(const std::string& endpoint) = 0;
};

class DevicePresence {
 public:
  // awakeWindow: the daemon's lwm2m.awake_window_s, by default CoAP
  // MAX_TRANSMIT_WAIT of its coap.* timers (93 s with RFC 7252's defaults).
  DevicePresence(coap::Scheduler& scheduler, std::chrono::milliseconds awakeWindow);
  ~DevicePresence();
  DevicePresence(const DevicePresence&) = delete;
  DevicePresence& operator=(const DevicePresence&) = delete;

  void addListener(PresenceListener* listener) { listeners_.push_back(listener); }

  // The device registered (an uplink): it is awake now.
  void registered(const std::string& endpoint, bool queueMode);
  // Update (queue mode may have changed), notification, send, response.
  void uplink(const std::string& endpoint, std::optional<bool> queueMode = std::nullopt);
  // A request to the device went unanswered: a queue-mode device is asleep.
  void requestTimedOut(const std::string& endpoint);
  // De-registered or expired: no longer reachable at all.
  void forget(const std::string& endpoint);

  bool isReachable(std::string_view endpoint) const;
  bool isQueueMode(std::string_view endpoint) const;

 private:
  struct Device {
    bool queueMode = false;
    bool awake = false;
    coap::Scheduler::TimerId sleepTimer = 0;
  };
  void wake(const std::string& endpoint, Device& device);
  void sleep(const std::string& endpoint, Device& device);

  coap::Scheduler& scheduler_;
  std::chrono::milliseconds window_;
  std::unordered_map<std::string, Device> devices_;
  std::vector<PresenceListener*> listeners_;
};

// Feeds registration events into DevicePresence: Register and Update are
// uplinks; De-register and expiry end the device's presence.
class PresenceFeed : public server::RegistrationListener {
 public:
  explicit PresenceFeed(DevicePresence& presence) : presence_(presence) {}
  void onRegistered(const server::Registration& reg, const server::Registration*) override {
    presence_.registered(reg.endpoint, reg.queueMode);
  }
  void onUpdated(const server::Registration& reg, const server::RegistrationChanges&) override {
    presence_.uplink(reg.endpoint, reg.queueMode);
  }
  void onDeregistered(const server::Registration& reg) override { presence_.forget(reg.endpoint); }
  void onExpired(const server::Registration& reg) override { presence_.forget(reg.endpoint); }
  // A registration restored after a restart: known, but a queue-mode device is
  // asleep until it sends something.
  void restored(const server::Registration& reg) {
    presence_.registered(reg.endpoint, reg.queueMode);
    if (reg.queueMode) presence_.requestTimedOut(reg.endpoint);
  }

 private:
  DevicePresence& presence_;
};

}  // namespace lwm2m::gateway
