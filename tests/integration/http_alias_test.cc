// HTTP aliases of the mapping rules in the real daemon, with the simulator as
// the device and curl as the client: an alias reads the device's value in its
// payload style with its transform, writes (the value is there on the next
// read), answers 202 with the request resource for a sleeping device, refuses
// a bad body or another method naming the problem, follows a reload (SIGHUP
// or REST), and the presets' aliases answer (EMQX's also on its up/resp topic).

#include <signal.h>

#include <cmath>
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
namespace fs = std::filesystem;

constexpr const char* kSites = R"(http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: read
    target: "/3303/0/5700"
    payload: json
    transform: {offset: 273.15, round: 2, rename: kelvin}
  - method: GET
    path: "/api/v1/sites/{endpoint}/timezone"
    operation: read
    target: "/3/0/15"
    payload: value
  - method: PUT
    path: "/api/v1/sites/{endpoint}/timezone"
    operation: write
    target: "/3/0/15"
    payload: value
  - method: PUT
    path: "/api/v1/sites/{endpoint}/lifetime"
    operation: write
    target: "/1/0/1"
    payload: value
    validate: {min: 30, max: 86400}
)";

// A scratch directory with a gateway configuration (queue-mode devices count
// as asleep a second after their last message) and mapping files.
class HttpAliases : public ::testing::Test {
 protected:
  HttpAliases()
      : dir_(fs::temp_directory_path() / ("http-alias-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_ / "mapping");
    std::ofstream(dir_ / "gateway.yaml") << "lwm2m:\n  awake_window_s: 1\nhttp:\n  request_timeout_s: 10\n";
  }
  ~HttpAliases() override {
    gateway_.reset();
    fs::remove_all(dir_);
  }

  void writeRules(const std::string& name, const std::string& text) { std::ofstream(dir_ / "mapping" / name) << text; }
  // With the rules of `mapping` (default: the test's mapping/; "": the built-in generic preset).
  void start(std::optional<std::string> mapping = std::nullopt) {
    std::vector<std::string> args{"--config", (dir_ / "gateway.yaml").string()};
    if (!mapping) mapping = (dir_ / "mapping").string();
    if (!mapping->empty()) args.insert(args.end(), {"--mapping", *mapping});
    gateway_.emplace(broker_.uri(), "127.0.0.1", args);
  }
  HttpResponse send(const std::string& method, const std::string& path, const std::string& body = {}) {
    return httpSend(method, gateway_->httpUrl(path), body);
  }

  static inline int n_ = 0;
  fs::path dir_;
  Mosquitto broker_;
  std::optional<GatewayProcess> gateway_;
};

TEST_F(HttpAliases, ReadAnswersInTheAliasStyleWithItsTransformAndWriteReachesTheDevice) {
  writeRules("sites.yaml", kSites);
  start();
  Simulator sim({"--server", gateway_->coapAddress(), "-e", "site-1", "--lifetime", "60"});
  ASSERT_TRUE(sim.waitForLine("registered site-1"));

  auto celsius = send("GET", "/api/v1/devices/site-1/3303/0/5700");
  ASSERT_EQ(celsius.status, 200) << celsius.body;
  const double c = parse(celsius.body)["values"][0]["value"].GetDouble();
  auto kelvin = send("GET", "/api/v1/sites/site-1/temperature");
  ASSERT_EQ(kelvin.status, 200) << kelvin.body << gateway_->log();
  EXPECT_EQ(kelvin.contentType, "application/json");
  auto doc = parse(kelvin.body);
  EXPECT_EQ(str(doc["endpoint"]), "site-1");
  EXPECT_EQ(str(doc["path"]), "/3303/0/5700");
  EXPECT_EQ(str(doc["name"]), "kelvin");
  // The simulated temperature moves slowly (a few hundredths a second).
  EXPECT_NEAR(doc["value"].GetDouble(), c + 273.15, 0.5) << kelvin.body;

  auto written = send("PUT", "/api/v1/sites/site-1/timezone", "Europe/Berlin");
  EXPECT_EQ(written.status, 204) << written.body;
  EXPECT_TRUE(written.body.empty()) << written.body;
  auto bare = send("GET", "/api/v1/sites/site-1/timezone");
  EXPECT_EQ(bare.status, 200) << bare.body;
  EXPECT_EQ(bare.contentType, "text/plain");
  EXPECT_EQ(bare.body, "Europe/Berlin");
  EXPECT_EQ(str(parse(send("GET", "/api/v1/devices/site-1/3/0/15").body)["values"][0]["value"]), "Europe/Berlin");

  // Refusals name the problem; nothing is sent for them.
  auto notANumber = send("PUT", "/api/v1/sites/site-1/lifetime", "soon");
  EXPECT_EQ(notANumber.status, 400) << notANumber.body;
  EXPECT_NE(str(parse(notANumber.body)["error"]).find("soon"), std::string::npos) << notANumber.body;
  auto tooShort = send("PUT", "/api/v1/sites/site-1/lifetime", "5");
  EXPECT_EQ(tooShort.status, 400) << tooShort.body;
  EXPECT_NE(str(parse(tooShort.body)["error"]).find("30"), std::string::npos) << tooShort.body;
  auto method = send("DELETE", "/api/v1/sites/site-1/timezone");
  EXPECT_EQ(method.status, 405) << method.body;
  EXPECT_NE(str(parse(method.body)["error"]).find("GET, PUT"), std::string::npos) << method.body;
  auto unknown = send("GET", "/api/v1/sites/nobody/timezone");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(str(parse(unknown.body)["error"]).find("nobody"), std::string::npos) << unknown.body;
  EXPECT_EQ(gateway_->terminate(), 0);
}

TEST_F(HttpAliases, ReloadBySighupOrRestAddsAndRemovesAliases) {
  writeRules("sites.yaml", kSites);
  start();
  Simulator sim({"--server", gateway_->coapAddress(), "-e", "site-2", "--lifetime", "60"});
  ASSERT_TRUE(sim.waitForLine("registered site-2"));
  EXPECT_EQ(send("GET", "/api/v1/sites/site-2/manufacturer").status, 404);

  writeRules("more.yaml", R"(http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/manufacturer"
    operation: read
    target: "/3/0/0"
    payload: value
)");
  ASSERT_EQ(::kill(gateway_->pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(*gateway_, "5 http aliases")) << gateway_->log();
  auto added = send("GET", "/api/v1/sites/site-2/manufacturer");
  EXPECT_EQ(added.status, 200) << added.body;
  EXPECT_FALSE(added.body.empty());
  EXPECT_EQ(added.contentType, "text/plain");

  fs::remove(dir_ / "mapping" / "sites.yaml");
  auto reloaded = send("POST", "/api/v1/mapping/reload");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(parse(reloaded.body)["http"].GetInt(), 1);
  auto removed = send("GET", "/api/v1/sites/site-2/timezone");
  EXPECT_EQ(removed.status, 404) << removed.body;
  EXPECT_NE(str(parse(removed.body)["error"]).find("no such resource"), std::string::npos) << removed.body;
  EXPECT_EQ(send("GET", "/api/v1/sites/site-2/manufacturer").status, 200);
  EXPECT_EQ(gateway_->terminate(), 0);
}

TEST_F(HttpAliases, PresetAliasesAnswerAndASleepingDeviceGets202WithTheRequestResource) {
  start("");
  Simulator awake({"--server", gateway_->coapAddress(), "-e", "plant-1", "--lifetime", "60"});
  ASSERT_TRUE(awake.waitForLine("registered plant-1"));
  auto info = send("GET", "/api/v1/devices/plant-1/info");
  ASSERT_EQ(info.status, 200) << info.body << gateway_->log();
  auto tree = parse(info.body);
  EXPECT_EQ(str(tree["path"]), "/3/0");
  EXPECT_TRUE(tree["resources"].IsObject()) << info.body;
  auto temperature = send("GET", "/api/v1/devices/plant-1/temperature");
  ASSERT_EQ(temperature.status, 200) << temperature.body;
  EXPECT_EQ(str(parse(temperature.body)["path"]), "/3303/0/5700");
  EXPECT_EQ(send("PUT", "/api/v1/devices/plant-1/timezone", "Asia/Tokyo").status, 204);
  EXPECT_EQ(str(parse(send("GET", "/api/v1/devices/plant-1/3/0/15").body)["values"][0]["value"]), "Asia/Tokyo");

  MqttSubscriber asleep(broker_, "lwm2m/sleeper/event/asleep");
  Simulator sleeper({"--server", gateway_->coapAddress(), "-e", "sleeper", "--queue", "--lifetime", "60",
                     "--update-interval", "4"});
  ASSERT_TRUE(sleeper.waitForLine("registered sleeper"));
  ASSERT_TRUE(asleep.next(5s)) << gateway_->log();
  auto queued = send("GET", "/api/v1/devices/sleeper/temperature");
  ASSERT_EQ(queued.status, 202) << queued.body;
  EXPECT_EQ(queued.location.rfind("/api/v1/requests/", 0), 0u) << queued.location;
  EXPECT_EQ(str(parse(queued.body)["location"]), queued.location);

  // The device wakes with its next update; the request resource then holds the result.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  rapidjson::Document done;
  while (std::chrono::steady_clock::now() < deadline) {
    done = parse(send("GET", queued.location).body);
    if (done.IsObject() && str(done["state"]) == "done") break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(str(done["state"]), "done") << gateway_->log();
  EXPECT_EQ(str(done["result"]["code"]), "2.05");
  EXPECT_EQ(str(done["result"]["values"][0]["path"]), "/3303/0/5700");
  EXPECT_EQ(gateway_->terminate(), 0);
}

TEST_F(HttpAliases, EmqxPresetAliasesAnswerAsEmqxAndPublishTheResultOnUpResp) {
  start(std::string(LWM2M_SOURCE_DIR) + "/deploy/mapping/emqx.yaml");
  MqttSubscriber resp(broker_, "lwm2m/emqx-1/up/resp");
  Simulator sim({"--server", gateway_->coapAddress(), "-e", "emqx-1", "--lifetime", "60"});
  ASSERT_TRUE(sim.waitForLine("registered emqx-1"));
  const std::string client = "/api/v1/gateways/lwm2m/clients/emqx-1";

  auto write = send("POST", client + "/write?path=/3/0/15&type=String&value=Europe%2FBerlin");
  EXPECT_EQ(write.status, 200) << write.body << gateway_->log();
  EXPECT_EQ(str(parse(write.body)["msgType"]), "write") << write.body;
  auto read = send("POST", client + "/read?path=/3/0/15");
  ASSERT_EQ(read.status, 200) << read.body;
  auto doc = parse(read.body);
  EXPECT_EQ(str(doc["msgType"]), "read") << read.body;
  EXPECT_EQ(str(doc["data"]["reqPath"]), "/3/0/15") << read.body;
  EXPECT_EQ(str(doc["data"]["code"]), "2.05") << read.body;
  EXPECT_NE(read.body.find("Europe/Berlin"), std::string::npos) << read.body;

  // As EMQX does, the result also goes to up/resp.
  bool published = false;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!published && std::chrono::steady_clock::now() < deadline) {
    auto m = resp.next(1s);
    published = m && m->second.find("\"msgType\":\"read\"") != std::string::npos &&
                m->second.find("Europe/Berlin") != std::string::npos;
  }
  EXPECT_TRUE(published) << gateway_->log();
  EXPECT_EQ(gateway_->terminate(), 0);
}

}  // namespace
}  // namespace lwm2m::testing
