// The mapping rules in the real daemon, against a real Mosquitto and the
// simulator: values arrive on the topics and in the shapes a mapping file
// chooses, every device operation can be commanded over MQTT and answered on
// its result topic, the emqx preset speaks EMQX's wire format, commands for
// sleeping devices are queued then answered, and a bad mapping file on reload
// is refused while the rules in force stay.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A scratch directory for mapping files, removed with the test.
class MappingDir {
 public:
  MappingDir() : dir_(fs::temp_directory_path() / ("mapping-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_);
  }
  ~MappingDir() { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir_ / name) << text; }
  std::string path() const { return dir_.string(); }

 private:
  static inline int n_ = 0;
  fs::path dir_;
};

void publish(const Mosquitto& broker, const std::string& topic, const std::string& payload) {
  auto r = runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-t",
                       topic, "-m", payload});
  ASSERT_EQ(r.exitCode, 0) << "mosquitto_pub failed";
}

// The next message on `topic` whose payload passes `accept`.
std::optional<std::string> nextOn(MqttSubscriber& sub, const std::string& topic,
                                  const std::function<bool(const rapidjson::Document&)>& accept = {},
                                  std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = sub.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (m->first != topic) continue;
    if (!accept || accept(parse(m->second))) return m->second;
  }
  return std::nullopt;
}

TEST(Mapping, NotificationsArriveOnTheTopicsAndInTheShapesTheRulesChoose) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "site/#");
  MappingDir mapping;
  mapping.write("site.yaml", R"(
uplink:
  - name: temperature-deci
    match: {path: "/3303/+/5700", events: [notification]}
    topic: "site/{endpoint}/{object_name}/{instance}/deci"
    payload: value
    transform: {scale: 10, round: 0}
  - name: temperature-tree
    match: {object: Temperature, events: [notification]}
    topic: "site/{endpoint}/tree"
    payload: tree
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 1, pmax: 1}
)");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--mapping", mapping.path()});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "oven", "--objects", "1/0,3/0,3303/0"});
  ASSERT_TRUE(sim.waitForLine("registered oven"));

  // Observed without being asked, notified every second (pmax 1).
  for (int i = 0; i < 2; ++i) {
    auto m = sub.next(10s);
    ASSERT_TRUE(m) << gateway.log();
    if (m->first == "site/oven/Temperature/0/deci") {
      // 10 x the temperature, rounded to a whole number.
      EXPECT_EQ(m->second.find('.'), std::string::npos) << m->second;
      const int deci = std::stoi(m->second);
      EXPECT_GT(deci, -400);
      EXPECT_LT(deci, 1000);
    } else {
      ASSERT_EQ(m->first, "site/oven/tree");
      auto tree = parse(m->second);
      EXPECT_EQ(str(tree["path"]), "/3303/0");
      EXPECT_TRUE(tree["resources"]["5700"].IsNumber()) << m->second;
    }
  }
  auto again = nextOn(sub, "site/oven/Temperature/0/deci", {}, 5s);
  EXPECT_TRUE(again) << "notifications keep coming";
}

TEST(Mapping, SendReportsArriveAsTimestampedValues) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/reporter/3/0/9");
  GatewayProcess gateway(broker.uri());
  Simulator sim({"--server", gateway.coapAddress(), "-e", "reporter", "--objects", "1/0,3/0", "--send", "1"});
  ASSERT_TRUE(sim.waitForLine("registered reporter"));
  auto first = sub.next(10s);
  ASSERT_TRUE(first) << gateway.log();
  auto value = parse(first->second);
  EXPECT_EQ(str(value["endpoint"]), "reporter");
  EXPECT_EQ(str(value["name"]), "Battery Level");
  EXPECT_TRUE(value["value"].IsInt()) << first->second;
  EXPECT_NEAR(value["timestamp"].GetDouble(),
              std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(), 30);
  auto second = sub.next(5s);
  ASSERT_TRUE(second) << "a report every second";
  EXPECT_GT(parse(second->second)["timestamp"].GetDouble(), value["timestamp"].GetDouble());
}

