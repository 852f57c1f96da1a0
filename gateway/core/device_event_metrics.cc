#include "gateway/core/device_event_metrics.h"

#include <algorithm>

#include "lwm2m/spare_buckets.h"

namespace lwm2m::gateway {
namespace {

constexpr std::size_t kMaxPending = 100000;

constexpr operations::Outcome kOutcomes[] = {
    operations::Outcome::Success,       operations::Outcome::DeviceError, operations::Outcome::Timeout,
    operations::Outcome::Reset,         operations::Outcome::NotRegistered, operations::Outcome::BadRequest,
    operations::Outcome::InvalidResponse};

constexpr operations::Operation kOperations[] = {
    operations::Operation::Read,          operations::Operation::Discover,
    operations::Operation::WriteReplace,  operations::Operation::WriteUpdate,
    operations::Operation::WriteAttributes, operations::Operation::Execute,
    operations::Operation::Create,        operations::Operation::Delete,
    operations::Operation::ReadComposite, operations::Operation::WriteComposite,
    operations::Operation::Observe,       operations::Operation::CancelObserve,
    operations::Operation::ObserveComposite, operations::Operation::CancelObserveComposite};

// Prometheus label values in snake case: "device-error" → "device_error".
std::string labelOf(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

}  // namespace

DeviceEventMetrics::DeviceEventMetrics(metrics::Registry& r, const coap::Scheduler& clock)
    : clock_(clock),
      registrations_(r.counter("lwm2m_gateway_registrations_total",
                               "LwM2M Register operations accepted (re-registrations included).")
                         .only()),
      updates_(r.counter("lwm2m_gateway_registration_updates_total", "LwM2M registration Updates accepted.")
                   .only()),
      deregistrations_(r.counter("lwm2m_gateway_deregistrations_total", "LwM2M De-register operations accepted.")
                           .only()),
      expirations_(r.counter("lwm2m_gateway_registration_expirations_total",
                             "Registrations ended because their lifetime ran out.")
                       .only()),
      notifications_(r.counter("lwm2m_gateway_notifications_total", "Observe notifications received from devices.")
                         .only()),
      sends_(r.counter("lwm2m_gateway_send_requests_total", "LwM2M Send operations received from devices.")
                 .only()),
      requests_(r.counter("lwm2m_gateway_requests_total",
                          "Requests to devices that ended, by operation and outcome (success, device_error, "
                          "timeout, reset, not_registered, bad_request, invalid_response, expired, cancelled).",
                          {"operation", "outcome"})),
      commandDuration_(r.histogram("lwm2m_gateway_command_duration_seconds",
                                   "Time from a command's acceptance to the device's answer, in seconds "
                                   "(a sleeping device's command includes its wait).",
                                   metrics::waitBuckets())
                           .only()) {
  // Every series from the start, at 0, so that rates work from the first scrape.
  for (auto op : kOperations) {
    const std::string operation = labelOf(operations::operationName(op));
    for (auto outcome : kOutcomes) requests_.with({operation, labelOf(operations::outcomeName(outcome))});
    requests_.with({operation, "expired"});
    requests_.with({operation, "cancelled"});
  }
}

void DeviceEventMetrics::onDeviceEvent(const api::DeviceEvent& event) {
  using Kind = api::DeviceEventKind;
  switch (event.kind) {
    case Kind::Registered: registrations_.inc(); break;
    case Kind::Updated: updates_.inc(); break;
    case Kind::Deregistered: deregistrations_.inc(); break;
    case Kind::Expired: expirations_.inc(); break;
    case Kind::Notification: notifications_.inc(); break;
    case Kind::Send: sends_.inc(); break;
    case Kind::Queued:
      if (event.command && acceptedAt_.size() < kMaxPending) {
        acceptedAt_.emplace(event.command->requestId, clock_.now());
      }
      break;
    case Kind::Response:
      if (event.command) {
        const auto outcome = event.command->response ? event.command->response->outcome
                                                     : operations::Outcome::Success;
        auto accepted = acceptedAt_.find(event.command->requestId);
        if (accepted != acceptedAt_.end()) {
          commandDuration_.observe(std::chrono::duration<double>(clock_.now() - accepted->second).count());
        }
        ended(*event.command, labelOf(operations::outcomeName(outcome)));
      }
      break;
    case Kind::RequestExpired:
      if (event.command) ended(*event.command, "expired");
      break;
    case Kind::RequestCancelled:
      if (event.command) ended(*event.command, "cancelled");
      break;
    case Kind::Awake:
    case Kind::Asleep:
    case Kind::BootstrapStarted:
    case Kind::BootstrapFinished:
    case Kind::BootstrapFailed:
    case Kind::Progress:
    case Kind::Storage:
      break;
  }
}

void DeviceEventMetrics::ended(const api::CommandInfo& command, std::string_view outcome) {
  acceptedAt_.erase(command.requestId);
  releaseSpareBuckets(acceptedAt_);
  requests_.with({labelOf(operations::operationName(command.request.operation)), std::string(outcome)}).inc();
}

}  // namespace lwm2m::gateway
