// Commands for sleeping devices through the real daemon: accepted over REST
// only once stored, delivered when the device wakes with an Update, in order,
// once, with results on MQTT carrying the same request ids; also across a
// SIGKILL of the gateway.

#include <filesystem>
#include <fstream>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

class CommandQueue : public ::testing::Test {
 protected:
  CommandQueue()
      : config_(std::filesystem::temp_directory_path() / ("cq-" + std::to_string(::getpid()) + ".yaml")),
        sub_(broker_, "lwm2m/+/event/+") {
    std::ofstream(config_) << "lwm2m:\n  awake_window_s: 1\n";
  }
  ~CommandQueue() override { std::filesystem::remove(config_); }

  // The next event of one of these kinds, as (kind, JSON).
  std::optional<std::pair<std::string, rapidjson::Document>> nextEvent(std::initializer_list<std::string> kinds,
                                                                       std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = sub_.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!m) break;
      std::string kind = m->first.substr(m->first.rfind('/') + 1);
      for (const auto& k : kinds) {
        if (k == kind) return std::make_pair(kind, parse(m->second));
      }
    }
    return std::nullopt;
  }

  std::string post(GatewayProcess& gateway, const std::string& endpoint, const std::string& command) {
    auto r = httpSend("POST", gateway.httpUrl("/api/v1/devices/" + endpoint + "/commands"), command);
    EXPECT_EQ(r.status, 202) << r.body;
    auto d = parse(r.body);
    EXPECT_STREQ(d["status"].GetString(), "queued");
    return d["requestId"].GetString();
  }

  std::filesystem::path config_;
  Mosquitto broker_;
  MqttSubscriber sub_;
};

TEST_F(CommandQueue, ThreeCommandsWaitForTheDeviceAndArriveInOrder) {
  GatewayProcess gateway(broker_.uri(), "127.0.0.1", {"--config", config_.string()});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "valve", "--queue", "--lifetime", "60",
                 "--update-interval", "4", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered valve"));
  ASSERT_TRUE(nextEvent({"asleep"}, 5s)) << gateway.log();

  std::vector<std::string> ids = {post(gateway, "valve", R"({"operation":"read","path":"/3/0/0"})"),
                                  post(gateway, "valve", R"({"operation":"read","path":"/3/0/10"})"),
                                  post(gateway, "valve", R"({"operation":"read","path":"/3/0/9"})")};
  for (const auto& id : ids) {
    auto queued = nextEvent({"queued"}, 5s);
    ASSERT_TRUE(queued);
    EXPECT_STREQ(queued->second["requestId"].GetString(), id.c_str());
  }
  // Asleep: nothing is delivered, the commands are listed as waiting.
  auto waiting = parse(httpGet(gateway.httpUrl("/api/v1/devices/valve/commands")).body);
  ASSERT_EQ(waiting["commands"].Size(), 3u);
  EXPECT_FALSE(waiting["commands"][0]["inFlight"].GetBool());

  // The device wakes with its Update: the three results come back in order, with their ids.
  rapidjson::Document keep;
  std::vector<rapidjson::Value> values;
  for (const auto& id : ids) {
    auto response = nextEvent({"response"}, 10s);
    ASSERT_TRUE(response) << gateway.log();
    const auto& result = response->second;
    EXPECT_STREQ(result["requestId"].GetString(), id.c_str());
    EXPECT_STREQ(result["code"].GetString(), "2.05");
    EXPECT_STREQ(result["status"].GetString(), "content");
    values.emplace_back(result["values"][0], keep.GetAllocator());
  }
  // The answers are the simulator's values.
  EXPECT_STREQ(values[0]["path"].GetString(), "/3/0/0");
  EXPECT_STREQ(values[0]["value"].GetString(), "Open LwM2M Simulator");
  EXPECT_TRUE(values[1]["value"].IsNumber());
  EXPECT_TRUE(values[2]["value"].IsNumber());
  EXPECT_EQ(parse(httpGet(gateway.httpUrl("/api/v1/devices/valve/commands")).body)["commands"].Size(), 0u);
}

