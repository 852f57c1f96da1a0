#include "gateway/auto_observer.h"

#include <spdlog/spdlog.h>

#include "bridges/mqtt/mapped_event.h"
#include "gateway/device_registry.h"
#include "mapping/command_encoding.h"
#include "mapping/router.h"

namespace lwm2m::gateway {
namespace {

std::vector<model::Path> objectLinks(const mapping::DeviceEvent& event) { return event.registration.objectLinks; }

}  // namespace

void AutoObserver::restored(const server::Registration& reg) {
  api::DeviceEvent event{api::DeviceEventKind::Registered, toDeviceInfo(reg, clock_), clock_.wallNow()};
  if (auto mapped = bridges::mqtt::toMappingEvent(event, {})) known_[reg.endpoint] = objectLinks(*mapped);
}

void AutoObserver::onRegistered(const server::Registration& reg, const server::Registration*) {
  observe(reg, false, {});
}

void AutoObserver::onUpdated(const server::Registration& reg) {
  auto it = known_.find(reg.endpoint);
  observe(reg, true, it == known_.end() ? std::vector<model::Path>{} : it->second);
}

void AutoObserver::observe(const server::Registration& reg, bool update, std::vector<model::Path> before) {
  api::DeviceEvent event{update ? api::DeviceEventKind::Updated : api::DeviceEventKind::Registered,
                         toDeviceInfo(reg, clock_), clock_.wallNow()};
  auto mapped = bridges::mqtt::toMappingEvent(event, {});
  if (!mapped) return;
  mapped->registration.previousObjectLinks = std::move(before);
  known_[reg.endpoint] = mapped->registration.objectLinks;
  if (!rules_ || (update && mapped->registration.objectLinks == mapped->registration.previousObjectLinks)) return;
  for (const mapping::DeviceCommand& command : mapping::autoObserve(*rules_, *mapped, model_)) {
    const std::string json = mapping::toCommandJson(command);
    commands_.submit(reg.endpoint, json, [endpoint = reg.endpoint, json](api::CommandAcceptance a) {
      if (a.status == api::CommandAcceptance::Status::Queued) {
        spdlog::debug("device {}: auto-observe {} as {}", endpoint, json, a.requestId);
      } else {
        spdlog::warn("device {}: auto-observe {} not possible: {}", endpoint, json, a.error);
      }
    });
  }
}

}  // namespace lwm2m::gateway
