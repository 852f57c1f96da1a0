#pragma once
// Times each notification from its arrival to the broker's acknowledgement
// of the MQTT messages the mapping made of it:
//   lwm2m_gateway_notification_publish_duration_seconds (histogram)
// One observation per QoS >= 1 message (QoS 0 has no acknowledgement to wait
// for, and a message restored from the outbox after a restart has no arrival
// time: neither is timed).
//
// Two decorators, both in the composition root so that neither the MQTT
// bridge nor the mapping learns about metrics:
//  - TimedOutbox wraps the MQTT link's outbox: a message appended while a
//    notification is being handled is stamped with that notification's
//    arrival; the broker's acknowledgement (Outbox::acknowledged) observes it.
//  - TimedUplink wraps the uplink listener of the event fan-out: it marks the
//    notification being handled around the uplink's synchronous call, during
//    which the uplink publishes (and so appends) what the mapping made of it.
//
// Threading contract: I/O thread, like the outbox calls and the events.

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "bridges/mqtt/outbox.h"
#include "gateway/api/device_events.h"
#include "lwm2m/coap/scheduler.h"
#include "metrics/registry.h"

namespace lwm2m::gateway {

class TimedOutbox final : public bridges::mqtt::Outbox {
 public:
  // `store` keeps the messages; both it and `registry` must outlive this.
  TimedOutbox(bridges::mqtt::Outbox& store, metrics::Registry& registry, const coap::Scheduler& clock);

  // Messages appended from now until clearOrigin() came from a notification
  // that arrived at `arrival`.
  void setOrigin(std::chrono::steady_clock::time_point arrival) { origin_ = arrival; }
  void clearOrigin() { origin_.reset(); }

  std::int64_t append(const mapping::OutboundMessage& message,
                      std::function<void(Result<void>)> committed) override;
  void remove(std::int64_t id) override;
  void acknowledged(std::int64_t id) override;
  Result<std::vector<bridges::mqtt::StoredMessage>> loadAfter(std::int64_t afterId, std::size_t limit) override;
  Result<std::size_t> count() override;
  Result<std::size_t> dropOldestBeyond(std::size_t bound) override;

 private:
  bridges::mqtt::Outbox& store_;
  const coap::Scheduler& clock_;
  metrics::Histogram& duration_;
  std::optional<std::chrono::steady_clock::time_point> origin_;
  // Outbox id → arrival of its notification, until acknowledged or removed.
  // Bounded (kMaxTimed) so that a long broker outage cannot grow it unseen.
  std::unordered_map<std::int64_t, std::chrono::steady_clock::time_point> arrivals_;
};

class TimedUplink final : public api::DeviceEventListener {
 public:
  TimedUplink(api::DeviceEventListener& uplink, TimedOutbox& outbox, const coap::Scheduler& clock)
      : uplink_(uplink), outbox_(outbox), clock_(clock) {}

  void onDeviceEvent(const api::DeviceEvent& event) override;

 private:
  api::DeviceEventListener& uplink_;
  TimedOutbox& outbox_;
  const coap::Scheduler& clock_;
};

}  // namespace lwm2m::gateway