TEST(Mapping, EveryDeviceOperationCanBeCommandedOverMqtt) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/+/cmd/result");
  GatewayProcess gateway(broker.uri());
  Simulator sim({"--server", gateway.coapAddress(), "-e", "lab"});
  ASSERT_TRUE(sim.waitForLine("registered lab"));
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();

  struct Case {
    const char* command;
    const char* code;
  };
  const Case cases[] = {
      {R"({"id":"1","operation":"read","path":"/3/0/0"})", "2.05"},
      {R"({"id":"2","operation":"discover","path":"/3/0"})", "2.05"},
      {R"({"id":"3","operation":"write","path":"/1/0/1","value":120})", "2.04"},
      {R"({"id":"4","operation":"write-attributes","path":"/3303/0/5700","attributes":{"pmin":5,"pmax":50}})", "2.04"},
      {R"({"id":"5","operation":"execute","path":"/3/0/4"})", "2.04"},
      {R"({"id":"6","operation":"create","path":"/3311","instance":7,"values":{"5850":true,"5706":"blue"}})", "2.01"},
      {R"({"id":"7","operation":"read","path":"/3311/7/5706"})", "2.05"},
      {R"({"id":"8","operation":"delete","path":"/3311/7"})", "2.02"},
      {R"({"id":"9","operation":"observe","path":"/3/0/9"})", "2.05"},
      {R"({"id":"10","operation":"cancel-observe","path":"/3/0/9"})", "2.05"},
      {R"({"id":"11","operation":"write-composite","values":{"/3311/0/5851":10,"/3311/1/5850":true}})", "2.04"},
      {R"({"id":"12","operation":"read-composite","paths":["/3311/0/5851","/3/0/9"]})", "2.05"},
      {R"({"id":"13","operation":"observe-composite","paths":["/3311/0/5851"]})", "2.05"},
      {R"({"id":"14","operation":"write","path":"/3311/0","values":{"5706":"green"},"partial":true})", "2.04"},
  };
  std::map<std::string, rapidjson::Document> results;
  for (const Case& c : cases) {
    publish(broker, "lwm2m/lab/cmd", c.command);
    const std::string id = str(parse(c.command)["id"]);
    auto result = nextOn(sub, "lwm2m/lab/cmd/result", [&](const rapidjson::Document& d) {
      return d.HasMember("id") && str(d["id"]) == id && d.HasMember("code");
    });
    ASSERT_TRUE(result) << c.command << "\n" << gateway.log();
    auto json = parse(*result);
    EXPECT_EQ(str(json["code"]), c.code) << c.command << " -> " << *result;
    results[id] = std::move(json);
  }
  EXPECT_EQ(str(results["1"]["values"][0]["value"]), "Open LwM2M Simulator");
  EXPECT_EQ(str(results["1"]["status"]), "content");
  ASSERT_TRUE(results["2"]["links"].IsArray());
  EXPECT_GT(results["2"]["links"].Size(), 3u);
  EXPECT_EQ(str(results["7"]["values"][0]["value"]), "blue");
  bool found = false;
  for (const auto& v : results["12"]["values"].GetArray()) {
    if (str(v["path"]) == "/3311/0/5851") found = v["value"].GetInt() == 10;
  }
  EXPECT_TRUE(found) << "read-composite gives back what write-composite wrote";
}

