#include "gateway/core/auto_observer.h"

#include <spdlog/spdlog.h>

#include "gateway/core/device_registry.h"
#include "mapping/command_codec.h"
#include "mapping/router.h"

namespace lwm2m::gateway {
namespace {

std::vector<model::Path> objectLinks(const mapping::DeviceEvent& event) { return event.registration.objectLinks; }

}  // namespace

void AutoObserver::restored(const server::Registration& reg) {
  api::DeviceEvent event{api::DeviceEventKind::Registered, toDeviceInfo(reg, clock_), clock_.wallNow()};
  if (auto mapped = std::optional<mapping::DeviceEvent>(mapping::viewOf(event, {}))) known_[reg.endpoint] = objectLinks(*mapped);
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
  auto mapped = std::optional<mapping::DeviceEvent>(mapping::viewOf(event, {}));
  if (!mapped) return;
  mapped->registration.previousObjectLinks = std::move(before);
  known_[reg.endpoint] = mapped->registration.objectLinks;
  if (!rules_ || (update && mapped->registration.objectLinks == mapped->registration.previousObjectLinks)) return;
  for (api::Command& command : mapping::autoObserve(*rules_, *mapped, *models_.current())) {
    std::string what = std::string(operations::operationName(command.request.operation)) + " " +
                       command.request.targets().front().toString();
    commands_.submit(std::move(command), [endpoint = reg.endpoint, what](Result<std::string> id) {
      if (id) {
        spdlog::debug("device {}: auto-observe {} as {}", endpoint, what, *id);
      } else {
        spdlog::warn("device {}: auto-observe {} not possible: {}", endpoint, what, id.error().message);
      }
    });
  }
}

}  // namespace lwm2m::gateway
