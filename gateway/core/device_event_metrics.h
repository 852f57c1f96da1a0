#pragma once
// DeviceEventMetrics: counts what the device events tell (registrations,
// notifications, Send, the outcome of every request) and times each command
// from its acceptance to its answer. One more listener of the event fan-out,
// like a bridge; it changes nothing.
//
//   lwm2m_gateway_registrations_total               Register (a re-registration included)
//   lwm2m_gateway_registration_updates_total        Update
//   lwm2m_gateway_deregistrations_total             De-register
//   lwm2m_gateway_registration_expirations_total    lifetime ran out
//   lwm2m_gateway_notifications_total               Observe notifications received
//   lwm2m_gateway_send_requests_total               LwM2M 1.1 Send received
//   lwm2m_gateway_requests_total{operation,outcome} every request that ended; outcome is the
//       DeviceResponse's (success, device_error, timeout, reset, not_registered, bad_request,
//       invalid_response), or expired / cancelled while it waited in the queue
//   lwm2m_gateway_command_duration_seconds          accepted (stored, "queued") → the
//       device's answer; a sleeping device's command includes its wait
//
// Threading contract: I/O thread (events are delivered there), like every
// listener of the fan-out. The clock is the injected scheduler's.

#include <chrono>
#include <string>
#include <unordered_map>

#include "gateway/api/device_events.h"
#include "lwm2m/coap/scheduler.h"
#include "metrics/registry.h"

namespace lwm2m::gateway {

class DeviceEventMetrics : public api::DeviceEventListener {
 public:
  // Registers the families above in `registry`, which must outlive this.
  DeviceEventMetrics(metrics::Registry& registry, const coap::Scheduler& clock);

  void onDeviceEvent(const api::DeviceEvent& event) override;

  // Commands accepted and not yet ended (timed for the duration histogram).
  std::size_t pendingCommands() const { return acceptedAt_.size(); }

 private:
  void ended(const api::CommandInfo& command, std::string_view outcome);

  const coap::Scheduler& clock_;
  metrics::Counter& registrations_;
  metrics::Counter& updates_;
  metrics::Counter& deregistrations_;
  metrics::Counter& expirations_;
  metrics::Counter& notifications_;
  metrics::Counter& sends_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Histogram& commandDuration_;
  // Request id → when it was accepted. Bounded: beyond kMaxPending (a flood of
  // commands for sleeping devices) new commands go untimed, never unbounded.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> acceptedAt_;
};

}  // namespace lwm2m::gateway