TEST(Mapping, MalformedCommandsGetAnErrorNamingTheProblem) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/+/cmd/result");
  GatewayProcess gateway(broker.uri());
  Simulator sim({"--server", gateway.coapAddress(), "-e", "lab", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered lab"));
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();
  const std::pair<const char*, const char*> cases[] = {
      {R"({"id":"a","operation":"read",)", "bad JSON"},
      {R"({"id":"b","operation":"write","path":"/31024/0/1","value":[1]})", "/31024/0/1"},
      {R"({"id":"c","operation":"write","path":"/1/0/1","value":"soon"})", "/1/0/1"},
      {R"({"id":"d","operation":"fly","path":"/3/0/0"})", "fly"},
  };
  for (const auto& [command, problem] : cases) {
    publish(broker, "lwm2m/lab/cmd", command);
    auto reply = nextOn(sub, "lwm2m/lab/cmd/result");
    ASSERT_TRUE(reply) << command;
    auto json = parse(*reply);
    EXPECT_EQ(str(json["code"]), "4.00") << *reply;
    EXPECT_NE(str(json["error"]).find(problem), std::string::npos) << command << " -> " << *reply;
  }
  publish(broker, "lwm2m/ghost/cmd", R"({"id":"e","operation":"read","path":"/3/0/0"})");
  auto unknown = nextOn(sub, "lwm2m/ghost/cmd/result");
  ASSERT_TRUE(unknown);
  EXPECT_NE(str(parse(*unknown)["error"]).find("unknown device 'ghost'"), std::string::npos) << *unknown;
  // Still serving.
  publish(broker, "lwm2m/lab/cmd", R"({"id":"f","operation":"read","path":"/3/0/0"})");
  EXPECT_TRUE(nextOn(sub, "lwm2m/lab/cmd/result", [](const rapidjson::Document& d) { return d.HasMember("code"); }));
}

TEST(Mapping, ACommandForASleepingDeviceIsQueuedThenAnswered) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/#");
  MappingDir config;
  config.write("gateway.yaml", "lwm2m:\n  awake_window_s: 1\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.path() + "/gateway.yaml"});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "meter", "--queue", "--lifetime", "60",
                 "--update-interval", "4", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered meter"));
  ASSERT_TRUE(nextOn(sub, "lwm2m/meter/event/asleep", {}, 5s));
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();
  publish(broker, "lwm2m/meter/cmd", R"({"id":"r1","operation":"read","path":"/3/0/9","ttl":60})");
  auto queued = nextOn(sub, "lwm2m/meter/cmd/result");
  ASSERT_TRUE(queued);
  EXPECT_EQ(str(parse(*queued)["status"]), "queued") << *queued;
  EXPECT_EQ(str(parse(*queued)["id"]), "r1");
  auto answered = nextOn(sub, "lwm2m/meter/cmd/result", {}, 10s);
  ASSERT_TRUE(answered) << gateway.log();
  auto json = parse(*answered);
  EXPECT_EQ(str(json["id"]), "r1");
  EXPECT_EQ(str(json["code"]), "2.05");
  EXPECT_TRUE(json["values"][0]["value"].IsNumber()) << *answered;
}

TEST(Mapping, EmqxPresetSpeaksEmqxWireFormat) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "lwm2m/#");
  GatewayProcess gateway(broker.uri(), "127.0.0.1",
                         {"--mapping", std::string(LWM2M_SOURCE_DIR) + "/deploy/mapping/emqx.yaml"});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "emq", "--lwm2m", "1.0", "--lifetime", "345",
                 "--objects", "1/0,3/0,3303/0,3311/0"});
  ASSERT_TRUE(sim.waitForLine("registered emq"));
  auto registered = nextOn(sub, "lwm2m/emq/up/resp");
  ASSERT_TRUE(registered) << gateway.log();
  auto reg = parse(*registered);
  EXPECT_EQ(str(reg["msgType"]), "register");
  EXPECT_EQ(str(reg["data"]["ep"]), "emq");
  EXPECT_EQ(reg["data"]["lt"].GetInt(), 345);
  EXPECT_EQ(str(reg["data"]["lwm2m"]), "1.0");
  ASSERT_TRUE(reg["data"]["objectList"].IsArray());
  EXPECT_EQ(str(reg["data"]["objectList"][1]), "/3/0");
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();

  publish(broker, "lwm2m/emq/dn/anything", R"({"reqID":7,"msgType":"read","data":{"path":"/3/0/0"}})");
  auto read = nextOn(sub, "lwm2m/emq/up/resp");
  ASSERT_TRUE(read) << gateway.log();
  auto r = parse(*read);
  EXPECT_EQ(r["reqID"].GetInt(), 7);
  EXPECT_EQ(str(r["msgType"]), "read");
  EXPECT_EQ(str(r["data"]["reqPath"]), "/3/0/0");
  EXPECT_EQ(str(r["data"]["code"]), "2.05");
  EXPECT_EQ(str(r["data"]["codeMsg"]), "content");
  EXPECT_EQ(str(r["data"]["content"][0]["path"]), "/3/0/0");
  EXPECT_EQ(str(r["data"]["content"][0]["value"]), "Open LwM2M Simulator");

  publish(broker, "lwm2m/emq/dn", R"({"reqID":8,"msgType":"write","data":{"path":"/1/0/1","type":"Integer","value":"99"}})");
  auto write = nextOn(sub, "lwm2m/emq/up/resp");
  ASSERT_TRUE(write);
  EXPECT_EQ(str(parse(*write)["data"]["code"]), "2.04") << *write;

  publish(broker, "lwm2m/emq/dn", R"({"reqID":9,"msgType":"discover","data":{"path":"/3/0"}})");
  auto discover = nextOn(sub, "lwm2m/emq/up/resp");
  ASSERT_TRUE(discover);
  auto d = parse(*discover);
  EXPECT_EQ(str(d["msgType"]), "discover");
  ASSERT_TRUE(d["data"]["content"].IsArray()) << *discover;
  EXPECT_NE(str(d["data"]["content"][0]).find("</3/0>"), std::string::npos) << *discover;

  publish(broker, "lwm2m/emq/dn",
          R"({"reqID":10,"msgType":"write-attr","data":{"path":"/3/0/9","pmin":"1","pmax":"1"}})");
  ASSERT_TRUE(nextOn(sub, "lwm2m/emq/up/resp"));
  publish(broker, "lwm2m/emq/dn", R"({"reqID":11,"msgType":"observe","data":{"path":"/3/0/9"}})");
  auto observed = nextOn(sub, "lwm2m/emq/up/resp");
  ASSERT_TRUE(observed);
  EXPECT_EQ(str(parse(*observed)["msgType"]), "observe") << *observed;
  auto notify = nextOn(sub, "lwm2m/emq/up/notify", {}, 10s);
  ASSERT_TRUE(notify) << gateway.log();
  auto n = parse(*notify);
  EXPECT_EQ(str(n["msgType"]), "notify");
  EXPECT_TRUE(n["seqNum"].IsNumber()) << *notify;
  EXPECT_EQ(str(n["data"]["reqPath"]), "/3/0/9");
  EXPECT_TRUE(n["data"]["content"][0]["value"].IsNumber()) << *notify;

  publish(broker, "lwm2m/emq/dn", R"({"reqID":13,"msgType":"cancel-observe","data":{"path":"/3/0/9"}})");
  auto cancelled = nextOn(sub, "lwm2m/emq/up/resp");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(str(parse(*cancelled)["msgType"]), "cancel-observe") << *cancelled;
  const std::pair<const char*, const char*> more[] = {
      {R"({"reqID":14,"msgType":"execute","data":{"path":"/3/0/4","args":""}})", "2.04"},
      {R"({"reqID":15,"msgType":"create","data":{"basePath":"/3311","content":[{"path":"/7/5706","type":"String","value":"blue"}]}})",
       "2.01"},
      {R"({"reqID":16,"msgType":"delete","data":{"path":"/3311/7"}})", "2.02"},
  };
  for (const auto& [command, code] : more) {
    publish(broker, "lwm2m/emq/dn", command);
    auto answer = nextOn(sub, "lwm2m/emq/up/resp");
    ASSERT_TRUE(answer) << command;
    auto a = parse(*answer);
    EXPECT_EQ(a["reqID"].GetInt(), parse(command)["reqID"].GetInt());
    EXPECT_EQ(str(a["msgType"]), str(parse(command)["msgType"]));
    EXPECT_EQ(str(a["data"]["code"]), code) << command << " -> " << *answer;
  }

  publish(broker, "lwm2m/emq/dn", R"({"reqID":12,"msgType":"read","data":{}})");
  auto bad = nextOn(sub, "lwm2m/emq/up/resp");
  ASSERT_TRUE(bad);
  EXPECT_EQ(str(parse(*bad)["data"]["code"]), "4.00") << *bad;
  EXPECT_EQ(str(parse(*bad)["data"]["codeMsg"]), "bad_request") << *bad;
}

