// The event stream's pure parts: the filter read from the query and
// Last-Event-ID, and the ring's numbering, replay and "missed" cases.
#include <gtest/gtest.h>

#include "bridges/http/event_filter.h"
#include "bridges/http/event_records.h"
#include "bridges/http/event_ring.h"

namespace lwm2m::bridges::http {
namespace {

using gateway::api::DeviceEvent;
using gateway::api::DeviceEventKind;

StreamEvent event(DeviceEventKind kind, std::string endpoint, std::vector<std::string> paths = {}) {
  StreamEvent e;
  e.kind = kind;
  e.endpoint = std::move(endpoint);
  for (const auto& p : paths) e.paths.push_back(*model::Path::parse(p));
  return e;
}

TEST(EventFilter, ReadsEndpointKindsPathAndTheIdToResumeAfter) {
  auto r = parseEventStreamRequest("/api/v1/events?endpoint=sim-%2A&kinds=registered,notification&path=/3303",
                                   "");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->filter.endpoint, "sim-*");
  EXPECT_EQ(r->filter.kinds, (std::vector<DeviceEventKind>{DeviceEventKind::Registered, DeviceEventKind::Notification}));
  EXPECT_FALSE(r->lastEventId);

  EXPECT_TRUE(r->filter.matches(event(DeviceEventKind::Notification, "sim-0001", {"/3303/0/5700"})));
  EXPECT_FALSE(r->filter.matches(event(DeviceEventKind::Notification, "other", {"/3303/0/5700"})));
  EXPECT_FALSE(r->filter.matches(event(DeviceEventKind::Response, "sim-0001", {"/3303/0/5700"})));
  EXPECT_FALSE(r->filter.matches(event(DeviceEventKind::Notification, "sim-0001", {"/3304/0/5700"})));
  EXPECT_FALSE(r->filter.matches(event(DeviceEventKind::Registered, "sim-0001")))
      << "an event without a path does not pass a path filter";

  auto all = parseEventStreamRequest("/api/v1/events", "");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->filter.matches(event(DeviceEventKind::Asleep, "x")));

  auto resume = parseEventStreamRequest("/api/v1/events?last_event_id=7", "42");
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->lastEventId, 42u) << "the header wins over the query";
  resume = parseEventStreamRequest("/api/v1/events?last_event_id=7&", "");
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->lastEventId, 7u);
}

TEST(EventFilter, RefusesWhatItCannotReadNamingIt) {
  const std::pair<const char*, const char*> bad[] = {
      {"/api/v1/events?kinds=registered,bogus", "unknown event kind 'bogus'"},
      {"/api/v1/events?kinds=", "unknown event kind ''"},
      {"/api/v1/events?path=/3303/x", "path:"},
      {"/api/v1/events?endpoint=", "endpoint: must not be empty"},
      {"/api/v1/events?endpoint=a%2", "malformed percent-encoding"},
      {"/api/v1/events?endpoint=a%zz", "malformed percent-encoding"},
      {"/api/v1/events?limit=3", "unknown query parameter 'limit'"},
      {"/api/v1/events?path=/1&path=/2", "appears twice"},
      {"/api/v1/events?last_event_id=-1", "last_event_id must be an event id"},
      {"/api/v1/events?last_event_id=99999999999999999999999", "last_event_id must be an event id"},
  };
  for (const auto& [target, problem] : bad) {
    auto r = parseEventStreamRequest(target, "");
    ASSERT_FALSE(r) << target;
    EXPECT_NE(r.error().message.find(problem), std::string::npos) << target << ": " << r.error().message;
  }
  auto header = parseEventStreamRequest("/api/v1/events", "abc");
  ASSERT_FALSE(header);
  EXPECT_NE(header.error().message.find("Last-Event-ID must be an event id"), std::string::npos);
}

DeviceEvent deviceEvent(const std::string& endpoint) {
  DeviceEvent e{DeviceEventKind::Registered, {}, std::chrono::system_clock::time_point{}};
  e.device.endpoint = endpoint;
  return e;
}

