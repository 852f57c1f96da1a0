// Vendor objects in the real daemon, against the simulator's custom object
// (--custom-object) and a real Mosquitto: every operation over MQTT (and
// REST) without a definition, in every content format the simulator
// speaks; the same with the DDF loaded (lwm2m.models); a DDF dropped in
// while the gateway runs, picked up on SIGHUP; a bad DDF refused with its
// file and line by --check-config, at start-up and on reload.

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kVendor = "31024";

// A scratch directory, removed with the test.
class ScratchDir {
 public:
  ScratchDir() : dir_(fs::temp_directory_path() / ("models-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_);
  }
  ~ScratchDir() { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::string path() const { return dir_.string(); }

 private:
  static inline int n_ = 0;
  fs::path dir_;
};

// The simulator writes the DDF of the object it implements.
void writeVendorDdf(const std::string& file) {
  auto r = runCommand({LWM2M_SIM_BIN, "--custom-object", kVendor, "--write-ddf", file});
  ASSERT_EQ(r.exitCode, 0);
  ASSERT_TRUE(fs::exists(file));
}

CommandResult gatewayWithStderr(const std::vector<std::string>& args) {
  std::string cmd = std::string(LWM2M_GATEWAY_BIN);
  for (const auto& a : args) cmd += " '" + a + "'";
  return runCommand({"sh", "-c", cmd + " 2>&1"});
}

// Commands on lwm2m/{endpoint}/cmd, results on lwm2m/{endpoint}/cmd/result.
class Commands {
 public:
  Commands(const Mosquitto& broker, const GatewayProcess& gateway, std::string endpoint)
      : broker_(broker), gateway_(gateway), endpoint_(std::move(endpoint)), sub_(broker, "lwm2m/" + endpoint_ + "/cmd/result") {}

  // Publishes `command` (a JSON object without "id") and returns its result.
  rapidjson::Document run(const std::string& command) {
    const std::string id = std::to_string(++next_);
    const std::string payload = "{\"id\":\"" + id + "\"," + command.substr(1);
    auto r = runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker_.port()), "-q", "1", "-t",
                         "lwm2m/" + endpoint_ + "/cmd", "-m", payload});
    EXPECT_EQ(r.exitCode, 0);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = sub_.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!m) break;
      auto doc = parse(m->second);
      if (doc.IsObject() && doc.HasMember("id") && str(doc["id"]) == id && doc.HasMember("code")) return doc;
    }
    ADD_FAILURE() << "no result for " << payload << "\n" << gateway_.log();
    return parse("{}");
  }

 private:
  const Mosquitto& broker_;
  const GatewayProcess& gateway_;
  std::string endpoint_;
  MqttSubscriber sub_;
  int next_ = 0;
};

std::string code(const rapidjson::Document& d) { return d.HasMember("code") ? str(d["code"]) : "<none>"; }

