// viewOf(): the mapping's view of a gateway event carries what that event's
// JSON, topics and auto-observe read, and its values in order.
#include <gtest/gtest.h>

#include "gateway/api/device_events.h"
#include "mapping/device_event.h"
#include "mapping/event_json.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using testing::path;
using testing::testModel;

gateway::api::DeviceEvent registeredDevice(gateway::api::DeviceEventKind kind) {
  gateway::api::DeviceEvent event{kind, {}, std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};
  event.device.endpoint = "sensor-1";
  event.device.registrationId = "a1";
  event.device.address = "127.0.0.1:40000";
  event.device.lifetimeSeconds = 300;
  event.device.lwm2mVersion = "1.1";
  event.device.binding = "U";
  event.device.objectLinks = {{"/3/0", {}}, {"/3303/0", {}}};
  return event;
}

TEST(EventView, RegistrationEventsCarryTheRegistrationAndNotificationsOnlyTheirValues) {
  const DeviceEvent registered = viewOf(registeredDevice(gateway::api::DeviceEventKind::Registered), "edge-1");
  EXPECT_EQ(registered.registration.registrationId, "a1");
  EXPECT_EQ(registered.registration.lwm2mVersion, "1.1");
  EXPECT_EQ(registered.registration.objectLinks, (std::vector<model::Path>{path("/3/0"), path("/3303/0")}));
  EXPECT_NE(eventJson(registered, testModel()).find(R"("address":"127.0.0.1:40000")"), std::string::npos);

  auto event = registeredDevice(gateway::api::DeviceEventKind::Notification);
  event.paths = {path("/3303/0")};
  model::TimestampedNodes first{1700000000.0, {}};
  first.nodes.emplace(path("/3303/0/5700"), model::Resource::single(5700, model::Value::floating(21.5)));
  model::TimestampedNodes second{1700000001.0, {}};
  second.nodes.emplace(path("/3303/0/5700"), model::Resource::single(5700, model::Value::floating(22.0)));
  event.values = {first, second};
  const DeviceEvent notification = viewOf(event, "edge-1");
  EXPECT_EQ(notification.endpoint, "sensor-1");
  EXPECT_TRUE(notification.registration.registrationId.empty()) << "not copied for a notification";
  EXPECT_TRUE(notification.registration.objectLinks.empty());
  ASSERT_EQ(notification.values.size(), 2u);
  EXPECT_EQ(notification.values[0].value, model::Value::floating(21.5));
  EXPECT_EQ(notification.values[1].time, 1700000001.0);
  EXPECT_EQ(eventJson(notification, testModel()).find("address"), std::string::npos);
}

TEST(EventView, BootstrapEventsKeepTheAddress) {
  const DeviceEvent failed = viewOf(registeredDevice(gateway::api::DeviceEventKind::BootstrapFailed), "edge-1");
  EXPECT_EQ(failed.registration.address, "127.0.0.1:40000");
}

}  // namespace
}  // namespace lwm2m::mapping
