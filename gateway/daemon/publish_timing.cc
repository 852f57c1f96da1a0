#include "gateway/daemon/publish_timing.h"

#include <algorithm>

#include "lwm2m/spare_buckets.h"

namespace lwm2m::gateway {
namespace {

constexpr std::size_t kMaxTimed = 100000;

}  // namespace

TimedOutbox::TimedOutbox(bridges::mqtt::Outbox& store, metrics::Registry& registry, const coap::Scheduler& clock)
    : store_(store),
      clock_(clock),
      duration_(registry
                    .histogram("lwm2m_gateway_notification_publish_duration_seconds",
                               "Time from a notification's arrival to the MQTT broker's acknowledgement of a "
                               "QoS >= 1 message made of it, in seconds.",
                               metrics::latencyBuckets())
                    .only()) {}

std::int64_t TimedOutbox::append(const mapping::OutboundMessage& message,
                                 std::function<void(Result<void>)> committed) {
  const std::int64_t id = store_.append(message, std::move(committed));
  if (origin_ && arrivals_.size() < kMaxTimed) arrivals_.emplace(id, *origin_);
  return id;
}

void TimedOutbox::acknowledged(std::int64_t id) {
  auto found = arrivals_.find(id);
  if (found != arrivals_.end()) {
    duration_.observe(std::chrono::duration<double>(clock_.now() - found->second).count());
    arrivals_.erase(found);
    releaseSpareBuckets(arrivals_);  // a burst of messages leaves no large table behind
  }
  store_.acknowledged(id);
}

void TimedOutbox::remove(std::int64_t id) {
  arrivals_.erase(id);
  releaseSpareBuckets(arrivals_);
  store_.remove(id);
}

Result<std::vector<bridges::mqtt::StoredMessage>> TimedOutbox::loadAfter(std::int64_t afterId, std::size_t limit) {
  return store_.loadAfter(afterId, limit);
}

Result<std::size_t> TimedOutbox::count() { return store_.count(); }

Result<std::size_t> TimedOutbox::dropOldestBeyond(std::size_t bound) { return store_.dropOldestBeyond(bound); }

void TimedUplink::onDeviceEvent(const api::DeviceEvent& event) {
  if (event.kind != api::DeviceEventKind::Notification) return uplink_.onDeviceEvent(event);
  // The event's wall-clock time is when the notification was decoded; on the
  // steady clock that is as long ago as on the wall clock (never in the future).
  const auto age = std::max(clock_.wallNow() - event.at, std::chrono::system_clock::duration::zero());
  outbox_.setOrigin(clock_.now() - std::chrono::duration_cast<std::chrono::steady_clock::duration>(age));
  struct Clear {
    TimedOutbox& outbox;
    ~Clear() { outbox.clearOrigin(); }
  } clear{outbox_};
  uplink_.onDeviceEvent(event);
}

}  // namespace lwm2m::gateway