std::string text(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

// The value entry of `path` in a result's "values" (null when absent).
const rapidjson::Value& valueAt(const rapidjson::Document& d, const std::string& path) {
  static const rapidjson::Value kNull;
  if (!d.HasMember("values") || !d["values"].IsArray()) return kNull;
  for (const auto& v : d["values"].GetArray()) {
    if (str(v["path"]) == path) return v;
  }
  return kNull;
}

// `key` of an entry; null when the entry is not an object or lacks it.
const rapidjson::Value& get(const rapidjson::Value& entry, const char* key) {
  static const rapidjson::Value kNull;
  if (!entry.IsObject() || !entry.HasMember(key)) return kNull;
  return entry[key];
}

std::string p(const std::string& rest) { return std::string("/") + kVendor + rest; }

struct Device {
  const char* version;
  const char* format;  // what the device answers reads in without a "format"
};

class WithoutDefinition : public ::testing::TestWithParam<Device> {};

// Every operation on the vendor object with no definition anywhere: values
// keep the types the format carries, TLV values come as Opaque (base64),
// Write and Create take the command's types.
TEST_P(WithoutDefinition, EveryOperationWorksOverMqtt) {
  const Device device = GetParam();
  const bool typed = std::string(device.version) != "1.0";
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  const std::string ep = std::string("vendor-") + device.version;
  Simulator sim({"--server", gateway.coapAddress(), "-e", ep, "--lwm2m", device.version, "--objects",
                 "1/0,3/0," + std::string(kVendor) + "/10", "--custom-object", kVendor});
  ASSERT_TRUE(sim.waitForLine("registered " + ep)) << gateway.log();
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();
  Commands commands(broker, gateway, ep);

  auto read = commands.run(R"({"operation":"read","path":")" + p("/10") + R"("})");
  ASSERT_EQ(code(read), "2.05") << text(read) << gateway.log();
  const auto& label = valueAt(read, p("/10/0"));
  const auto& counter = valueAt(read, p("/10/1"));
  const auto& setpoint = valueAt(read, p("/10/2"));
  const auto& enabled = valueAt(read, p("/10/3"));
  const auto& blob = valueAt(read, p("/10/4"));
  ASSERT_TRUE(blob.IsObject()) << text(read);
  EXPECT_EQ(str(get(blob, "value")), "yv4=") << "the raw bytes, base64";
  EXPECT_EQ(str(get(blob, "type")), "Opaque");
  if (typed) {
    EXPECT_EQ(str(get(label, "value")), "controller-10") << text(read);
    EXPECT_EQ(str(get(label, "type")), "String");
    EXPECT_TRUE(get(counter, "value").IsInt64()) << text(read);
    EXPECT_EQ(str(get(counter, "type")), "Integer");
    EXPECT_EQ(get(setpoint, "value").GetDouble(), 21.5);
    EXPECT_EQ(str(get(setpoint, "type")), "Float");
    EXPECT_TRUE(get(enabled, "value").IsBool() && get(enabled, "value").GetBool()) << text(read);
  } else {
    // TLV carries no types: the raw bytes of each value, as Opaque.
    EXPECT_EQ(str(get(label, "value")), "Y29udHJvbGxlci0xMA==") << text(read);  // "controller-10"
    EXPECT_EQ(str(get(label, "type")), "Opaque");
    EXPECT_EQ(str(get(enabled, "value")), "AQ==") << text(read);
  }

  // Write (replace) of one resource: the type from the JSON value, or from "type".
  EXPECT_EQ(code(commands.run(R"({"operation":"write","path":")" + p("/10/2") + R"(","value":25.25})")), "2.04");
  EXPECT_EQ(code(commands.run(R"({"operation":"write","path":")" + p("/10/4") + R"(","value":"AQID","type":"Opaque"})")),
            "2.04");
  // Partial write of the instance, several types at once.
  EXPECT_EQ(code(commands.run(R"({"operation":"write","path":")" + p("/10") +
                              R"(","partial":true,"values":{"0":"boiler","3":false,"6":{"0":5,"1":95}}})")),
            "2.04");
  auto back = commands.run(R"({"operation":"read","path":")" + p("/10") + R"("})");
  ASSERT_EQ(code(back), "2.05") << text(back);
  EXPECT_EQ(str(get(valueAt(back, p("/10/4")), "value")), "AQID");
  if (typed) {
    EXPECT_EQ(get(valueAt(back, p("/10/2")), "value").GetDouble(), 25.25) << text(back);
    EXPECT_EQ(str(get(valueAt(back, p("/10/0")), "value")), "boiler");
    EXPECT_FALSE(get(valueAt(back, p("/10/3")), "value").GetBool());
    EXPECT_EQ(get(valueAt(back, p("/10/6/1")), "value").GetInt(), 95) << text(back);
  } else {
    EXPECT_EQ(str(get(valueAt(back, p("/10/0")), "value")), "Ym9pbGVy") << text(back);  // "boiler"
    EXPECT_EQ(str(get(valueAt(back, p("/10/3")), "value")), "AA==");
  }
  // Create, read, delete an instance.
  EXPECT_EQ(code(commands.run(R"({"operation":"create","path":")" + p("") +
                              R"(","instance":11,"values":{"0":"second","2":{"value":19,"type":"Float"}}})")),
            "2.01");
  auto created = commands.run(R"({"operation":"read","path":")" + p("/11/0") + R"(","format":"text"})");
  ASSERT_EQ(code(created), "2.05") << text(created);
  EXPECT_EQ(str(get(valueAt(created, p("/11/0")), "value")), "second") << "text of an unknown resource is a String";
  EXPECT_EQ(code(commands.run(R"({"operation":"delete","path":")" + p("/11") + R"("})")), "2.02");
  EXPECT_EQ(code(commands.run(R"({"operation":"read","path":")" + p("/11") + R"("})")), "4.04");
  // Execute, then the counter is 0.
  EXPECT_EQ(code(commands.run(R"({"operation":"execute","path":")" + p("/10/5") + R"("})")), "2.04");
  // Discover lists the resources.
  auto discover = commands.run(R"({"operation":"discover","path":")" + p("/10") + R"("})");
  ASSERT_EQ(code(discover), "2.05") << text(discover);
  EXPECT_NE(text(discover).find("</" + std::string(kVendor) + "/10/6>;dim=2"), std::string::npos) << text(discover);
  // Write-Attributes, Observe and its cancel.
  EXPECT_EQ(code(commands.run(R"({"operation":"write-attributes","path":")" + p("/10/1") +
                              R"(","attributes":{"pmin":1,"pmax":1}})")),
            "2.04");
  auto observe = commands.run(R"({"operation":"observe","path":")" + p("/10/1") + R"("})");
  ASSERT_EQ(code(observe), "2.05") << text(observe);
  {
    // Notifications of the counter arrive on the generic value topic.
    MqttSubscriber values(broker, "lwm2m/" + ep + "/" + kVendor + "/10/1");
    auto notified = values.next(10s);
    ASSERT_TRUE(notified) << gateway.log();
    auto n = parse(notified->second);
    EXPECT_EQ(str(get(n, "path")), p("/10/1"));
    EXPECT_EQ(str(get(n, "type")), typed ? "Integer" : "Opaque") << notified->second;
  }
  EXPECT_EQ(code(commands.run(R"({"operation":"cancel-observe","path":")" + p("/10/1") + R"("})")), "2.05");
  if (typed) {
    auto composite = commands.run(R"({"operation":"read-composite","paths":[")" + p("/10/0") + R"(","/3/0/0"]})");
    ASSERT_EQ(code(composite), "2.05") << text(composite);
    EXPECT_EQ(str(get(valueAt(composite, p("/10/0")), "value")), "boiler");
  }
  // Every other format the simulator speaks, chosen by the command.
  for (const char* format : {"tlv", "senml-json", "senml-cbor", "lwm2m-json", "lwm2m-cbor"}) {
    if (!typed && std::string(format) != "tlv" && std::string(format) != "lwm2m-json") continue;
    auto r = commands.run(R"({"operation":"read","path":")" + p("/10/2") + R"(","format":")" + format + R"("})");
    ASSERT_EQ(code(r), "2.05") << format << ": " << text(r);
    const auto& v = valueAt(r, p("/10/2"));
    if (std::string(format) == "tlv") {
      EXPECT_EQ(str(get(v, "type")), "Opaque") << text(r);
    } else {
      EXPECT_EQ(get(v, "value").GetDouble(), 25.25) << format << ": " << text(r);
    }
  }
  auto opaque = commands.run(R"({"operation":"read","path":")" + p("/10/4") + R"(","format":"opaque"})");
  ASSERT_EQ(code(opaque), "2.05") << text(opaque);
  EXPECT_EQ(str(get(valueAt(opaque, p("/10/4")), "value")), "AQID");

  // REST takes the same commands.
  auto rest = httpSend("POST", gateway.httpUrl("/api/v1/devices/" + ep + "/commands"),
                       R"({"operation":"write","path":")" + p("/10/2") + R"(","value":30.5})");
  EXPECT_EQ(rest.status, 202) << rest.body;
  auto restRead = httpSend("POST", gateway.httpUrl("/api/v1/devices/" + ep + "/commands"),
                           R"({"operation":"read","path":")" + p("/10/2") + R"(","format":"senml-json"})");
  EXPECT_EQ(restRead.status, 202) << restRead.body;
  if (typed) {
    // Queued behind the REST ones: the value the REST write set.
    auto r = commands.run(R"({"operation":"read","path":")" + p("/10/2") + R"("})");
    EXPECT_EQ(get(valueAt(r, p("/10/2")), "value").GetDouble(), 30.5) << text(r);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryVersion, WithoutDefinition,
                         ::testing::Values(Device{"1.0", "tlv"}, Device{"1.1", "senml-json"},
                                           Device{"1.2", "lwm2m-cbor"}),
                         [](const auto& info) { return std::string("LwM2M") + (info.param.version[2] == '0' ? "10" : info.param.version[2] == '1' ? "11" : "12"); });