TEST(Mapping, ABadMappingFileOnReloadIsRefusedAndTheRulesInForceStay) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "#");
  MappingDir mapping;
  mapping.write("rules.yaml", R"(
uplink:
  - match: {events: [registered]}
    topic: "first/{endpoint}"
    payload: event
)");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--mapping", mapping.path()});
  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "one", "--objects", "1/0,3/0"});
    ASSERT_TRUE(nextOn(sub, "first/one")) << gateway.log();
  }
  // A broken file: refused with its file and line, the old rules stay.
  mapping.write("rules.yaml", "uplink:\n  - match: {events: [registered]}\n    topic: \"x/{endpoint}\"\n    payload: xml\n");
  ASSERT_TRUE(waitForLog(gateway, "mapping reload (a mapping file changed) refused")) << gateway.log();
  EXPECT_TRUE(waitForLog(gateway, "rules.yaml:4")) << gateway.log();
  auto viaRest = httpSend("POST", gateway.httpUrl("/api/v1/mapping/reload"));
  EXPECT_EQ(viaRest.status, 422) << viaRest.body;
  EXPECT_NE(viaRest.body.find("rules.yaml:4"), std::string::npos) << viaRest.body;
  auto inForce = parse(httpGet(gateway.httpUrl("/api/v1/mapping")).body);
  EXPECT_EQ(inForce["uplink"].GetInt(), 1);
  EXPECT_NE(str(inForce["rules"]).find("first/{endpoint}"), std::string::npos);
  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "two", "--objects", "1/0,3/0"});
    ASSERT_TRUE(nextOn(sub, "first/two")) << gateway.log();
  }
  // A good file and SIGHUP: the new rules are in force.
  mapping.write("rules.yaml", "uplink:\n  - match: {events: [registered]}\n    topic: \"second/{endpoint}\"\n    payload: event\n");
  runCommand({"pkill", "-HUP", "-f", gateway.dataDir().string()});
  ASSERT_TRUE(waitForLog(gateway, "mapping reloaded")) << gateway.log();
  EXPECT_NE(str(parse(httpGet(gateway.httpUrl("/api/v1/mapping")).body)["rules"]).find("second/{endpoint}"),
            std::string::npos);
  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "three", "--objects", "1/0,3/0"});
    ASSERT_TRUE(nextOn(sub, "second/three")) << gateway.log();
  }
  EXPECT_EQ(gateway.terminate(), 0);
}

