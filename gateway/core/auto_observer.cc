#include "gateway/core/auto_observer.h"

#include <spdlog/spdlog.h>

#include "gateway/core/device_registry.h"
#include "lwm2m/spare_buckets.h"
#include "mapping/command_codec.h"
#include "mapping/router.h"

namespace lwm2m::gateway {
namespace {

std::vector<model::Path> objectLinks(const mapping::DeviceEvent& event) { return event.registration.objectLinks; }

}  // namespace

bool AutoObserver::observes() const { return rules_ && !rules_->observe().empty(); }

void AutoObserver::restored(const server::Registration& reg) {
  if (!observes()) return;
  api::DeviceEvent event{api::DeviceEventKind::Registered, toDeviceInfo(reg, clock_), clock_.wallNow()};
  if (auto mapped = std::optional<mapping::DeviceEvent>(mapping::viewOf(event, {}))) known_[reg.endpoint] = objectLinks(*mapped);
}

void AutoObserver::onRegistered(const server::Registration& reg, const server::Registration*) {
  cancelSubmitted(reg.endpoint);
  if (!observes()) {
    known_.erase(reg.endpoint);  // links of an earlier registration, seen under earlier rules
    return;
  }
  observe(reg, false, {});
}

void AutoObserver::departed(const std::string& endpoint) {
  known_.erase(endpoint);
  releaseSpareBuckets(known_);
  cancelSubmitted(endpoint);
}

void AutoObserver::cancelSubmitted(const std::string& endpoint) {
  auto it = submitted_.find(endpoint);
  if (it == submitted_.end()) return;
  // Finished ones are NotFound, those handed to the device InFlight: both end by themselves.
  for (const std::string& id : it->second) (void)commands_.cancel(id);
  submitted_.erase(it);
}

void AutoObserver::onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) {
  if (!observes()) return;
  auto it = known_.find(reg.endpoint);
  // Only other object links (or another alternate path, which decides what
  // is an object) can call for new observations.
  if (!changes.objectLinks && !changes.rootPath && it != known_.end()) return;
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
    commands_.submit(std::move(command), [this, alive = alive_, endpoint = reg.endpoint, what](Result<std::string> id) {
      if (id) {
        spdlog::debug("device {}: auto-observe {} as {}", endpoint, what, *id);
        if (!*alive) return;
        if (known_.count(endpoint)) {
          submitted_[endpoint].push_back(*id);
        } else {
          (void)commands_.cancel(*id);  // the device left while it was being stored
        }
      } else {
        spdlog::warn("device {}: auto-observe {} not possible: {}", endpoint, what, id.error().message);
      }
    });
  }
}

}  // namespace lwm2m::gateway
