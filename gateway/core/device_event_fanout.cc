#include "gateway/core/device_event_fanout.h"

#include <spdlog/spdlog.h>

#include "gateway/core/device_registry.h"

namespace lwm2m::gateway {

void DeviceEventFanout::onRegistered(const server::Registration& reg,
                                     const server::Registration* replaced) {
  if (replaced) {
    spdlog::info("device {} registered again from {} (rd/{} replaces rd/{}), LwM2M {}, lifetime {} s",
                 reg.endpoint, coap::toString(reg.peer), reg.id, replaced->id, reg.version, reg.lifetime);
  } else {
    spdlog::info("device {} registered from {} as rd/{}, LwM2M {}, binding {}, lifetime {} s",
                 reg.endpoint, coap::toString(reg.peer), reg.id, reg.version, reg.binding, reg.lifetime);
  }
  publish(api::DeviceEventKind::Registered, reg);
}

void DeviceEventFanout::onUpdated(const server::Registration& reg, const server::RegistrationChanges&) {
  // Every Update comes here: the address is formatted only when it is logged.
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("device {} updated rd/{} from {}", reg.endpoint, reg.id, coap::toString(reg.peer));
  }
  publish(api::DeviceEventKind::Updated, reg);
}

void DeviceEventFanout::onDeregistered(const server::Registration& reg) {
  spdlog::info("device {} de-registered rd/{}", reg.endpoint, reg.id);
  publish(api::DeviceEventKind::Deregistered, reg);
}

void DeviceEventFanout::onExpired(const server::Registration& reg) {
  spdlog::info("device {} registration rd/{} expired (lifetime {} s without Update)", reg.endpoint,
               reg.id, reg.lifetime);
  publish(api::DeviceEventKind::Expired, reg);
}

void DeviceEventFanout::onAwake(const std::string& endpoint) {
  if (const server::Registration* reg = registrations_.findByEndpoint(endpoint)) {
    spdlog::debug("device {} is awake", endpoint);
    publish(api::DeviceEventKind::Awake, *reg);
  }
}

void DeviceEventFanout::onAsleep(const std::string& endpoint) {
  if (const server::Registration* reg = registrations_.findByEndpoint(endpoint)) {
    spdlog::debug("device {} is asleep", endpoint);
    publish(api::DeviceEventKind::Asleep, *reg);
  }
}

void DeviceEventFanout::publish(const api::DeviceEvent& event) {
  for (const Subscriber& s : listeners_) s.listener->onDeviceEvent(event);
}

void DeviceEventFanout::publishStep(const api::DeviceEvent& event,
                                    const std::function<void(std::function<void()>)>& afterCommit) {
  for (const Subscriber& s : listeners_) {
    if (s.storing) s.listener->onDeviceEvent(event);
  }
  afterCommit([this, event] {
    for (const Subscriber& s : listeners_) {
      if (!s.storing) s.listener->onDeviceEvent(event);
    }
  });
}

void DeviceEventFanout::publish(api::DeviceEventKind kind, const server::Registration& reg) {
  if (listeners_.empty()) return;
  if (publishing_) {  // a listener's reaction: the reused event is in use
    api::DeviceEvent event{kind, toDeviceInfo(reg, clock_), clock_.wallNow()};
    for (const Subscriber& s : listeners_) s.listener->onDeviceEvent(event);
    return;
  }
  publishing_ = true;
  struct Done {
    bool& publishing;
    ~Done() { publishing = false; }
  } done{publishing_};
  reused_.kind = kind;
  refillDeviceInfo(reused_.device, linksFilled_, reg, clock_);
  reused_.at = clock_.wallNow();
  for (const Subscriber& s : listeners_) s.listener->onDeviceEvent(reused_);
}

}  // namespace lwm2m::gateway
