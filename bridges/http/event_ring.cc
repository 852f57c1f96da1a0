#include "bridges/http/event_ring.h"

#include "mapping/event_json.h"

namespace lwm2m::bridges::http {

std::string sseFrame(std::uint64_t id, std::string_view kind, std::string_view json) {
  std::string frame;
  frame.reserve(json.size() + kind.size() + 40);
  frame.append("id: ").append(std::to_string(id)).append("\nevent: ").append(kind);
  frame.append("\ndata: ").append(json).append("\n\n");
  return frame;
}

EventRing::EventRing(std::size_t capacity, std::uint64_t firstId, const model::ModelSource& models,
                     std::string gatewayId)
    : capacity_(capacity), firstId_(firstId), models_(models), gatewayId_(std::move(gatewayId)),
      nextId_(firstId + 1) {}

void EventRing::onDeviceEvent(const gateway::api::DeviceEvent& event) {
  if (capacity_ == 0 && subscribers_.empty()) {
    ++nextId_;
    return;
  }
  const mapping::DeviceEvent view = mapping::viewOf(event, gatewayId_);
  auto entry = std::make_shared<StreamEvent>();
  entry->id = nextId_++;
  entry->kind = event.kind;
  entry->endpoint = view.endpoint;
  entry->paths = mapping::eventPaths(view);
  entry->frame = sseFrame(entry->id, gateway::api::toString(event.kind), mapping::eventJson(view, *models_.current()));
  StreamEventPtr shared = std::move(entry);
  if (capacity_ > 0) {
    if (events_.size() == capacity_) {
      events_.popFront();
      ++oldestId_;
    }
    if (events_.empty()) oldestId_ = shared->id;
    events_.push(*shared);
  }
  // A subscriber may unsubscribe itself or another one meanwhile: step by handle.
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    const std::uint64_t handle = it->first;
    Subscriber copy = it->second;
    copy(shared);
    it = subscribers_.upper_bound(handle);
  }
}

std::uint64_t EventRing::subscribe(Subscriber subscriber) {
  const std::uint64_t handle = nextHandle_++;
  subscribers_.emplace(handle, std::move(subscriber));
  return handle;
}

void EventRing::unsubscribe(std::uint64_t handle) { subscribers_.erase(handle); }

Replay EventRing::since(std::uint64_t lastEventId) const {
  Replay replay;
  const std::uint64_t newest = lastId();
  const std::uint64_t oldest = events_.empty() ? nextId_ : oldestId_;
  std::size_t from = 0;  // all of them, unless the client's id is in the ring
  if (lastEventId > newest) {
    replay.missedReason = "unknown";
  } else if (lastEventId < firstId_) {
    replay.missedReason = "restarted";
  } else if (lastEventId + 1 < oldest) {
    replay.missedReason = "overflow";
    replay.missed = oldest - lastEventId - 1;
  } else {
    from = static_cast<std::size_t>(lastEventId + 1 - oldest);
  }
  for (StreamEvent& event : events_.from(from)) {
    replay.events.push_back(std::make_shared<const StreamEvent>(std::move(event)));
  }
  return replay;
}

}  // namespace lwm2m::bridges::http
