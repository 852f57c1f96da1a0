#include "gateway/core/value_cache.h"

#include <gtest/gtest.h>

namespace lwm2m::gateway {
namespace {

using std::chrono::seconds;
const auto kAt = std::chrono::system_clock::time_point(seconds(1'800'000'000));

api::DeviceEvent report(api::DeviceEventKind kind, const std::string& endpoint, model::Path path, double value,
                        std::optional<double> deviceTime = {}) {
  api::DeviceEvent e{kind, {}, kAt, std::nullopt};
  e.device.endpoint = endpoint;
  e.values.push_back({deviceTime, {{path, model::Resource::single(path.resourceId(), model::Value::floating(value))}}});
  return e;
}

TEST(ValueCache, KeepsTheLastValueOfEachResourceWithItsTime) {
  ValueCache cache(10);
  cache.onDeviceEvent(report(api::DeviceEventKind::Notification, "a", model::Path(3303, 0, 5700), 20.0));
  cache.onDeviceEvent(report(api::DeviceEventKind::Send, "a", model::Path(3303, 0, 5700), 21.0, 1'700'000'000.5));
  cache.onDeviceEvent(report(api::DeviceEventKind::Response, "a", model::Path(3303, 1, 5700), 5.0));
  cache.onDeviceEvent(report(api::DeviceEventKind::Notification, "b", model::Path(3303, 0, 5700), 7.0));
  auto values = cache.latest("a");
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].path, model::Path(3303, 0, 5700));
  EXPECT_EQ(values[0].value, model::Value::floating(21.0));
  EXPECT_EQ(values[0].source, api::DeviceEventKind::Send);
  EXPECT_EQ(values[0].at, std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'500)));
  EXPECT_EQ(values[1].at, kAt);  // no device time: when it arrived
  EXPECT_EQ(cache.latest("a", model::Path(3303, 1)).size(), 1u);
  EXPECT_TRUE(cache.latest("a", model::Path(3)).empty());
  EXPECT_EQ(cache.latest("b").size(), 1u);
  EXPECT_TRUE(cache.latest("c").empty());
}

TEST(ValueCache, IgnoresEventsWithoutValues) {
  ValueCache cache(10);
  auto e = report(api::DeviceEventKind::Registered, "a", model::Path(3, 0, 0), 1.0);
  cache.onDeviceEvent(e);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ValueCache, EvictsTheLeastRecentlyUpdated) {
  ValueCache cache(2);
  cache.onDeviceEvent(report(api::DeviceEventKind::Notification, "a", model::Path(1, 0, 1), 1));
  cache.onDeviceEvent(report(api::DeviceEventKind::Notification, "a", model::Path(1, 0, 2), 2));
  cache.onDeviceEvent(report(api::DeviceEventKind::Notification, "a", model::Path(1, 0, 1), 3));  // refreshed
  cache.onDeviceEvent(report(api::DeviceEventKind::Notification, "a", model::Path(1, 0, 3), 4));
  EXPECT_EQ(cache.size(), 2u);
  auto values = cache.latest("a");
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].path, model::Path(1, 0, 1));
  EXPECT_EQ(values[1].path, model::Path(1, 0, 3));
}

TEST(ValueCache, ForgetsADeviceThatLeaves) {
  ValueCache cache(10);
  for (const char* endpoint : {"a", "b", "c"}) {
    cache.onDeviceEvent(report(api::DeviceEventKind::Notification, endpoint, model::Path(3303, 0, 5700), 1));
    cache.onDeviceEvent(report(api::DeviceEventKind::Notification, endpoint, model::Path(3303, 0, 5701), 2));
  }
  api::DeviceEvent left{api::DeviceEventKind::Deregistered, {}, kAt, std::nullopt};
  left.device.endpoint = "a";
  cache.onDeviceEvent(left);
  left.kind = api::DeviceEventKind::Expired;
  left.device.endpoint = "c";
  cache.onDeviceEvent(left);
  EXPECT_TRUE(cache.latest("a").empty());
  EXPECT_TRUE(cache.latest("c").empty());
  EXPECT_EQ(cache.latest("b").size(), 2u);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.entries().size(), 2u);  // the eviction order forgot them too
}

TEST(ValueCache, KeepsTheValuesOfADeviceThatLeftWhenAskedTo) {
  ValueCache cache(10, true);  // http.value_cache_persist
  cache.onDeviceEvent(report(api::DeviceEventKind::Notification, "a", model::Path(3303, 0, 5700), 1));
  api::DeviceEvent left{api::DeviceEventKind::Deregistered, {}, kAt, std::nullopt};
  left.device.endpoint = "a";
  cache.onDeviceEvent(left);
  EXPECT_EQ(cache.latest("a").size(), 1u);
}

}  // namespace
}  // namespace lwm2m::gateway