TEST(EventRing, NumbersEventsAndReplaysAfterAnIdOrSaysWhatWasMissed) {
  const model::ModelSource model{model::ObjectModel::builtIn()};
  EventRing ring(3, 5000, model, "edge");
  std::vector<std::uint64_t> live;
  const auto handle = ring.subscribe([&](const StreamEventPtr& e) { live.push_back(e->id); });
  for (const char* ep : {"d1", "d2", "d3", "d4", "d5"}) ring.onDeviceEvent(deviceEvent(ep));
  EXPECT_EQ(live, (std::vector<std::uint64_t>{5001, 5002, 5003, 5004, 5005}));
  EXPECT_EQ(ring.lastId(), 5005u);
  EXPECT_EQ(ring.size(), 3u);

  auto replay = ring.since(5003);
  EXPECT_TRUE(replay.missedReason.empty());
  ASSERT_EQ(replay.events.size(), 2u);
  EXPECT_EQ(replay.events[0]->id, 5004u);
  EXPECT_EQ(replay.events[0]->endpoint, "d4");
  EXPECT_EQ(replay.events[0]->frame.rfind("id: 5004\nevent: registered\ndata: {\"event\":\"registered\"", 0), 0u)
      << replay.events[0]->frame;
  EXPECT_TRUE(ring.since(5005).events.empty());

  replay = ring.since(5001);
  EXPECT_EQ(replay.missedReason, "overflow");
  EXPECT_EQ(replay.missed, 1u) << "5002 fell out of the ring";
  EXPECT_EQ(replay.events.size(), 3u);
  EXPECT_EQ(ring.since(4000).missedReason, "restarted");
  EXPECT_EQ(ring.since(9000).missedReason, "unknown");
  EXPECT_TRUE(ring.since(5002).missedReason.empty());

  ring.unsubscribe(handle);
  ring.onDeviceEvent(deviceEvent("d6"));
  EXPECT_EQ(live.size(), 5u);
}

// The ring's events, serialized into blocks of their own: what comes back is
// what went in, and a block whose events were all dropped is given back.
TEST(EventRecords, KeepEventsWholeAndGiveBackBlocksWhoseEventsAreGone) {
  EventRecords records;
  const std::string frame(1000, 'x');
  for (std::uint64_t id = 1; id <= 1000; ++id) {
    StreamEvent e = event(id % 2 ? DeviceEventKind::Notification : DeviceEventKind::Registered,
                          "device-" + std::to_string(id), {"/3303/0/5700", "/3/0"});
    e.id = id;
    e.frame = frame + std::to_string(id);
    records.push(e);
  }
  EXPECT_EQ(records.size(), 1000u);
  const std::size_t mapped = records.mappedBytes();
  EXPECT_GE(mapped, 1000u * 1000u);
  EXPECT_LE(mapped, 1000u * 1100u + 2 * EventRecords::kBlockBytes);

  auto tail = records.from(997);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0].id, 998u);
  EXPECT_EQ(tail[0].kind, DeviceEventKind::Registered);
  EXPECT_EQ(tail[0].endpoint, "device-998");
  ASSERT_EQ(tail[0].paths.size(), 2u);
  EXPECT_EQ(tail[0].paths[0].toString(), "/3303/0/5700");
  EXPECT_EQ(tail[0].paths[1].toString(), "/3/0");
  EXPECT_EQ(tail[0].frame, frame + "998");
  EXPECT_EQ(tail[2].id, 1000u);
  EXPECT_TRUE(records.from(1000).empty());

  for (int i = 0; i < 900; ++i) records.popFront();
  EXPECT_EQ(records.size(), 100u);
  EXPECT_LE(records.mappedBytes(), 2 * EventRecords::kBlockBytes) << "blocks of dropped events went back";
  auto all = records.from(0);
  ASSERT_EQ(all.size(), 100u);
  EXPECT_EQ(all.front().id, 901u);
  EXPECT_EQ(all.front().kind, DeviceEventKind::Notification);
  for (int i = 0; i < 100; ++i) records.popFront();
  EXPECT_TRUE(records.empty());
  EXPECT_EQ(records.mappedBytes(), 0u);
}

