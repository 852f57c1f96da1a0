#include "gateway/core/device_reports.h"

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {
namespace {

std::string joined(const std::vector<model::Path>& paths) {
  std::string out;
  for (const auto& p : paths) out += (out.empty() ? "" : ",") + p.toString();
  return out;
}

}  // namespace

api::DeviceEvent DeviceReports::eventFor(api::DeviceEventKind kind, const std::string& endpoint) const {
  api::DeviceEvent event;
  event.kind = kind;
  if (auto device = devices_.find(endpoint)) {
    event.device = std::move(*device);
  } else {
    event.device.endpoint = endpoint;
  }
  event.at = clock_.wallNow();
  return event;
}

void DeviceReports::report(api::DeviceEventKind kind, const std::string& endpoint,
                           const std::function<void(api::DeviceEvent&)>& fill) {
  if (publishing_) {  // a reaction to the report being published
    api::DeviceEvent event = eventFor(kind, endpoint);
    fill(event);
    publish_(event);
    return;
  }
  publishing_ = true;
  api::DeviceEvent& event = reused_;
  struct Done {
    api::DeviceEvent& event;
    bool& publishing;
    ~Done() {
      event.values.clear();  // a large Send's values are not kept until the next report
      publishing = false;
    }
  } done{event, publishing_};
  event.kind = kind;
  if (!devices_.fill(endpoint, event.device)) {
    event.device = {};
    event.device.endpoint = endpoint;
  }
  event.at = clock_.wallNow();
  event.paths.clear();
  event.sequence.reset();  // values were cleared after the last report
  fill(event);
  publish_(event);
}

void DeviceReports::onNotification(const server::NotificationEvent& n) {
  presence_.uplink(n.endpoint);
  if (n.values.outcome != operations::Outcome::Success) {
    spdlog::warn("device {}: notification {} on {} not understood: {}", n.endpoint, n.sequence, joined(n.paths),
                 n.values.reason);
    return;
  }
  spdlog::debug("device {}: notification {} on {}", n.endpoint, n.sequence, joined(n.paths));
  report(api::DeviceEventKind::Notification, n.endpoint, [&n](api::DeviceEvent& event) {
    event.paths = n.paths;
    event.sequence = n.sequence;
    event.values = operations::reportedValues(n.values, n.paths.empty() ? model::Path() : n.paths.front());
  });
}

void DeviceReports::onObservationEnded(const std::string& endpoint, const std::vector<model::Path>& paths,
                                       const std::string& reason) {
  spdlog::info("device {}: observation of {} ended: {}", endpoint, joined(paths), reason);
}

void DeviceReports::onSend(const server::SendEvent& s) {
  presence_.uplink(s.endpoint);
  spdlog::debug("device {}: Send with {} timestamp(s)", s.endpoint, s.values.size());
  report(api::DeviceEventKind::Send, s.endpoint, [&s](api::DeviceEvent& event) { event.values = s.values; });
}

}  // namespace lwm2m::gateway
