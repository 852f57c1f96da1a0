#include "gateway/core/device_hub.h"

namespace lwm2m::gateway {

template <class Call>
void DeviceHub::inOrder(Call call) {
  server::RegistrationListener* order[] = {&s_.persistence, &s_.fanout, &s_.presence, &s_.observations,
                                           &s_.queueMode,   &s_.send,   &s_.autoObserver};
  for (server::RegistrationListener* listener : order) call(*listener);
}

void DeviceHub::onRegistered(const server::Registration& reg, const server::Registration* replaced) {
  inOrder([&](server::RegistrationListener& l) { l.onRegistered(reg, replaced); });
}

void DeviceHub::onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) {
  inOrder([&](server::RegistrationListener& l) { l.onUpdated(reg, changes); });
}

void DeviceHub::onDeregistered(const server::Registration& reg) {
  inOrder([&](server::RegistrationListener& l) { l.onDeregistered(reg); });
}

void DeviceHub::onExpired(const server::Registration& reg) {
  inOrder([&](server::RegistrationListener& l) { l.onExpired(reg); });
}

void DeviceHub::onAwake(const std::string& endpoint) {
  s_.fanout.onAwake(endpoint);
  s_.queueMode.onAwake(endpoint);
}

void DeviceHub::onAsleep(const std::string& endpoint) {
  s_.fanout.onAsleep(endpoint);
  s_.queueMode.onAsleep(endpoint);
}

}  // namespace lwm2m::gateway