// With the simulator's DDF in lwm2m.models, TLV values are typed by it and
// mapping rules find the object by its name.
TEST(VendorObject, WithItsDefinitionValuesAreTypedAndNamed) {
  Mosquitto broker;
  ScratchDir models;
  writeVendorDdf(models.file("vendor.xml"));
  ScratchDir mapping;
  std::ofstream(mapping.file("rules.yaml")) << R"(
uplink:
  - match: {object: "Vendor Controller", events: [response]}
    topic: "site/{endpoint}/{object}/{instance}/{resource_name}"
    payload: json
downlink:
  - topic: "lwm2m/{endpoint}/cmd"
    payload: json
    response_topic: "lwm2m/{endpoint}/cmd/result"
)";
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--models", models.path(), "--mapping", mapping.path()});
  ASSERT_TRUE(waitForLog(gateway, "models loaded: ")) << gateway.log();
  MqttSubscriber site(broker, "site/#");
  Simulator sim({"--server", gateway.coapAddress(), "-e", "old", "--lwm2m", "1.0", "--objects",
                 "1/0,3/0," + std::string(kVendor) + "/10", "--custom-object", kVendor});
  ASSERT_TRUE(sim.waitForLine("registered old")) << gateway.log();
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();
  Commands commands(broker, gateway, "old");
  auto read = commands.run(R"({"operation":"read","path":")" + p("/10") + R"("})");
  ASSERT_EQ(code(read), "2.05") << text(read);
  EXPECT_EQ(str(get(valueAt(read, p("/10/0")), "value")), "controller-10") << text(read);
  EXPECT_TRUE(get(valueAt(read, p("/10/0")), "type").IsNull()) << "the model knows it";
  EXPECT_EQ(get(valueAt(read, p("/10/2")), "value").GetDouble(), 21.5);
  EXPECT_TRUE(get(valueAt(read, p("/10/3")), "value").GetBool());
  EXPECT_EQ(get(valueAt(read, p("/10/8")), "value").GetUint64() / 1000, 4000000u);
  // The model types the command too: "30" is a Float for the Setpoint.
  EXPECT_EQ(code(commands.run(R"({"operation":"write","path":")" + p("/10/2") + R"(","value":"30"})")), "2.04");
  std::string seen;
  auto named = [&] {
    for (int i = 0; i < 20; ++i) {
      auto m = site.next(5s);
      if (!m) break;
      seen += m->first + " " + m->second + "\n";
      auto doc = parse(m->second);
      // The first read's value comes first; the one after the write follows.
      if (m->first == "site/old/31024/10/Setpoint" && get(doc, "value").IsNumber() &&
          get(doc, "value").GetDouble() == 30) {
        return doc;
      }
    }
    return parse("{}");
  };
  commands.run(R"({"operation":"read","path":")" + p("/10/2") + R"("})");
  auto setpoint = named();
  ASSERT_TRUE(setpoint.IsObject() && setpoint.HasMember("value")) << seen << gateway.log();
  EXPECT_EQ(get(setpoint, "value").GetDouble(), 30);
  EXPECT_EQ(str(get(setpoint, "unit")), "Cel");
  EXPECT_EQ(str(get(setpoint, "type")), "Float");
  // What is known, over REST.
  auto object = httpGet(gateway.httpUrl(std::string("/api/v1/models/") + kVendor));
  ASSERT_EQ(object.status, 200) << object.body;
  auto o = parse(object.body);
  EXPECT_EQ(str(o["name"]), "Vendor Controller");
  EXPECT_EQ(str(o["source"]), models.file("vendor.xml") + ":3");
  ASSERT_EQ(o["resources"].Size(), 9u);
  EXPECT_EQ(str(o["resources"][5]["operations"]), "E");
  EXPECT_EQ(str(o["resources"][6]["type"]), "Integer");
  EXPECT_TRUE(o["resources"][6]["multiple"].GetBool());
  auto list = parse(httpGet(gateway.httpUrl("/api/v1/models")).body);
  ASSERT_TRUE(list["objects"].IsArray());
  EXPECT_GT(list["objects"].Size(), 30u);
  EXPECT_EQ(str(list["files"][0]), models.path());
  EXPECT_EQ(gateway.terminate(), 0);
}

