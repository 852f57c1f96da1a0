#pragma once
// Turns what devices report on their own — notifications of observed values
// and LwM2M Send — into api::DeviceEvents (Notification, Send) for the
// bridges. Each report is an uplink: a queue-mode device is awake.
//
// Contract: I/O thread only; events are handed to `publish` in arrival order.
// The event handed over lives until `publish` returns (one event is refilled
// for every report; a report made while `publish` runs gets its own).

#include <functional>
#include <vector>

#include "gateway/api/device_directory.h"
#include "gateway/api/device_events.h"
#include "gateway/core/device_presence.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/server/observation_registry.h"
#include "lwm2m/server/send_handler.h"

namespace lwm2m::gateway {

class DeviceReports : public server::NotificationListener, public server::SendListener {
 public:
  using Publish = std::function<void(const api::DeviceEvent&)>;
  DeviceReports(DevicePresence& presence, const api::DeviceDirectory& devices, const coap::Scheduler& clock,
                Publish publish)
      : presence_(presence), devices_(devices), clock_(clock), publish_(std::move(publish)) {}

  void onNotification(const server::NotificationEvent& event) override;
  void onObservationEnded(const std::string& endpoint, const std::vector<model::Path>& paths,
                          const std::string& reason) override;
  void onSend(const server::SendEvent& event) override;

 private:
  api::DeviceEvent eventFor(api::DeviceEventKind kind, const std::string& endpoint) const;
  // Fills the event of one report (kind, device, time, then `fill` its
  // facts) and publishes it.
  void report(api::DeviceEventKind kind, const std::string& endpoint,
              const std::function<void(api::DeviceEvent&)>& fill);

  DevicePresence& presence_;
  const api::DeviceDirectory& devices_;
  const coap::Scheduler& clock_;
  Publish publish_;
  api::DeviceEvent reused_{api::DeviceEventKind::Notification, {}, {}};
  bool publishing_ = false;  // reused_ is being published
};

}  // namespace lwm2m::gateway
