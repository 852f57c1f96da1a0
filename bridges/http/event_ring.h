#pragma once
// EventRing: every device event, numbered and rendered once for the event
// stream (GET /api/v1/events), the newest `capacity` of them kept in memory so
// that a client can resume after the last id it saw (Last-Event-ID).
//
// Ids: strictly increasing, starting at `firstId + 1`. The gateway starts them
// from its start time (unix seconds x 1,000,000), so the ids of a later run
// are above those of an earlier one and a client resuming across a restart is
// told it missed events instead of being handed the wrong ones.
//
// Data: the mapping's `event` payload style (mapping/event_json.h), the same
// JSON an MQTT rule with `payload: event` publishes.
//
// With expireAfter(), events older than a maximum age are dropped too (by
// expire(), which the gateway calls now and then): once devices are gone,
// so is the memory of what they did. A client resuming from an id dropped
// so is told it missed events ("overflow"), as for one pushed out.
//
// The events kept are stored serialized, in memory of their own
// (event_records.h); a replay decodes copies of them. While nobody
// subscribes, a registration or presence event (the bulk: every Update is
// one) is kept as its facts and rendered only if a resuming client asks for
// it; the frame is the same either way.
//
// Threading contract: construct, call and destroy on the gateway's I/O thread
// (device events arrive there). Subscribers are called on it, in the order
// they subscribed, after the event entered the ring; they must not block.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridges/http/event_filter.h"
#include "bridges/http/event_records.h"
#include "bridges/http/history_age.h"
#include "gateway/api/device_events.h"
#include "lwm2m/model/model_source.h"
#include "mapping/device_event.h"

namespace lwm2m::bridges::http {

using StreamEventPtr = std::shared_ptr<const StreamEvent>;

// What a resuming client gets before the live events.
struct Replay {
  std::vector<StreamEventPtr> events;  // after the client's id, oldest first
  // Set when the ring no longer holds every event after the client's id:
  // "overflow" (pushed out of the ring; `missed` of them), "restarted" (an id
  // of an earlier run of the gateway), "unknown" (an id not given yet).
  std::string missedReason;
  std::uint64_t missed = 0;  // "overflow" only
};

class EventRing : public gateway::api::DeviceEventListener {
 public:
  using Subscriber = std::function<void(const StreamEventPtr&)>;

  EventRing(std::size_t capacity, std::uint64_t firstId, const model::ModelSource& models,
            std::string gatewayId);

  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;

  // Events older than `maxAge` (by `now`) are dropped; zero: kept until
  // `capacity` pushes them out (the default).
  void expireAfter(std::chrono::steady_clock::duration maxAge, HistoryAge::Clock now);
  // Drops the events past the maximum age; returns how many.
  std::size_t expire();

  // Returns a handle for unsubscribe(). Unsubscribing from inside a
  // subscriber is allowed (also its own handle).
  std::uint64_t subscribe(Subscriber subscriber);
  void unsubscribe(std::uint64_t handle);

  // The events after `lastEventId`; see Replay.
  Replay since(std::uint64_t lastEventId) const;

  std::uint64_t lastId() const { return nextId_ - 1; }
  std::size_t size() const { return events_.size(); }
  // Bytes mapped for the events kept (EventRecords).
  std::size_t storedBytes() const { return events_.mappedBytes(); }

 private:
  StreamEventPtr render(std::uint64_t id, const mapping::DeviceEvent& view) const;

  const std::size_t capacity_;
  const std::uint64_t firstId_;
  const model::ModelSource& models_;
  const std::string gatewayId_;
  std::uint64_t nextId_;
  HistoryAge age_;
  EventRecords events_;  // compact, apart from the heap
  std::string facts_;    // an unrendered event's frame being written (capacity kept)
  mapping::DeviceEvent scratch_;  // an unrendered notification's paths and values (capacity kept)
  std::uint64_t oldestId_ = 0;  // of events_, when not empty
  std::map<std::uint64_t, Subscriber> subscribers_;
  std::uint64_t nextHandle_ = 1;
};

// The SSE frame of an event: "id: <id>\nevent: <kind>\ndata: <json>\n\n".
std::string sseFrame(std::uint64_t id, std::string_view kind, std::string_view json);

}  // namespace lwm2m::bridges::http