// A DDF dropped into the models directory while the gateway runs counts
// after SIGHUP (and after POST /api/v1/models/reload); a bad one is refused
// with its file and line, and the definitions in force stay.
TEST(VendorObject, ReloadPicksUpANewDefinitionAndRefusesABadOne) {
  Mosquitto broker;
  ScratchDir models;
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--models", models.path()});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "late", "--lwm2m", "1.0", "--objects",
                 "1/0,3/0," + std::string(kVendor) + "/0", "--custom-object", kVendor});
  ASSERT_TRUE(sim.waitForLine("registered late")) << gateway.log();
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();
  Commands commands(broker, gateway, "late");
  EXPECT_EQ(httpGet(gateway.httpUrl(std::string("/api/v1/models/") + kVendor)).status, 404);
  auto before = commands.run(R"({"operation":"read","path":")" + p("/0/1") + R"("})");
  ASSERT_EQ(code(before), "2.05");
  EXPECT_EQ(str(get(valueAt(before, p("/0/1")), "type")), "Opaque") << text(before);

  writeVendorDdf(models.file("31024.xml"));
  ASSERT_EQ(::kill(gateway.pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(gateway, "models reloaded (SIGHUP)")) << gateway.log();
  auto after = commands.run(R"({"operation":"read","path":")" + p("/0/1") + R"("})");
  ASSERT_EQ(code(after), "2.05");
  EXPECT_TRUE(get(valueAt(after, p("/0/1")), "value").IsInt64()) << text(after);
  EXPECT_EQ(httpGet(gateway.httpUrl(std::string("/api/v1/models/") + kVendor)).status, 200);

  // A bad file: refused with its file and line; the vendor object stays known.
  std::ofstream(models.file("32000.xml")) << "<LWM2M>\n<Object ObjectType=\"MODefinition\">\n<Name>X</Name>\n"
                                             "<ObjectID>32000</ObjectID>\n<MultipleInstances>Often</MultipleInstances>\n"
                                             "</Object>\n</LWM2M>\n";
  auto refused = httpSend("POST", gateway.httpUrl("/api/v1/models/reload"));
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("32000.xml:5: "), std::string::npos) << refused.body;
  ASSERT_EQ(::kill(gateway.pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(gateway, "models reload (SIGHUP) refused")) << gateway.log();
  EXPECT_EQ(httpGet(gateway.httpUrl(std::string("/api/v1/models/") + kVendor)).status, 200);
  EXPECT_EQ(code(commands.run(R"({"operation":"read","path":")" + p("/0/1") + R"("})")), "2.05");
  EXPECT_EQ(gateway.terminate(), 0);
}

