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

namespace {

// Events whose JSON is the registration's facts and nothing else they carry.
bool isRegistrationOrPresence(const gateway::api::DeviceEvent& event) {
  using Kind = gateway::api::DeviceEventKind;
  switch (event.kind) {
    case Kind::Registered:
    case Kind::Updated:
    case Kind::Deregistered:
    case Kind::Expired:
    case Kind::Awake:
    case Kind::Asleep:
      return !event.command && event.values.empty() && event.paths.empty();
    default:
      return false;
  }
}

}  // namespace

StreamEventPtr EventRing::render(std::uint64_t id, const mapping::DeviceEvent& view) const {
  auto entry = std::make_shared<StreamEvent>();
  entry->id = id;
  entry->kind = view.kind;
  entry->endpoint = view.endpoint;
  entry->paths = mapping::eventPaths(view);
  entry->frame = sseFrame(id, gateway::api::toString(view.kind), mapping::eventJson(view, *models_.current()));
  return entry;
}

const StreamEventPtr& EventRing::renderedOf(Entry& entry) const {
  if (!entry.rendered) {
    mapping::DeviceEvent view;
    view.kind = entry.facts->kind;
    view.endpoint = std::move(entry.facts->endpoint);
    view.gateway = gatewayId_;
    view.timestamp = entry.facts->timestamp;
    view.registration = std::move(entry.facts->registration);
    entry.rendered = render(entry.id, view);
    entry.facts.reset();
  }
  return entry.rendered;
}

void EventRing::onDeviceEvent(const gateway::api::DeviceEvent& event) {
  if (capacity_ == 0 && subscribers_.empty()) {
    ++nextId_;
    return;
  }
  const std::uint64_t id = nextId_++;
  if (capacity_ > 0 && events_.size() == capacity_) events_.pop_front();
  if (subscribers_.empty() && isRegistrationOrPresence(event)) {
    // Nobody to tell now: kept as facts, rendered if a replay asks for it.
    events_.push_back(Entry{id, nullptr,
                            std::make_unique<Facts>(Facts{event.kind, event.device.endpoint,
                                                          std::chrono::duration<double>(event.at.time_since_epoch()).count(),
                                                          mapping::registrationFactsOf(event.device)})});
    return;
  }
  StreamEventPtr shared = render(id, mapping::viewOf(event, gatewayId_));
  if (capacity_ > 0) events_.push_back(Entry{id, shared, nullptr});
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
  const std::uint64_t oldest = events_.empty() ? nextId_ : events_.front().id;
  auto from = events_.begin();
  if (lastEventId > newest) {
    replay.missedReason = "unknown";
  } else if (lastEventId < firstId_) {
    replay.missedReason = "restarted";
  } else if (lastEventId + 1 < oldest) {
    replay.missedReason = "overflow";
    replay.missed = oldest - lastEventId - 1;
  } else {
    from += static_cast<std::ptrdiff_t>(lastEventId + 1 - oldest);
  }
  replay.events.reserve(static_cast<std::size_t>(events_.end() - from));
  for (; from != events_.end(); ++from) replay.events.push_back(renderedOf(*from));
  return replay;
}

}  // namespace lwm2m::bridges::http