// Rules without an observe section remember nothing of a device's object
// links; observe rules brought by a reload reach a device registered before it
// at its next Update.
TEST(Mapping, ObserveRulesBroughtByAReloadObserveADeviceRegisteredBeforeAtItsNextUpdate) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "site/#");
  MappingDir mapping;
  const std::string uplink = R"(
uplink:
  - match: {path: "/3303/+/5700", events: [notification]}
    topic: "site/{endpoint}/temperature"
    payload: value
)";
  mapping.write("rules.yaml", uplink);
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--mapping", mapping.path()});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "kiln", "--objects", "1/0,3/0,3303/0",
                 "--update-interval", "2"});
  ASSERT_TRUE(sim.waitForLine("registered kiln"));
  ASSERT_TRUE(sim.waitForLine("updated kiln", 10s)) << gateway.log();
  EXPECT_FALSE(sub.next(1s)) << "observed with no observe rules";

  mapping.write("rules.yaml", uplink + "observe:\n  - match: {path: \"/3303/+/5700\"}\n    attributes: {pmin: 1, pmax: 1}\n");
  runCommand({"pkill", "-HUP", "-f", gateway.dataDir().string()});
  ASSERT_TRUE(waitForLog(gateway, "mapping reloaded")) << gateway.log();
  auto m = sub.next(15s);
  ASSERT_TRUE(m) << gateway.log();
  EXPECT_EQ(m->first, "site/kiln/temperature");
  EXPECT_EQ(gateway.terminate(), 0);
}

