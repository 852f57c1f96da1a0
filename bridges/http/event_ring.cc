#include "bridges/http/event_ring.h"

#include <cstring>

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
bool ringKeepsFactsOnly(const gateway::api::DeviceEvent& event) {
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

// A kept event not rendered yet: its frame starts with this byte (a rendered
// one starts with "id: "), followed by the registration's facts; its paths are
// the object links.
constexpr char kFactsMark = '\x01';

void factsPutText(std::string& out, std::string_view text) {
  const auto size = static_cast<std::uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&size), sizeof size).append(text);
}
template <typename T>
void factsPutValue(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}
template <typename T>
T factsTakeValue(std::string_view& in) {
  T value{};
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return value;
}
std::string factsTakeText(std::string_view& in) {
  const auto size = factsTakeValue<std::uint32_t>(in);
  std::string text(in.substr(0, size));
  in.remove_prefix(size);
  return text;
}

StreamEvent factsRecord(std::uint64_t id, const gateway::api::DeviceEvent& event) {
  mapping::RegistrationFacts facts = mapping::registrationFactsOf(event.device);
  StreamEvent record;
  record.id = id;
  record.kind = event.kind;
  record.endpoint = event.device.endpoint;
  record.paths = std::move(facts.objectLinks);
  std::string& out = record.frame;
  out.push_back(kFactsMark);
  factsPutValue(out, std::chrono::duration<double>(event.at.time_since_epoch()).count());
  factsPutValue(out, facts.lifetimeSeconds);
  factsPutValue(out, static_cast<std::uint8_t>(facts.queueMode));
  for (const std::string* text : {&facts.registrationId, &facts.address, &facts.lwm2mVersion, &facts.binding,
                                  &facts.smsNumber, &facts.alternatePath}) {
    factsPutText(out, *text);
  }
  return record;
}

mapping::DeviceEvent factsView(StreamEvent& record, const std::string& gatewayId) {
  mapping::DeviceEvent view;
  view.kind = record.kind;
  view.endpoint = std::move(record.endpoint);
  view.gateway = gatewayId;
  std::string_view in(record.frame);
  in.remove_prefix(1);
  view.timestamp = factsTakeValue<double>(in);
  mapping::RegistrationFacts& facts = view.registration;
  facts.lifetimeSeconds = factsTakeValue<std::uint32_t>(in);
  facts.queueMode = factsTakeValue<std::uint8_t>(in) != 0;
  for (std::string* text : {&facts.registrationId, &facts.address, &facts.lwm2mVersion, &facts.binding,
                            &facts.smsNumber, &facts.alternatePath}) {
    *text = factsTakeText(in);
  }
  facts.objectLinks = std::move(record.paths);
  return view;
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

void EventRing::onDeviceEvent(const gateway::api::DeviceEvent& event) {
  if (capacity_ == 0 && subscribers_.empty()) {
    ++nextId_;
    return;
  }
  const std::uint64_t id = nextId_++;
  if (capacity_ > 0) {
    if (events_.size() == capacity_) {
      events_.popFront();
      ++oldestId_;
    }
    if (events_.empty()) oldestId_ = id;
  }
  if (subscribers_.empty() && ringKeepsFactsOnly(event)) {
    // Nobody to tell now (every Update is such an event): kept as its facts,
    // rendered if a resuming client asks for it.
    events_.push(factsRecord(id, event));
    return;
  }
  StreamEventPtr shared = render(id, mapping::viewOf(event, gatewayId_));
  if (capacity_ > 0) events_.push(*shared);
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
    if (!event.frame.empty() && event.frame.front() == kFactsMark) {
      replay.events.push_back(render(event.id, factsView(event, gatewayId_)));
    } else {
      replay.events.push_back(std::make_shared<const StreamEvent>(std::move(event)));
    }
  }
  return replay;
}

}  // namespace lwm2m::bridges::http