TEST(VendorObject, BadDefinitionFilesStopCheckConfigAndStartUpWithFileAndLine) {
  ScratchDir models;
  std::ofstream(models.file("bad.xml")) << "<LWM2M>\n<Object ObjectType=\"MODefinition\">\n<Name>X</Name>\n"
                                           "<ObjectID>32000</ObjectID>\n<ObjectVersion>one</ObjectVersion>\n"
                                           "</Object>\n</LWM2M>\n";
  std::ofstream(models.file("gateway.yaml")) << "lwm2m:\n  models: [\"" << models.file("bad.xml") << "\"]\n";
  auto check = gatewayWithStderr({"--config", models.file("gateway.yaml"), "--check-config"});
  EXPECT_EQ(check.exitCode, 1) << check.output;
  EXPECT_NE(check.output.find(models.file("bad.xml") + ":5: <Object[32000]/ObjectVersion>: bad version \"one\""),
            std::string::npos)
      << check.output;
  auto print = gatewayWithStderr({"--models", models.file("bad.xml"), "--print-models"});
  EXPECT_EQ(print.exitCode, 1) << print.output;
  auto start = gatewayWithStderr({"--config", models.file("gateway.yaml"), "--coap", "127.0.0.1:0", "--http",
                                  "127.0.0.1:0", "--data-dir", models.file("data")});
  EXPECT_EQ(start.exitCode, 1) << start.output;
  EXPECT_NE(start.output.find("cannot start: lwm2m.models: " + models.file("bad.xml") + ":5:"), std::string::npos)
      << start.output;
}

TEST(VendorObject, PrintModelsListsWhatIsKnownAndWhereFrom) {
  ScratchDir models;
  writeVendorDdf(models.file("vendor.xml"));
  auto r = gatewayWithStderr({"--models", models.path(), "--print-models"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("31024    1.0              9  Vendor Controller  (" + models.file("vendor.xml") + ":3)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("3303     1.1             12  Temperature  (built-in)"), std::string::npos) << r.output;
  auto check = gatewayWithStderr({"--models", models.path(), "--check-config"});
  EXPECT_EQ(check.exitCode, 0) << check.output;
  EXPECT_NE(check.output.find("lwm2m.models: 1 object definitions from 1 files are valid"), std::string::npos)
      << check.output;
}

}  // namespace
}  // namespace lwm2m::testing
