// The REST API through the real daemon, with the simulator as the device and
// curl as the client: every operation on resource URLs answered with the
// device's result, 202 + request resource for a sleeping device (polled until
// done, or cancelled), cached values after a notification, and each kind of
// bad input refused with a JSON error while nothing is sent.

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

class RestApi : public ::testing::Test {
 protected:
  RestApi()
      : config_(std::filesystem::temp_directory_path() / ("rest-" + std::to_string(::getpid()) + ".yaml")) {
    std::ofstream(config_) << "lwm2m:\n  awake_window_s: 1\nhttp:\n  request_timeout_s: 10\n";
    gateway_.emplace(broker_.uri(), "127.0.0.1", std::vector<std::string>{"--config", config_.string()});
  }
  ~RestApi() override {
    gateway_.reset();
    std::filesystem::remove(config_);
  }

  HttpResponse send(const std::string& method, const std::string& path, const std::string& body = {}) {
    return httpSend(method, gateway_->httpUrl(path), body);
  }

  // Polls a request resource until it has finished (or `timeout` passes).
  rapidjson::Document pollUntilFinished(const std::string& location, std::chrono::seconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    rapidjson::Document doc;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = send("GET", location);
      doc = parse(r.body);
      if (r.status != 200 || !doc.IsObject()) break;
      const std::string state = str(doc["state"]);
      if (state != "queued" && state != "in-flight") break;
      std::this_thread::sleep_for(200ms);
    }
    return doc;
  }

  std::filesystem::path config_;
  Mosquitto broker_;
  std::optional<GatewayProcess> gateway_;
};