// An Update nobody is subscribed to is kept as its facts; a resuming client
// gets exactly the frame a live subscriber got for the same event.
TEST(EventRing, AnEventKeptUnrenderedReplaysAsTheFrameASubscriberGot) {
  const model::ModelSource model{model::ObjectModel::builtIn()};
  DeviceEvent update{DeviceEventKind::Updated, {}, std::chrono::system_clock::time_point{std::chrono::seconds(1700000000)}};
  update.device.endpoint = "meter-7";
  update.device.registrationId = "r17";
  update.device.lwm2mVersion = "1.1";
  update.device.binding = "UQ";
  update.device.queueMode = true;
  update.device.lifetimeSeconds = 86400;
  update.device.smsNumber = "+4912345";
  update.device.address = "[::1]:56830";
  update.device.rootPath = "/lwm2m";
  update.device.objectLinks = {{"/lwm2m", {}}, {"/3/0", {}}, {"/3303/1", {}}};

  EventRing live(4, 100, model, "edge");
  StreamEventPtr told;
  live.subscribe([&](const StreamEventPtr& e) { told = e; });
  live.onDeviceEvent(update);
  ASSERT_TRUE(told);

  EventRing unwatched(4, 100, model, "edge");
  unwatched.onDeviceEvent(deviceEvent("before"));
  unwatched.onDeviceEvent(update);
  const Replay replay = unwatched.since(101);
  ASSERT_EQ(replay.events.size(), 1u);
  const StreamEvent& kept = *replay.events[0];
  EXPECT_EQ(kept.id, 102u);
  EXPECT_EQ(kept.kind, DeviceEventKind::Updated);
  EXPECT_EQ(kept.endpoint, "meter-7");
  EXPECT_EQ(kept.paths, told->paths);
  const std::string frame = told->frame;
  EXPECT_EQ(kept.frame, "id: 102" + frame.substr(frame.find('\n'))) << kept.frame;
  EXPECT_NE(kept.frame.find("\"/3303/1\""), std::string::npos) << kept.frame;
  EXPECT_NE(kept.frame.find("\"address\":\"[::1]:56830\",\"lifetime\":86400,\"lwm2m\":\"1.1\",\"binding\":\"UQ\",\"queueMode\":true"),
            std::string::npos)
      << kept.frame;
}

