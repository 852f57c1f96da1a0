#pragma once
// The gateway's view of registered devices for the bridges: implements
// api::DeviceDirectory over the LwM2M server's registrations and converts a
// server::Registration into the plain api::DeviceInfo the bridges see.

#include <string>

#include "gateway/api/device_directory.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"
#include "lwm2m/server/registration_store.h"

namespace lwm2m::gateway {

// The inverse of coap::toString(Peer): "127.0.0.1:5683" or "[::1]:5683".
Result<coap::Peer> parsePeer(std::string_view text);

api::DeviceInfo toDeviceInfo(const server::Registration& reg, const coap::Scheduler& clock);
// The same into an existing DeviceInfo: every field is overwritten, the
// strings and vectors keep their capacity (no allocation when they fit).
void fillDeviceInfo(api::DeviceInfo& info, const server::Registration& reg, const coap::Scheduler& clock);
// The same, for a DeviceInfo refilled again and again (one per event): its
// object links are copied only when `reg`'s list is not `linksFilled`, the
// list they were last copied from, which is then remembered there. A fleet's
// devices share one list (server::ObjectLinks), so most refills skip them.
void refillDeviceInfo(api::DeviceInfo& info, server::ObjectLinks& linksFilled, const server::Registration& reg,
                      const coap::Scheduler& clock);

class DeviceRegistry : public api::DeviceDirectory {
 public:
  DeviceRegistry(const server::RegistrationStore& store, const coap::Scheduler& clock)
      : store_(store), clock_(clock) {}

  std::vector<api::DeviceInfo> devices() const override;
  std::optional<api::DeviceInfo> find(std::string_view endpoint) const override;
  bool fill(std::string_view endpoint, api::DeviceInfo& into) const override;

 private:
  const server::RegistrationStore& store_;
  const coap::Scheduler& clock_;
};

}  // namespace lwm2m::gateway