TEST_F(RestApi, EveryOperationOnAnAwakeDeviceAnswersWithTheDevicesResult) {
  Simulator sim({"--server", gateway_->coapAddress(), "-e", "rest-1", "--lifetime", "60", "--objects",
                 "1/0,3/0,3303/0,3311/0"});
  ASSERT_TRUE(sim.waitForLine("registered rest-1"));
  const std::string dev = "/api/v1/devices/rest-1";

  auto read = send("GET", dev + "/3/0/0");
  ASSERT_EQ(read.status, 200) << read.body << gateway_->log();
  auto doc = parse(read.body);
  EXPECT_EQ(str(doc["code"]), "2.05");
  EXPECT_EQ(str(doc["values"][0]["path"]), "/3/0/0");
  EXPECT_TRUE(doc["values"][0]["value"].IsString());
  const std::string readId = str(doc["requestId"]);

  auto write = send("PUT", dev + "/3/0/14", R"({"value":"+02:00"})");
  EXPECT_EQ(write.status, 200) << write.body;
  EXPECT_EQ(str(parse(write.body)["code"]), "2.04");
  EXPECT_EQ(str(parse(send("GET", dev + "/3/0/14").body)["values"][0]["value"]), "+02:00");

  auto update = send("PATCH", dev + "/3311/0", R"({"values":{"5850":true}})");
  EXPECT_EQ(update.status, 200) << update.body;
  // A POST on a single resource is an Execute to the device: PATCH there is refused.
  auto singlePatch = send("PATCH", dev + "/3/0/14", R"({"value":"+03:00"})");
  EXPECT_EQ(singlePatch.status, 400) << singlePatch.body;
  EXPECT_NE(singlePatch.body.find("replace (PUT)"), std::string::npos) << singlePatch.body;
  auto execute = send("POST", dev + "/3/0/4", "");
  EXPECT_EQ(execute.status, 200) << execute.body;
  EXPECT_EQ(str(parse(execute.body)["code"]), "2.04");

  auto created = send("POST", dev + "/3311", R"({"instance":5,"values":{"5850":false}})");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(str(parse(created.body)["location"]), "/3311/5");
  EXPECT_EQ(send("GET", dev + "/3311/5/5850").status, 200);
  auto deleted = send("DELETE", dev + "/3311/5");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(str(parse(deleted.body)["code"]), "2.02");

  auto discover = send("GET", dev + "/3/0/discover");
  EXPECT_EQ(discover.status, 200) << discover.body;
  EXPECT_GT(parse(discover.body)["links"].Size(), 3u);

  auto tlv = send("GET", dev + "/3/0?format=tlv");
  EXPECT_EQ(tlv.status, 200) << tlv.body;
  EXPECT_GT(parse(tlv.body)["values"].Size(), 5u);

  auto composite = send("POST", dev + "/composite/read", R"({"paths":["/3/0/0","/3303/0/5700"]})");
  EXPECT_EQ(composite.status, 200) << composite.body;
  EXPECT_EQ(parse(composite.body)["values"].Size(), 2u);
  auto compositeWrite = send("POST", dev + "/composite/write", R"({"values":{"/3/0/14":"+01:00"}})");
  EXPECT_EQ(compositeWrite.status, 200) << compositeWrite.body;
  EXPECT_EQ(str(parse(compositeWrite.body)["code"]), "2.04");
  EXPECT_EQ(str(parse(send("GET", dev + "/3/0/14").body)["values"][0]["value"]), "+01:00");
  auto compositeObserve = send("POST", dev + "/composite/observe", R"({"paths":["/3/0/13","/3303/0/5700"]})");
  EXPECT_EQ(compositeObserve.status, 200) << compositeObserve.body;
  EXPECT_EQ(str(parse(compositeObserve.body)["code"]), "2.05");
  auto compositeCancel = send("DELETE", dev + "/composite/observe", R"({"paths":["/3/0/13","/3303/0/5700"]})");
  EXPECT_EQ(compositeCancel.status, 200) << compositeCancel.body;
  auto observe = send("POST", dev + "/3/0/13/observe");
  EXPECT_EQ(observe.status, 200) << observe.body;
  auto cancel = send("DELETE", dev + "/3/0/13/observe");
  EXPECT_EQ(cancel.status, 200) << cancel.body;
  auto attributes = send("PUT", dev + "/3/0/13/attributes?pmin=5&pmax=50", R"({"st":1})");
  EXPECT_EQ(attributes.status, 200) << attributes.body;
  EXPECT_EQ(str(parse(attributes.body)["code"]), "2.04");
  EXPECT_EQ(str(parse(send("GET", dev + "/3/0/0?format=senml-json").body)["code"]), "2.05");

  // The device list and one device, the queued requests (none: all answered).
  EXPECT_EQ(send("GET", "/api/v1/devices").status, 200);
  EXPECT_EQ(str(parse(send("GET", dev).body)["endpoint"]), "rest-1");
  EXPECT_TRUE(parse(send("GET", dev + "/requests").body)["requests"].Empty());

  // The device's own errors keep their CoAP code.
  auto missing = send("GET", dev + "/3303/9");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(str(parse(missing.body)["code"]), "4.04");
  auto notAllowed = send("DELETE", dev + "/3/0");
  EXPECT_EQ(notAllowed.status, 405) << notAllowed.body;
  EXPECT_EQ(str(parse(notAllowed.body)["code"]), "4.05");

  // The request resource still knows how a finished call ended.
  auto finished = parse(send("GET", "/api/v1/requests/" + readId).body);
  EXPECT_EQ(str(finished["state"]), "done");
  EXPECT_EQ(str(finished["result"]["code"]), "2.05");

  // ?async: 202 at once, then the request resource until done.
  auto async = send("GET", dev + "/3/0/1?async");
  ASSERT_EQ(async.status, 202) << async.body;
  auto done = pollUntilFinished(str(parse(async.body)["location"]));
  EXPECT_EQ(str(done["state"]), "done");
  EXPECT_EQ(str(done["result"]["values"][0]["path"]), "/3/0/1");
}