// A notification or Send nobody is subscribed to is kept as its values;
// values of every type, with and without time, resource instances and an
// Observe number come back in exactly the frame a live subscriber got.
TEST(EventRing, ANotificationKeptUnrenderedReplaysAsTheFrameASubscriberGot) {
  const model::ModelSource model{model::ObjectModel::builtIn()};
  using model::Path;
  using model::Resource;
  using model::Value;
  const std::chrono::system_clock::time_point at{std::chrono::milliseconds(1700000000123)};
  DeviceEvent notification{DeviceEventKind::Notification, {}, at};
  notification.device.endpoint = "meter-7";
  notification.paths = {Path(3, 0)};
  notification.sequence = 4711;
  model::ObjectInstance device(0, std::vector<Resource>{
                                      Resource::single(0, Value::string("Acme \"quoted\"")),
                                      Resource::single(9, Value::integer(-87)),
                                      Resource::single(13, Value::time(1700000000)),
                                      Resource::multiple(7, model::DataType::Integer,
                                                         {{0, Value::integer(3800)}, {4, Value::integer(5000)}}),
                                  });
  notification.values.push_back({std::nullopt, {{Path(3, 0), device}}});
  DeviceEvent send{DeviceEventKind::Send, {}, at};
  send.device.endpoint = "meter-7";
  send.values.push_back({1700000001.5, {{Path(3303, 0, 5700), Resource::single(5700, Value::floating(21.25))}}});
  send.values.push_back({std::nullopt,
                         {{Path(3, 0, 16), Resource::single(16, Value::string("U"))},
                          {Path(1, 0, 6), Resource::single(6, Value::boolean(true))},
                          {Path(3, 0, 2), Resource::single(2, Value::opaque({0x00, 0xff, 0x10}))},
                          {Path(3, 0, 1), Resource::single(1, Value::unsignedInteger(18446744073709551615ull))},
                          {Path(1, 0, 22), Resource::single(22, Value::objectLink({65535, 65535}))},
                          {Path(3, 0, 3), Resource::single(3, Value::coreLink("</3/0>"))}}});

  for (const DeviceEvent* event : {&notification, &send}) {
    EventRing live(4, 100, model, "edge");
    StreamEventPtr told;
    live.subscribe([&](const StreamEventPtr& e) { told = e; });
    live.onDeviceEvent(*event);
    ASSERT_TRUE(told);

    EventRing unwatched(4, 100, model, "edge");
    unwatched.onDeviceEvent(deviceEvent("before"));
    unwatched.onDeviceEvent(*event);
    const Replay replay = unwatched.since(101);
    ASSERT_EQ(replay.events.size(), 1u);
    const StreamEvent& kept = *replay.events[0];
    EXPECT_EQ(kept.kind, event->kind);
    EXPECT_EQ(kept.endpoint, "meter-7");
    EXPECT_EQ(kept.paths, told->paths);
    const std::string frame = told->frame;
    EXPECT_EQ(kept.frame, "id: 102" + frame.substr(frame.find('\n'))) << kept.frame;
    EXPECT_NE(kept.frame.find("meter-7"), std::string::npos) << kept.frame;
  }
}

TEST(EventRing, ASubscriberMayUnsubscribeItselfWhileCalled) {
  const model::ModelSource model{model::ObjectModel::builtIn()};
  EventRing ring(0, 0, model, "edge");
  int first = 0, second = 0;
  std::uint64_t h1 = 0;
  h1 = ring.subscribe([&](const StreamEventPtr&) {
    ++first;
    ring.unsubscribe(h1);
  });
  ring.subscribe([&](const StreamEventPtr&) { ++second; });
  ring.onDeviceEvent(deviceEvent("a"));
  ring.onDeviceEvent(deviceEvent("b"));
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
}

TEST(EventRing, DropsEventsOlderThanTheMaximumAgeAndSaysTheyWereMissed) {
  const model::ModelSource model{model::ObjectModel::builtIn()};
  EventRing ring(100, 5000, model, "edge");
  auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  ring.expireAfter(std::chrono::seconds(600), [&now] { return now; });
  ring.onDeviceEvent(deviceEvent("d1"));
  ring.onDeviceEvent(deviceEvent("d2"));
  now += std::chrono::seconds(300);
  ring.onDeviceEvent(deviceEvent("d3"));
  EXPECT_GT(ring.storedBytes(), 0u);
  now += std::chrono::seconds(301);  // d1 and d2 are 601 s old
  EXPECT_EQ(ring.expire(), 2u);
  EXPECT_EQ(ring.size(), 1u);
  auto replay = ring.since(5001);
  EXPECT_EQ(replay.missedReason, "overflow");
  EXPECT_EQ(replay.missed, 1u) << "5002 aged out";
  ASSERT_EQ(replay.events.size(), 1u);
  EXPECT_EQ(replay.events[0]->endpoint, "d3");
  now += std::chrono::seconds(600);
  EXPECT_EQ(ring.expire(), 1u);
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.storedBytes(), 0u) << "an empty ring maps nothing";
  replay = ring.since(5003);
  EXPECT_TRUE(replay.missedReason.empty());
  EXPECT_TRUE(replay.events.empty());
  EXPECT_EQ(ring.since(5002).missed, 1u);
  ring.onDeviceEvent(deviceEvent("d4"));  // numbered after the ones that aged out
  EXPECT_EQ(ring.since(5003).events.size(), 1u);
}

}  // namespace
}  // namespace lwm2m::bridges::http
