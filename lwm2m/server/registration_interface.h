#pragma once
// The server side of the LwM2M Registration Interface: Register (POST /rd),
// Update (POST /rd/{id}), De-register (DELETE /rd/{id}) and lifetime expiry.
//
// Contract:
// - Runs on the I/O thread; handle() is given every request whose first Uri-Path
//   segment is "rd".
// - A listener hears of a change only after the response to the request that
//   caused it has been handed to the endpoint, so no downlink request triggered
//   by the event can overtake the 2.01/2.04/2.02.
// - A registration ends at last Register/Update + lifetime + grace; it is then
//   removed and listeners get onExpired(). (An Update that keeps the lifetime
//   sets no timer: the one armed before finds the later deadline and waits on.)

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/server/registration_authorizer.h"
#include "lwm2m/server/registration_request.h"
#include "lwm2m/server/registration_store.h"

namespace lwm2m::server {

// What an Update changed in a registration: values compared before and after,
// not parameters present (an Update that repeats its object links changes
// nothing). Every Update refreshes the lifetime deadline (and lastUpdateAt).
struct RegistrationChanges {
  bool lifetime = false;
  bool binding = false;    // b= as sent
  bool queueMode = false;
  bool smsNumber = false;
  bool objectLinks = false;
  bool rootPath = false;
  bool peer = false;       // the Update came from another address

  // Anything beyond the refreshed deadline.
  bool any() const { return lifetime || binding || queueMode || smsNumber || objectLinks || rootPath || peer; }
};

class RegistrationListener {
 public:
  virtual ~RegistrationListener() = default;
  // `replaced` is the previous registration of the same endpoint, if the
  // client registered again without de-registering (it restarted).
  virtual void onRegistered(const Registration& reg, const Registration* replaced) = 0;
  virtual void onUpdated(const Registration& reg, const RegistrationChanges& changes) = 0;
  virtual void onDeregistered(const Registration& reg) = 0;
  virtual void onExpired(const Registration& reg) = 0;
  // The device now speaks from reg.peer, learnt from a notification or a
  // response rather than an Update (NAT rebinding). Default: nothing.
  virtual void onRebound(const Registration& reg) { (void)reg; }
};

struct RegistrationSettings {
  RegistrationPolicy policy;
  std::chrono::seconds lifetimeGrace{0};
};

class RegistrationInterface {
 public:
  RegistrationInterface(coap::Scheduler& scheduler, RegistrationSettings settings,
                        std::function<std::uint32_t()> random);
  ~RegistrationInterface();
  RegistrationInterface(const RegistrationInterface&) = delete;
  RegistrationInterface& operator=(const RegistrationInterface&) = delete;

  // Listeners are called in the order added; they must outlive this object.
  void addListener(RegistrationListener* listener);
  // Asked before every Register, Update and De-register; a refusal is
  // answered 4.03. Must outlive this object; nullptr: everybody may.
  void setAuthorizer(const RegistrationAuthorizer* authorizer) { authorizer_ = authorizer; }

  void handle(const coap::Peer& from, const coap::Message& request,
              const coap::Endpoint::Responder& respond);
  // The same, with the request's Uri-Path already split (its first segment "rd").
  void handle(const coap::Peer& from, const coap::Message& request, std::span<const std::string_view> path,
              const coap::Endpoint::Responder& respond);

  // Puts back a registration kept across a restart, with its remaining lifetime.
  // No event is emitted.
  void restore(Registration reg);

  const RegistrationStore& registrations() const { return store_; }

  // The device now speaks from `peer` (NAT rebinding seen on a notification
  // or a response): later requests go there, and listeners hear onRebound()
  // if the address changed. Unknown id, or `peer` refused by the authorizer
  // for this endpoint: no-op.
  void rebind(std::string_view id, const coap::Peer& peer);

 private:
  void onRegister(const coap::Peer& from, const coap::Message& request,
                  const coap::Endpoint::Responder& respond);
  void onUpdate(std::string_view id, const coap::Peer& from, const coap::Message& request,
                const coap::Endpoint::Responder& respond);
  void onDeregister(std::string_view id, const coap::Peer& from,
                    const coap::Endpoint::Responder& respond);
  bool refused(const coap::Peer& from, std::string_view endpoint,
               const coap::Endpoint::Responder& respond) const;
  void armExpiry(const Registration& reg);
  void expire(const std::string& id);
  std::string newRegistrationId();
  std::chrono::steady_clock::time_point deadline(std::uint32_t lifetime) const;

  coap::Scheduler& scheduler_;
  RegistrationSettings settings_;
  std::function<std::uint32_t()> random_;
  RegistrationStore store_;
  std::unordered_map<std::string, coap::Scheduler::TimerId> expiryTimers_;
  std::vector<RegistrationListener*> listeners_;
  const RegistrationAuthorizer* authorizer_ = nullptr;
};

}  // namespace lwm2m::server
