#include "bridges/http/event_ring.h"

#include "bridges/http/record_bytes.h"
#include "bridges/http/value_records.h"
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
// one starts with "id: "), followed by what the event's JSON is made of: its
// time and the registration as the device gave it.
constexpr char kFactsMark = '\x01';

// Writes into `out` (replacing what it held) the frame of a kept, unrendered event.
void writeFacts(std::string& out, const gateway::api::DeviceEvent& event) {
  using record_bytes::textSize;
  const gateway::api::DeviceInfo& device = event.device;
  const std::string* texts[] = {&device.registrationId, &device.address, &device.lwm2mVersion,
                                &device.binding, &device.smsNumber, &device.rootPath};
  const auto links = static_cast<std::uint32_t>(device.objectLinks.size());
  std::size_t size = 1 + sizeof(std::int64_t) + sizeof device.lifetimeSeconds + sizeof(std::uint8_t) + sizeof links;
  for (const std::string* text : texts) size += textSize(*text);
  for (const auto& link : device.objectLinks) size += textSize(link.path);
  out.resize(size);
  out[0] = kFactsMark;
  record_bytes::Writer put(out.data() + 1);
  put.value(static_cast<std::int64_t>(event.at.time_since_epoch().count()));
  put.value(device.lifetimeSeconds);
  put.value(static_cast<std::uint8_t>(device.queueMode));
  for (const std::string* text : texts) put.text(*text);
  put.value(links);
  for (const auto& link : device.objectLinks) put.text(link.path);
}

// Events whose JSON is their values, observed path and Observe number.
bool ringKeepsValuesOnly(const gateway::api::DeviceEvent& event) {
  using Kind = gateway::api::DeviceEventKind;
  return (event.kind == Kind::Notification || event.kind == Kind::Send) && !event.command && event.reason.empty() &&
         !event.transfer && !event.storage;
}

// A kept notification or Send not rendered yet: its frame starts with this
// byte, followed by its time, Observe number, first path and values.
constexpr char kValuesMark = '\x02';

// Writes into `out` (replacing what it held) the frame of a kept, unrendered
// notification or Send whose values are `records`.
void writeValuesFrame(std::string& out, const gateway::api::DeviceEvent& event,
                      const std::vector<model::Record>& records) {
  const std::size_t size = 1 + sizeof(std::int64_t) + sizeof(std::uint8_t) + sizeof(std::uint32_t) +
                           record_bytes::kPathSize + valuesSize(records);
  out.resize(size);
  out[0] = kValuesMark;
  record_bytes::Writer put(out.data() + 1);
  put.value(static_cast<std::int64_t>(event.at.time_since_epoch().count()));
  put.value(static_cast<std::uint8_t>(event.sequence.has_value()));
  put.value(event.sequence.value_or(0));
  record_bytes::writePath(put, event.paths.empty() ? model::Path() : event.paths.front());
  writeValues(put, records);
}

// The view of the event writeValuesFrame() kept, as viewOf() makes it for its JSON.
mapping::DeviceEvent valuesView(const StreamEvent& record, const std::string& gatewayId) {
  using namespace record_bytes;
  std::string_view in(record.frame);
  in.remove_prefix(1);
  mapping::DeviceEvent view;
  view.kind = record.kind;
  view.endpoint = record.endpoint;
  view.gateway = gatewayId;
  const std::chrono::system_clock::time_point at{std::chrono::system_clock::duration(takeValue<std::int64_t>(in))};
  view.timestamp = std::chrono::duration<double>(at.time_since_epoch()).count();
  const bool sequenced = takeValue<std::uint8_t>(in) != 0;
  const auto sequence = takeValue<std::uint32_t>(in);
  if (sequenced) view.sequence = sequence;
  view.requestPath = takePath(in);
  view.values = takeValues(in);
  return view;
}

// The event writeFacts() kept, as far as its JSON goes.
gateway::api::DeviceEvent factsEvent(const StreamEvent& record) {
  using namespace record_bytes;
  std::string_view in(record.frame);
  in.remove_prefix(1);
  gateway::api::DeviceEvent event{record.kind, {}, {}};
  event.at = std::chrono::system_clock::time_point(std::chrono::system_clock::duration(takeValue<std::int64_t>(in)));
  gateway::api::DeviceInfo& device = event.device;
  device.endpoint = record.endpoint;
  device.lifetimeSeconds = takeValue<std::uint32_t>(in);
  device.queueMode = takeValue<std::uint8_t>(in) != 0;
  for (std::string* text : {&device.registrationId, &device.address, &device.lwm2mVersion, &device.binding,
                            &device.smsNumber, &device.rootPath}) {
    *text = std::string(takeText(in));
  }
  device.objectLinks.resize(takeValue<std::uint32_t>(in));
  for (auto& link : device.objectLinks) link.path = std::string(takeText(in));
  return event;
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
    writeFacts(facts_, event);
    events_.push(id, event.kind, event.device.endpoint, {}, facts_, age_.stampNow());
    if (facts_.capacity() > 4096) std::string().swap(facts_);  // a registration with many links
    return;
  }
  if (subscribers_.empty() && capacity_ > 0 && ringKeepsValuesOnly(event)) {
    // A notification nobody streams now: kept as its values, rendered if a
    // resuming client asks for it. The paths filters match are kept as they are.
    mapping::DeviceEvent& view = scratch_;
    view.requestPath = event.paths.empty() ? model::Path() : event.paths.front();
    view.values.clear();
    for (const auto& stamp : event.values) model::appendRecords(stamp.nodes, stamp.time, view.values);
    writeValuesFrame(facts_, event, view.values);
    const auto paths = mapping::eventPaths(view);
    events_.push(id, event.kind, event.device.endpoint, paths, facts_, age_.stampNow());
    if (facts_.capacity() > 4096) std::string().swap(facts_);
    if (view.values.capacity() > 256) {
      std::vector<model::Record>().swap(view.values);  // a large Send's
    } else {
      view.values.clear();
    }
    return;
  }
  StreamEventPtr shared = render(id, mapping::viewOf(event, gatewayId_));
  if (capacity_ > 0) events_.push(*shared, age_.stampNow());
  // A subscriber may unsubscribe itself or another one meanwhile: step by handle.
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    const std::uint64_t handle = it->first;
    Subscriber copy = it->second;
    copy(shared);
    it = subscribers_.upper_bound(handle);
  }
}

void EventRing::expireAfter(std::chrono::steady_clock::duration maxAge, HistoryAge::Clock now) {
  age_.set(maxAge, std::move(now));
}

std::size_t EventRing::expire() {
  const std::int64_t oldest = age_.oldestKept();
  if (oldest == 0) return 0;
  std::size_t dropped = 0;
  while (!events_.empty() && events_.frontStamp() < oldest) {
    events_.popFront();
    ++oldestId_;
    ++dropped;
  }
  return dropped;
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
      replay.events.push_back(render(event.id, mapping::viewOf(factsEvent(event), gatewayId_)));
    } else if (!event.frame.empty() && event.frame.front() == kValuesMark) {
      replay.events.push_back(render(event.id, valuesView(event, gatewayId_)));
    } else {
      replay.events.push_back(std::make_shared<const StreamEvent>(std::move(event)));
    }
  }
  return replay;
}

}  // namespace lwm2m::bridges::http