TEST(Mapping, PrintMappingListsThePresetsHttpAliases) {
  auto out = runCommand({LWM2M_GATEWAY_BIN, "--print-mapping"});
  EXPECT_EQ(out.exitCode, 0);
  EXPECT_NE(out.output.find("http aliases (5):"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("GET /api/v1/devices/{endpoint}/info  ->  read /3/0  payload: tree"), std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("POST /api/v1/devices/{endpoint}/reboot  ->  execute /3/0/4  payload: json"),
            std::string::npos)
      << out.output;
}

TEST(Mapping, HttpAliasesAreListedAndReloadedAllOrNothing) {
  Mosquitto broker;
  MappingDir mapping;
  mapping.write("a.yaml", R"(http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: read
    target: "/3303/0/5700"
)");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--mapping", mapping.path()});
  auto listed = parse(httpGet(gateway.httpUrl("/api/v1/mapping")).body);
  EXPECT_EQ(listed["http"].GetInt(), 1);
  ASSERT_TRUE(listed["aliases"].IsArray());
  ASSERT_EQ(listed["aliases"].Size(), 1u);
  EXPECT_EQ(str(listed["aliases"][0]), "GET /api/v1/sites/{endpoint}/temperature");

  // A second file whose alias would answer the same requests: refused whole,
  // naming both rules; the alias in force stays.
  const std::string uplink = "uplink:\n  - {match: {events: [registered]}, topic: \"b/{endpoint}\", payload: event}\n";
  mapping.write("b.yaml", uplink + R"(http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/{instance}"
    operation: read
    target: "/3303/{instance}/5700"
)");
  auto refused = httpSend("POST", gateway.httpUrl("/api/v1/mapping/reload"));
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("b.yaml:4: http: GET /api/v1/sites/{endpoint}/{instance} answers the same requests as "
                              "GET /api/v1/sites/{endpoint}/temperature"),
            std::string::npos)
      << refused.body;
  auto kept = parse(httpGet(gateway.httpUrl("/api/v1/mapping")).body);
  EXPECT_EQ(kept["http"].GetInt(), 1);
  EXPECT_EQ(kept["uplink"].GetInt(), 0);

  // Fixed and reloaded with SIGHUP: both files' rules come into force together.
  mapping.write("b.yaml", uplink + R"(http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature/{instance}"
    operation: read
    target: "/3303/{instance}/5700"
)");
  ASSERT_EQ(::kill(gateway.pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(gateway, "1 uplink, 0 observe, 0 downlink rules, 2 http aliases")) << gateway.log();
  auto reloaded = parse(httpGet(gateway.httpUrl("/api/v1/mapping")).body);
  EXPECT_EQ(reloaded["http"].GetInt(), 2);
  EXPECT_EQ(reloaded["uplink"].GetInt(), 1);
  EXPECT_NE(str(reloaded["rules"]).find("GET /api/v1/sites/{endpoint}/temperature/{instance}  ->  read "
                                        "/3303/{instance}/5700"),
            std::string::npos);
  EXPECT_EQ(gateway.terminate(), 0);
}

}  // namespace
}  // namespace lwm2m::testing