TEST_F(CommandQueue, NothingLostNothingTwiceAcrossSigkill) {
  GatewayProcess gateway(broker_.uri(), "127.0.0.1", {"--config", config_.string()});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "pump", "--queue", "--lifetime", "60",
                 "--update-interval", "6", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered pump"));
  ASSERT_TRUE(nextEvent({"asleep"}, 5s));
  std::vector<std::string> ids;
  for (const char* r : {"/3/0/0", "/3/0/1", "/3/0/2"}) {
    ids.push_back(post(gateway, "pump", std::string(R"({"operation":"read","path":")") + r + "\"}"));
  }
  gateway.kill();
  gateway.restart();
  std::vector<std::string> answered;
  while (answered.size() < 3) {
    auto response = nextEvent({"response", "expired-request"}, 15s);
    ASSERT_TRUE(response) << answered.size() << gateway.log();
    ASSERT_EQ(response->first, "response");
    answered.push_back(response->second["requestId"].GetString());
  }
  EXPECT_EQ(answered, ids);
  EXPECT_FALSE(nextEvent({"response"}, 7s)) << "a command was delivered twice";
}

TEST_F(CommandQueue, ACommandQueuedByThePreviousVersionIsDeliveredAfterTheUpgrade) {
  GatewayProcess gateway(broker_.uri(), "127.0.0.1", {"--config", config_.string()});
  gateway.kill();
  {
    // A row as the previous version stored it (JSON body, kept by the schema migration as
    // row format 1), waiting for a device that is not registered yet.
    SQLite::Database db(gateway.dataDir() / "gateway.db", SQLite::OPEN_READWRITE);
    db.exec(R"sql(INSERT INTO queued_request (request_id, endpoint, operation, body, accepted_at_ms,
      expires_at_ms, state, row_format) VALUES ('qold1', 'heater', 'read',
      '{"operation":"read","path":"/3/0/0"}', 1000, 4102444800000, 'queued', 1))sql");
  }
  gateway.restart();
  Simulator sim({"--server", gateway.coapAddress(), "-e", "heater", "--lifetime", "60", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered heater"));
  auto response = nextEvent({"response", "expired-request"}, 10s);
  ASSERT_TRUE(response) << gateway.log();
  ASSERT_EQ(response->first, "response") << gateway.log();
  EXPECT_STREQ(response->second["requestId"].GetString(), "qold1");
  EXPECT_STREQ(response->second["code"].GetString(), "2.05");
  EXPECT_STREQ(response->second["values"][0]["value"].GetString(), "Open LwM2M Simulator");
}

TEST_F(CommandQueue, BadCommandsAreRefusedWithTheReason) {
  GatewayProcess gateway(broker_.uri());
  auto url = gateway.httpUrl("/api/v1/devices/x/commands");
  auto notJson = httpSend("POST", url, "{nope");
  EXPECT_EQ(notJson.status, 400);
  EXPECT_NE(notJson.body.find("bad JSON at offset 1"), std::string::npos) << notJson.body;
  auto badPath = httpSend("POST", url, R"({"operation":"read","path":"/3/65535"})");
  EXPECT_EQ(badPath.status, 400);
  EXPECT_NE(badPath.body.find("path"), std::string::npos) << badPath.body;
  auto badOp = httpSend("POST", url, R"({"operation":"reboot","path":"/3/0/4"})");
  EXPECT_EQ(badOp.status, 400);
  EXPECT_NE(badOp.body.find("unknown operation"), std::string::npos);
  auto badValue = httpSend("POST", url, R"({"operation":"write","path":"/3/0/13","value":"yesterday"})");
  EXPECT_EQ(badValue.status, 400) << badValue.body;
  EXPECT_EQ(httpSend("DELETE", gateway.httpUrl("/api/v1/commands/q0")).status, 404);
}

TEST_F(CommandQueue, CancelledCommandIsNeverDelivered) {
  GatewayProcess gateway(broker_.uri(), "127.0.0.1", {"--config", config_.string()});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "door", "--queue", "--lifetime", "60",
                 "--update-interval", "4", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered door"));
  ASSERT_TRUE(nextEvent({"asleep"}, 5s));
  std::string first = post(gateway, "door", R"({"operation":"read","path":"/3/0/0"})");
  std::string second = post(gateway, "door", R"({"operation":"read","path":"/3/0/1"})");
  auto cancelled = httpSend("DELETE", gateway.httpUrl("/api/v1/commands/" + first));
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  auto event = nextEvent({"cancelled-request"}, 5s);
  ASSERT_TRUE(event);
  EXPECT_STREQ(event->second["requestId"].GetString(), first.c_str());
  auto response = nextEvent({"response"}, 10s);
  ASSERT_TRUE(response);
  EXPECT_STREQ(response->second["requestId"].GetString(), second.c_str());
}

}  // namespace
}  // namespace lwm2m::testing
