#include "gateway/api/device_events.h"
#include "bridges/http/rest_json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "gateway/api/health.h"

namespace lwm2m::gateway::api {
namespace {

using bridges::http::toIso8601;
using bridges::http::toJson;

using namespace std::chrono_literals;

std::chrono::system_clock::time_point at(std::int64_t millisSinceEpoch) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(millisSinceEpoch));
}

DeviceInfo sampleDevice() {
  DeviceInfo d;
  d.endpoint = "sensor-\"1\"";
  d.registrationId = "a1b2";
  d.lwm2mVersion = "1.1";
  d.binding = "UQ";
  d.queueMode = true;
  d.lifetimeSeconds = 300;
  d.smsNumber = "";
  d.address = "[::1]:56830";
  d.rootPath = "/";
  d.objectLinks = {{"/", {{"rt", "oma.lwm2m"}, {"ct", "110"}}},
                   {"/1/0", {}},
                   {"/3/0", {{"ver", "1.1"}}},
                   {"/3303", {{"ver", "1.1"}, {"foo", ""}}}};
  d.registeredAt = at(1'795'323'056'123);  // 2026-11-22T04:50:56.123Z
  d.lastUpdateAt = at(1'795'323'116'000);
  d.expiresAt = at(1'795'323'416'000);
  return d;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

TEST(Iso8601, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(toIso8601(at(1'795'323'056'123)), "2026-11-22T04:50:56.123Z");
  EXPECT_EQ(toIso8601(at(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(toIso8601(at(951'782'400'007)), "2000-02-29T00:00:00.007Z");
}

TEST(DeviceEventKind, NamesUsedInTopics) {
  EXPECT_EQ(toString(DeviceEventKind::Registered), "registered");
  EXPECT_EQ(toString(DeviceEventKind::Updated), "updated");
  EXPECT_EQ(toString(DeviceEventKind::Deregistered), "deregistered");
  EXPECT_EQ(toString(DeviceEventKind::Expired), "expired");
  EXPECT_EQ(toString(DeviceEventKind::Awake), "awake");
  EXPECT_EQ(toString(DeviceEventKind::Asleep), "asleep");
}

TEST(DeviceJson, CarriesEveryRegistrationField) {
  auto doc = parse(toJson(sampleDevice()));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["endpoint"].GetString(), "sensor-\"1\"");
  EXPECT_STREQ(doc["registrationId"].GetString(), "a1b2");
  EXPECT_STREQ(doc["lwm2m"].GetString(), "1.1");
  EXPECT_STREQ(doc["binding"].GetString(), "UQ");
  EXPECT_TRUE(doc["queueMode"].GetBool());
  EXPECT_EQ(doc["lifetime"].GetUint(), 300u);
  EXPECT_STREQ(doc["sms"].GetString(), "");
  EXPECT_STREQ(doc["address"].GetString(), "[::1]:56830");
  EXPECT_STREQ(doc["rootPath"].GetString(), "/");
  EXPECT_STREQ(doc["registeredAt"].GetString(), "2026-11-22T04:50:56.123Z");
  EXPECT_STREQ(doc["lastUpdateAt"].GetString(), "2026-11-22T04:51:56.000Z");
  EXPECT_STREQ(doc["expiresAt"].GetString(), "2026-11-22T04:56:56.000Z");
}

TEST(DeviceJson, ObjectsListsInstancesWithoutTheRootLink) {
  auto doc = parse(toJson(sampleDevice()));
  const auto& objects = doc["objects"];
  ASSERT_TRUE(objects.IsArray());
  ASSERT_EQ(objects.Size(), 3u);
  EXPECT_STREQ(objects[0].GetString(), "/1/0");
  EXPECT_STREQ(objects[1].GetString(), "/3/0");
  EXPECT_STREQ(objects[2].GetString(), "/3303");
}

TEST(DeviceJson, ObjectLinksKeepAttributes) {
  auto doc = parse(toJson(sampleDevice()));
  const auto& links = doc["objectLinks"];
  ASSERT_TRUE(links.IsArray());
  ASSERT_EQ(links.Size(), 4u);
  EXPECT_STREQ(links[0]["path"].GetString(), "/");
  EXPECT_STREQ(links[0]["attributes"]["rt"].GetString(), "oma.lwm2m");
  EXPECT_STREQ(links[0]["attributes"]["ct"].GetString(), "110");
  EXPECT_TRUE(links[1]["attributes"].IsObject());
  EXPECT_EQ(links[1]["attributes"].MemberCount(), 0u);
  EXPECT_STREQ(links[2]["attributes"]["ver"].GetString(), "1.1");
  EXPECT_STREQ(links[3]["attributes"]["foo"].GetString(), "");
}

TEST(DeviceJson, AlternateRootPathIsNotAnObject) {
  DeviceInfo d = sampleDevice();
  d.rootPath = "/lwm2m";
  d.objectLinks = {{"/lwm2m", {{"rt", "oma.lwm2m"}}}, {"/lwm2m/3/0", {}}};
  auto doc = parse(toJson(d));
  ASSERT_EQ(doc["objects"].Size(), 1u);
  EXPECT_STREQ(doc["objects"][0].GetString(), "/lwm2m/3/0");
}

TEST(DeviceJson, ControlCharactersAreEscaped) {
  DeviceInfo d = sampleDevice();
  d.endpoint = std::string("a\nb\\c\x01", 6);
  auto doc = parse(toJson(d));
  EXPECT_EQ(std::string(doc["endpoint"].GetString()), d.endpoint);
}

TEST(HealthJson, ReportsStatusVersionUptimeDevicesAndMqtt) {
  auto doc = parse(toJson(HealthReport{"0.1.0", 3725s, 42, true}));
  EXPECT_STREQ(doc["status"].GetString(), "ok");
  EXPECT_STREQ(doc["version"].GetString(), "0.1.0");
  EXPECT_EQ(doc["uptime"].GetInt64(), 3725);
  EXPECT_EQ(doc["devices"].GetUint64(), 42u);
  EXPECT_STREQ(doc["mqtt"].GetString(), "connected");
  auto down = parse(toJson(HealthReport{"0.1.0", 0s, 0, false}));
  EXPECT_STREQ(down["mqtt"].GetString(), "disconnected");
  EXPECT_FALSE(down.HasMember("mqttOutbox"));
}

TEST(HealthJson, ReportsTheMqttOutboxWhenGiven) {
  HealthReport health{"0.1.0", 1s, 0, false};
  health.mqttOutbox = MqttOutboxHealth{12, 30, 4, 1};
  auto doc = parse(toJson(health));
  ASSERT_TRUE(doc.HasMember("mqttOutbox"));
  EXPECT_EQ(doc["mqttOutbox"]["waiting"].GetUint64(), 12u);
  EXPECT_EQ(doc["mqttOutbox"]["published"].GetUint64(), 30u);
  EXPECT_EQ(doc["mqttOutbox"]["dropped"].GetUint64(), 4u);
  EXPECT_EQ(doc["mqttOutbox"]["rejected"].GetUint64(), 1u);
}

TEST(HealthJson, ReportsQueuedRequestsAndDtlsWhenGiven) {
  HealthReport health{"0.1.0", 1s, 0, false};
  EXPECT_FALSE(parse(toJson(health)).HasMember("dtls"));
  health.queuedRequests = 7;
  health.dtls = DtlsHealth{3, 1, 10, 2};
  auto doc = parse(toJson(health));
  EXPECT_EQ(doc["queuedRequests"].GetUint64(), 7u);
  EXPECT_EQ(doc["dtls"]["sessions"].GetUint64(), 3u);
  EXPECT_EQ(doc["dtls"]["handshakesInProgress"].GetUint64(), 1u);
  EXPECT_EQ(doc["dtls"]["handshakes"].GetUint64(), 10u);
  EXPECT_EQ(doc["dtls"]["failedHandshakes"].GetUint64(), 2u);
}

TEST(HealthJson, IsDegradedWhileTheStorageIsNotOkAndSaysWhy) {
  HealthReport health{"0.1.0", 1s, 0, true};
  health.storage = StorageHealth{StorageCondition{StorageState::Ok, "", 50u << 20, 8u << 20, ""}, std::nullopt};
  auto ok = parse(toJson(health));
  EXPECT_STREQ(ok["status"].GetString(), "ok");
  EXPECT_EQ(ok["degraded"].Size(), 0u);
  EXPECT_STREQ(ok["storage"]["state"].GetString(), "ok");
  EXPECT_EQ(ok["storage"]["free"].GetUint64(), 50u << 20);

  health.storage->condition = StorageCondition{StorageState::Full, "free room 1.0 MiB is below the reserve", 1u << 20,
                                               8u << 20, ""};
  auto full = parse(toJson(health));
  EXPECT_STREQ(full["status"].GetString(), "degraded");
  ASSERT_EQ(full["degraded"].Size(), 1u);
  EXPECT_STREQ(full["degraded"][0].GetString(), "storage");
  EXPECT_STREQ(full["storage"]["state"].GetString(), "full");
  EXPECT_STREQ(full["storage"]["reason"].GetString(), "free room 1.0 MiB is below the reserve");
  EXPECT_EQ(full["storage"]["reserve"].GetUint64(), 8u << 20);
}

TEST(HealthJson, FlagsADamagedDatabaseMovedAsideAtStart) {
  HealthReport health{"0.1.0", 1s, 0, true};
  health.storage = StorageHealth{StorageCondition{StorageState::Ok, "", 50u << 20, 8u << 20, ""},
                                 DamagedDatabase{"/data/gateway.db.damaged-20261206T143852Z", "not a SQLite database",
                                                 std::chrono::system_clock::from_time_t(1765031932)}};
  auto doc = parse(toJson(health));
  EXPECT_STREQ(doc["status"].GetString(), "degraded");
  EXPECT_STREQ(doc["storage"]["damagedDatabase"]["movedTo"].GetString(), "/data/gateway.db.damaged-20261206T143852Z");
  EXPECT_STREQ(doc["storage"]["damagedDatabase"]["reason"].GetString(), "not a SQLite database");
  EXPECT_STREQ(doc["storage"]["damagedDatabase"]["at"].GetString(), "2025-12-06T14:38:52.000Z");
}

TEST(HealthJson, NamesKernelDropsPerListenerWhileStayingOk) {
  HealthReport health{"0.1.0", 1s, 0, true};
  EXPECT_FALSE(parse(toJson(health)).HasMember("warnings"));
  health.listeners.push_back({"coap", "0.0.0.0:5683", 8u << 20, 0});
  health.listeners.push_back({"coaps", "0.0.0.0:5684", 8u << 20, 37});
  health.warnings.push_back("coaps listener 0.0.0.0:5684: 37 datagrams dropped by the kernel since start");
  auto doc = parse(toJson(health));
  EXPECT_STREQ(doc["status"].GetString(), "ok");
  ASSERT_EQ(doc["warnings"].Size(), 1u);
  EXPECT_STREQ(doc["warnings"][0].GetString(), "coaps listener 0.0.0.0:5684: 37 datagrams dropped by the kernel since start");
  ASSERT_EQ(doc["listeners"].Size(), 2u);
  EXPECT_STREQ(doc["listeners"][1]["name"].GetString(), "coaps");
  EXPECT_STREQ(doc["listeners"][1]["address"].GetString(), "0.0.0.0:5684");
  EXPECT_EQ(doc["listeners"][1]["receiveBuffer"].GetUint64(), 8u << 20);
  EXPECT_EQ(doc["listeners"][1]["dropped"].GetUint64(), 37u);
}

}  // namespace
}  // namespace lwm2m::gateway::api