TEST_F(RestApi, CachedValuesAfterANotification) {
  Simulator sim({"--server", gateway_->coapAddress(), "-e", "rest-2", "--lifetime", "60", "--objects",
                 "1/0,3/0,3303/0"});
  ASSERT_TRUE(sim.waitForLine("registered rest-2"));
  const std::string dev = "/api/v1/devices/rest-2";
  auto never = send("GET", dev + "/3/0/15?cached");  // never read nor notified
  EXPECT_EQ(never.status, 404) << never.body;
  EXPECT_NE(str(parse(never.body)["error"]).find("no cached value at /3/0/15"), std::string::npos);

  auto attributes = send("PUT", dev + "/3303/0/5700/attributes?pmin=1&pmax=1");
  EXPECT_EQ(attributes.status, 200) << attributes.body;
  auto observe = send("POST", dev + "/3303/0/5700/observe");
  ASSERT_EQ(observe.status, 200) << observe.body;
  EXPECT_EQ(str(parse(observe.body)["code"]), "2.05");
  // The observe answer is cached at once; a notification (pmax=1) replaces it.
  rapidjson::Document doc;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto cached = send("GET", dev + "/3303/0/5700?cached");
    doc = parse(cached.body);
    if (cached.status == 200 && str(doc["values"][0]["source"]) == "notification") break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("values")) << gateway_->log();
  EXPECT_EQ(str(doc["values"][0]["source"]), "notification") << gateway_->log();
  EXPECT_TRUE(doc["values"][0]["value"].IsNumber());
  EXPECT_LT(doc["values"][0]["age_s"].GetDouble(), 5.0);
  auto all = parse(send("GET", dev + "/values").body);
  EXPECT_GE(all["values"].Size(), 1u);

  EXPECT_EQ(send("DELETE", dev + "/3303/0/5700/observe").status, 200);
}

// http.value_cache_persist: the values survive a clean restart (saved at stop)
// and a SIGKILL once the save interval has passed, with the time they were seen.
TEST(RestApiCachedValues, SurviveACleanRestartAndAKillAfterTheSaveInterval) {
  const auto config = std::filesystem::temp_directory_path() / ("rest-keep-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(config) << "http:\n  value_cache_persist: true\n  value_cache_save_s: 1\n";
  Mosquitto broker;
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.string()});
  auto get = [&](const std::string& path) { return httpSend("GET", gateway.httpUrl(path), {}); };
  const std::string dev = "/api/v1/devices/keep-1";
  double temperature = 0;
  std::string seenAt, manufacturer;
  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "keep-1", "--lifetime", "60", "--objects", "1/0,3/0,3303/0"});
    ASSERT_TRUE(sim.waitForLine("registered keep-1"));
    auto read = get(dev + "/3303/0/5700");
    ASSERT_EQ(read.status, 200) << read.body;
    auto cached = get(dev + "/3303/0/5700?cached");
    ASSERT_EQ(cached.status, 200) << cached.body;
    auto doc = parse(cached.body);
    ASSERT_TRUE(doc["values"][0]["value"].IsNumber()) << cached.body;
    temperature = doc["values"][0]["value"].GetDouble();
    seenAt = str(doc["values"][0]["timestamp"]);
  }
  ASSERT_EQ(gateway.terminate(), 0) << gateway.log();
  gateway.restart();
  auto afterStop = get(dev + "/3303/0/5700?cached");
  ASSERT_EQ(afterStop.status, 200) << afterStop.body << gateway.log();
  auto doc = parse(afterStop.body);
  EXPECT_EQ(doc["values"][0]["value"].GetDouble(), temperature);
  EXPECT_EQ(str(doc["values"][0]["timestamp"]), seenAt);
  EXPECT_EQ(str(doc["values"][0]["source"]), "response");
  EXPECT_TRUE(waitForLog(gateway, "1 cached values restored"));

  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "keep-1", "--lifetime", "60", "--objects", "1/0,3/0,3303/0"});
    ASSERT_TRUE(sim.waitForLine("registered keep-1"));
    auto read = get(dev + "/3/0/0");
    ASSERT_EQ(read.status, 200) << read.body;
    manufacturer = str(parse(read.body)["values"][0]["value"]);
  }
  // Saved within the interval (1 s): then a SIGKILL keeps it.
  const auto file = gateway.dataDir() / "latest-values.json";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto saved = [&] {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find("\"/3/0/0\"") != std::string::npos;
  };
  while (!saved() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(saved()) << gateway.log();
  gateway.kill();
  gateway.restart();
  auto afterKill = get(dev + "/values");
  ASSERT_EQ(afterKill.status, 200) << afterKill.body;
  auto all = parse(afterKill.body);
  ASSERT_EQ(all["values"].Size(), 2u) << afterKill.body;
  EXPECT_EQ(str(all["values"][0]["path"]), "/3/0/0");
  EXPECT_EQ(str(all["values"][0]["value"]), manufacturer);
  EXPECT_EQ(str(all["values"][1]["path"]), "/3303/0/5700");  // (notified again while the device was back)
  std::filesystem::remove(config);
}

