// DeviceReports: each notification and Send becomes one event with the
// device's registration as it is now, its own paths, sequence and values,
// even though one event is refilled for every report.
#include "gateway/core/device_reports.h"

#include <gtest/gtest.h>

#include <map>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using api::DeviceEvent;
using api::DeviceEventKind;
using model::Path;

class Directory : public api::DeviceDirectory {
 public:
  std::vector<api::DeviceInfo> devices() const override { return {}; }
  std::optional<api::DeviceInfo> find(std::string_view endpoint) const override {
    auto it = devices_.find(std::string(endpoint));
    if (it == devices_.end()) return std::nullopt;
    return it->second;
  }
  void add(const std::string& endpoint, const std::string& address, std::vector<std::string> links) {
    api::DeviceInfo& d = devices_[endpoint];
    d.endpoint = endpoint;
    d.address = address;
    for (auto& link : links) d.objectLinks.push_back({std::move(link), {}});
  }

 private:
  std::map<std::string, api::DeviceInfo> devices_;
};

server::NotificationEvent notification(const std::string& endpoint, std::uint32_t sequence, double value) {
  server::NotificationEvent n;
  n.endpoint = endpoint;
  n.paths = {Path(3303, 0, 5700)};
  n.sequence = sequence;
  n.values.node = model::Resource::single(5700, model::Value::floating(value));
  return n;
}

struct Seen {
  DeviceEventKind kind;
  std::string endpoint, address;
  std::size_t links = 0;
  std::vector<Path> paths;
  std::optional<std::uint32_t> sequence;
  std::size_t stamps = 0;
};

Seen seen(const DeviceEvent& e) {
  return {e.kind, e.device.endpoint, e.device.address, e.device.objectLinks.size(), e.paths, e.sequence,
          e.values.size()};
}

TEST(DeviceReports, EachReportCarriesItsOwnDeviceAndFacts) {
  coap::ManualScheduler clock;
  DevicePresence presence(clock, std::chrono::seconds(10));
  Directory directory;
  directory.add("d1", "127.0.0.1:5001", {"/3/0", "/3303/0"});
  std::vector<Seen> events;
  DeviceReports reports(presence, directory, clock, [&](const DeviceEvent& e) { events.push_back(seen(e)); });

  reports.onNotification(notification("d1", 7, 21.5));
  reports.onNotification(notification("gone", 8, 22.5));  // not registered (any more)
  server::SendEvent send;
  send.endpoint = "d1";
  send.values.push_back({1700000000.0, {{Path(3303, 0, 5700), model::Resource::single(5700, model::Value::floating(1))}}});
  send.values.push_back({1700000001.0, {{Path(3303, 0, 5700), model::Resource::single(5700, model::Value::floating(2))}}});
  reports.onSend(send);

  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, DeviceEventKind::Notification);
  EXPECT_EQ(events[0].address, "127.0.0.1:5001");
  EXPECT_EQ(events[0].links, 2u);
  EXPECT_EQ(events[0].paths, std::vector<Path>{Path(3303, 0, 5700)});
  EXPECT_EQ(events[0].sequence, 7u);
  EXPECT_EQ(events[0].stamps, 1u);
  EXPECT_EQ(events[1].endpoint, "gone");
  EXPECT_EQ(events[1].address, "") << "nothing of d1's registration";
  EXPECT_EQ(events[1].links, 0u);
  EXPECT_EQ(events[1].sequence, 8u);
  EXPECT_EQ(events[2].kind, DeviceEventKind::Send);
  EXPECT_TRUE(events[2].paths.empty()) << "a Send observes nothing";
  EXPECT_FALSE(events[2].sequence) << "nor has an Observe number";
  EXPECT_EQ(events[2].stamps, 2u);
}

TEST(DeviceReports, AReportMadeWhilePublishingGetsAnEventOfItsOwn) {
  coap::ManualScheduler clock;
  DevicePresence presence(clock, std::chrono::seconds(10));
  Directory directory;
  directory.add("d1", "127.0.0.1:5001", {"/3303/0"});
  directory.add("d2", "127.0.0.1:5002", {});
  std::vector<Seen> before, after;
  DeviceReports* self = nullptr;
  DeviceReports reports(presence, directory, clock, [&](const DeviceEvent& e) {
    before.push_back(seen(e));
    if (e.device.endpoint == "d1") self->onNotification(notification("d2", 2, 1.0));
    after.push_back(seen(e));
  });
  self = &reports;
  reports.onNotification(notification("d1", 1, 21.5));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].endpoint, "d2");
  EXPECT_EQ(after[1].endpoint, "d1") << "the outer event is intact after the inner report";
  EXPECT_EQ(after[1].address, "127.0.0.1:5001");
  EXPECT_EQ(after[1].sequence, 1u);
  EXPECT_EQ(after[1].stamps, 1u);
}

}  // namespace
}  // namespace lwm2m::gateway