TEST_F(RestApi, ASleepingDeviceGets202AndThePolledRequestFinishesWhenItWakes) {
  MqttSubscriber asleep(broker_, "lwm2m/+/event/asleep");
  Simulator sim({"--server", gateway_->coapAddress(), "-e", "sleeper", "--queue", "--lifetime", "60",
                 "--update-interval", "4", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered sleeper"));
  ASSERT_TRUE(asleep.next(5s)) << gateway_->log();

  auto queued = send("GET", "/api/v1/devices/sleeper/3/0/0");
  ASSERT_EQ(queued.status, 202) << queued.body;
  auto accepted = parse(queued.body);
  EXPECT_EQ(str(accepted["state"]), "queued");
  const std::string location = str(accepted["location"]);
  EXPECT_EQ(location.rfind("/api/v1/requests/", 0), 0u) << location;

  // A second one is cancelled before the device wakes.
  auto second = parse(send("GET", "/api/v1/devices/sleeper/3/0/1").body);
  const std::string secondLocation = str(second["location"]);
  auto listed = parse(send("GET", "/api/v1/devices/sleeper/requests").body);
  EXPECT_EQ(listed["requests"].Size(), 2u);
  auto cancelled = send("DELETE", secondLocation);
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(str(parse(send("GET", secondLocation).body)["state"]), "cancelled");
  EXPECT_EQ(send("DELETE", secondLocation).status, 409);

  auto done = pollUntilFinished(location);
  EXPECT_EQ(str(done["state"]), "done") << gateway_->log();
  EXPECT_EQ(str(done["result"]["code"]), "2.05");
  EXPECT_EQ(str(done["result"]["values"][0]["path"]), "/3/0/0");
}

TEST_F(RestApi, BadInputIsRefusedWithAJsonErrorAndNothingIsSent) {
  Simulator sim({"--server", gateway_->coapAddress(), "-e", "rest-3", "--lifetime", "60", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered rest-3"));
  MqttSubscriber queuedEvents(broker_, "lwm2m/rest-3/event/queued");
  const std::string dev = "/api/v1/devices/rest-3";
  struct Case {
    std::string method, path, body;
    int status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"GET", dev + "/3/abc", "", 400, "instance id 'abc' is not a number"},
      {"GET", dev + "/3/0/70000", "", 400, "out of range"},
      {"GET", dev + "/3/0/7/0/1", "", 400, "too deep"},
      {"GET", "/api/v1/devices/ghost/3/0/0", "", 404, "device 'ghost' is not registered"},
      {"PUT", dev + "/3/0/14", "{nope", 400, "bad JSON"},
      {"PUT", dev + "/3/0/13", R"({"value":"yesterday"})", 400, "/3/0/13"},
      {"PUT", dev + "/3", R"({"value":1})", 405, "allowed: GET, POST"},
      {"GET", dev + "/3/0/0?format=xml", "", 400, "unknown content format"},
      {"GET", dev + "/3/0/0?timeout=0", "", 400, "timeout must be"},
      {"PUT", dev + "/3/0/14", R"({"value":")" + std::string(70 * 1024, 'x') + R"("})", 413, "larger than"},
  };
  for (const Case& c : cases) {
    auto r = send(c.method, c.path, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path.substr(0, 80) << ": " << r.body.substr(0, 200);
    auto doc = parse(r.body);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("error")) << r.body.substr(0, 200);
    EXPECT_NE(str(doc["error"]).find(c.says), std::string::npos) << str(doc["error"]);
  }
  EXPECT_FALSE(queuedEvents.next(500ms)) << "a refused call reached the request queue";
}

}  // namespace
}  // namespace lwm2m::testing
