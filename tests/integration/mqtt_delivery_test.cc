// Delivery toward the cloud with the real daemon, a real Mosquitto and the
// simulator: every QoS 1 notification survives a broker outage and a SIGKILL
// of the gateway, in order; the broker can be reached over TLS, with a client
// certificate, and a wrong CA is reported; commands get their answers on the
// MQTT 5 Response Topic with the Correlation Data, or with the JSON "id" and
// "correlation" under MQTT 3.1.1.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/support/test_pki.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string member(const std::string& json, const char* name) {
  auto d = parse(json);
  return d.IsObject() && d.HasMember(name) ? str(d[name]) : "<no " + std::string(name) + ">";
}

std::chrono::milliseconds leftUntil(std::chrono::steady_clock::time_point deadline) {
  return std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                           deadline - std::chrono::steady_clock::now()));
}

// A scratch directory for configuration and mapping files, removed with the test.
class ScratchDir {
 public:
  ScratchDir()
      : dir_(fs::temp_directory_path() /
             ("mqtt-delivery-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  const fs::path& path() const { return dir_; }

 private:
  static inline int n_ = 0;
  fs::path dir_;
};

// The first log line containing `text`, or "".
std::string lineWith(const std::string& log, const std::string& text) {
  const auto at = log.find(text);
  if (at == std::string::npos) return {};
  const auto begin = log.rfind('\n', at);
  const auto start = begin == std::string::npos ? 0 : begin + 1;
  return log.substr(start, log.find('\n', at) - start);
}

// GET /health: {"mqtt":"connected","mqttOutbox":{"waiting":0,"dropped":0,...},...}
std::string healthBody(const GatewayProcess& gateway) {
  auto response = httpGet(gateway.httpUrl("/health"));
  EXPECT_EQ(response.status, 200) << response.body;
  return response.body;
}

std::string mqttState(const GatewayProcess& gateway) { return member(healthBody(gateway), "mqtt"); }

// A counter of /health's mqttOutbox; UINT64_MAX if missing.
std::uint64_t outboxCount(const GatewayProcess& gateway, const char* name) {
  auto h = parse(healthBody(gateway));
  if (!h.IsObject() || !h.HasMember("mqttOutbox") || !h["mqttOutbox"].IsObject()) return UINT64_MAX;
  const auto& outbox = h["mqttOutbox"];
  return outbox.HasMember(name) && outbox[name].IsUint64() ? outbox[name].GetUint64() : UINT64_MAX;
}

// Polls /health until the outbox is empty (everything acknowledged).
bool outboxEmpties(const GatewayProcess& gateway, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (outboxCount(gateway, "waiting") == 0) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

void publish(const Mosquitto& broker, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1"};
  argv.insert(argv.end(), args.begin(), args.end());
  ASSERT_EQ(runCommand(argv).exitCode, 0) << "mosquitto_pub failed";
}

// --- store and forward ----------------------------------------------------------

// The temperature of every device is observed and notified every second, each
// notification published as JSON with QoS 1 on the generic preset's value
// topic. Only notifications are mapped, so each logged notification is
// exactly one message.
constexpr const char* kNotifyEverySecond = R"(
uplink:
  - name: notified-values
    match: {events: [notification]}
    topic: "lwm2m/{endpoint}/{object}/{instance}/{resource}"
    payload: json
    qos: 1
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 1, pmax: 1}
)";

// Reconnects within a second of the broker coming back.
constexpr const char* kReconnectKeys = "  reconnect_min_ms: 200\n  reconnect_max_ms: 1000\n";
const std::string kReconnectFast = std::string("mqtt:\n") + kReconnectKeys;

constexpr const char* kValueTopicFilter = "lwm2m/+/3303/0/5700";

std::string valueTopic(const std::string& endpoint) { return "lwm2m/" + endpoint + "/3303/0/5700"; }

// "device outage-0001: notification 7 on /3303/0/5700" lines in the gateway's
// debug log, counted per endpoint.
std::map<std::string, std::size_t> notificationsLogged(const std::string& log) {
  std::map<std::string, std::size_t> counts;
  std::istringstream lines(log);
  std::string line;
  const std::string device = "device ", notification = ": notification ", on = " on /3303/0/5700";
  while (std::getline(lines, line)) {
    const auto d = line.find(device);
    const auto n = line.find(notification);
    if (d == std::string::npos || n == std::string::npos || n < d) continue;
    const auto o = line.find(on, n);
    if (o == std::string::npos || o + on.size() != line.size()) continue;  // "... not understood: ..."
    ++counts[line.substr(d + device.size(), n - d - device.size())];
  }
  return counts;
}

std::size_t total(const std::map<std::string, std::size_t>& counts) {
  std::size_t sum = 0;
  for (const auto& [endpoint, n] : counts) sum += n;
  return sum;
}

// Everything a subscriber received, per topic in arrival order.
class Arrivals {
 public:
  // Reads for `duration`, whatever comes.
  void drain(MqttSubscriber& sub, std::chrono::milliseconds duration) {
    waitUntil(sub, [] { return false; }, duration);
  }
  // Reads until `done` holds (true) or `timeout` passed (false).
  bool waitUntil(MqttSubscriber& sub, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      const auto left = leftUntil(deadline);
      if (left == 0ms) return false;
      if (auto m = sub.next(std::min(left, 200ms))) {
        byTopic_[m->first].push_back(m->second);
      } else {
        std::this_thread::sleep_for(20ms);  // in case the subscriber ended: no busy loop
      }
    }
    return true;
  }
  const std::vector<std::string>& on(const std::string& topic) { return byTopic_[topic]; }

  // Distinct payloads on `topic` in the order they first arrived; later
  // copies of one of them are QoS 1 re-deliveries.
  std::vector<std::string> firstArrivals(const std::string& topic) {
    std::vector<std::string> firsts;
    std::set<std::string> seen;
    for (const std::string& payload : on(topic)) {
      if (seen.insert(payload).second) firsts.push_back(payload);
    }
    return firsts;
  }

 private:
  std::map<std::string, std::vector<std::string>> byTopic_;
};

// Empty when the notification timestamps increase strictly in arrival order;
// else the first pair out of order.
std::string orderProblem(const std::vector<std::string>& payloads) {
  double previous = 0;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    auto d = parse(payloads[i]);
    if (!d.IsObject() || !d.HasMember("timestamp") || !d["timestamp"].IsNumber()) {
      return "message " + std::to_string(i) + " has no timestamp: " + payloads[i];
    }
    const double t = d["timestamp"].GetDouble();
    if (i > 0 && t <= previous) {
      return "message " + std::to_string(i) + " is older than the one before it:\n  " + payloads[i - 1] +
             "\n  " + payloads[i];
    }
    previous = t;
  }
  return {};
}

std::string arrivedTopics(Arrivals& arrivals, const std::vector<std::string>& endpoints) {
  std::string text;
  for (const auto& ep : endpoints) text += ep + ": " + std::to_string(arrivals.on(valueTopic(ep)).size()) + " ";
  return text;
}

// At least as many distinct payloads arrived per device as it made notifications.
bool everyLoggedNotificationArrived(Arrivals& arrivals,
                                    const std::map<std::string, std::size_t>& logged) {
  for (const auto& [endpoint, count] : logged) {
    if (arrivals.firstArrivals(valueTopic(endpoint)).size() < count) return false;
  }
  return true;
}

// Every logged notification of every device arrived: as many distinct
// payloads as notifications, in the order they were made, repeats only of
// messages that came before.
void expectAllDeliveredInOrder(Arrivals& arrivals, const std::map<std::string, std::size_t>& logged,
                               const GatewayProcess& gateway) {
  for (const auto& [endpoint, count] : logged) {
    const auto firsts = arrivals.firstArrivals(valueTopic(endpoint));
    const auto repeats = arrivals.on(valueTopic(endpoint)).size() - firsts.size();
    EXPECT_EQ(firsts.size(), count) << endpoint << ": notifications lost or invented (" << repeats
                                    << " re-deliveries)\n"
                                    << lineWith(gateway.log(), "MQTT outbox");
    EXPECT_EQ(orderProblem(firsts), "") << endpoint;
    // QoS 1 allows a re-delivery of what was in flight when the connection
    // dropped, not a second copy of everything.
    EXPECT_LE(repeats, count / 2) << endpoint;
  }
}

TEST(MqttDelivery, EveryNotificationMadeWhileTheBrokerIsStoppedFor30sArrivesInOrderWhenItReturns) {
  Mosquitto broker;
  ScratchDir dir;
  MqttSubscriber sub(broker, kValueTopicFilter, "outage-watch-" + std::to_string(::getpid()));
  GatewayProcess gateway(broker.uri(), "127.0.0.1",
                         {"--config", dir.write("gateway.yaml", kReconnectFast), "--mapping",
                          dir.write("mapping.yaml", kNotifyEverySecond)});
  const std::vector<std::string> endpoints = {"outage-0001", "outage-0002", "outage-0003"};
  Simulator sim({"--server", gateway.coapAddress(), "--count", "3", "--prefix", "outage-", "--objects",
                 "1/0,3/0,3303/0", "--quiet"});
  for (std::size_t i = 0; i < endpoints.size(); ++i) ASSERT_TRUE(sim.waitForLine("registered")) << gateway.log();

  Arrivals arrivals;
  auto everyDeviceArrived = [&] {
    for (const auto& ep : endpoints) {
      if (arrivals.on(valueTopic(ep)).empty()) return false;
    }
    return true;
  };
  ASSERT_TRUE(arrivals.waitUntil(sub, everyDeviceArrived, 15s)) << arrivedTopics(arrivals, endpoints) << gateway.log();

  broker.stop();
  const auto atStop = notificationsLogged(gateway.log());
  arrivals.drain(sub, 30s);  // the devices keep notifying
  const auto atReturn = notificationsLogged(gateway.log());
  const std::size_t duringOutage = total(atReturn) - total(atStop);
  // About 30 per device; fewer means the devices did not keep notifying.
  ASSERT_GE(duringOutage, endpoints.size() * 20) << gateway.log();
  EXPECT_TRUE(waitForLog(gateway, "MQTT connection to " + broker.uri() + " lost")) << gateway.log();
  EXPECT_EQ(mqttState(gateway), "disconnected");
  EXPECT_GE(outboxCount(gateway, "waiting"), duringOutage);
  broker.start();

  // Back: the backlog goes out while the devices go on notifying; then they stop.
  arrivals.drain(sub, 2s);
  sim.terminate();
  std::this_thread::sleep_for(500ms);
  const auto logged = notificationsLogged(gateway.log());
  ASSERT_EQ(logged.size(), endpoints.size()) << gateway.log();
  auto allArrived = [&] { return everyLoggedNotificationArrived(arrivals, logged); };
  EXPECT_TRUE(arrivals.waitUntil(sub, allArrived, 20s))
      << "arrived: " << arrivedTopics(arrivals, endpoints) << ", notified: " << total(logged) << "\n"
      << broker.log();
  arrivals.drain(sub, 500ms);  // anything extra would show now
  expectAllDeliveredInOrder(arrivals, logged, gateway);
  EXPECT_TRUE(outboxEmpties(gateway));
  EXPECT_EQ(outboxCount(gateway, "dropped"), 0u);
}

TEST(MqttDelivery, MessagesStoredInTheOutboxBeforeAKillDashNineArriveInOrderAfterTheRestart) {
  Mosquitto broker;
  ScratchDir dir;
  MqttSubscriber sub(broker, kValueTopicFilter, "kill-watch-" + std::to_string(::getpid()));
  GatewayProcess gateway(broker.uri(), "127.0.0.1",
                         {"--config", dir.write("gateway.yaml", kReconnectFast), "--mapping",
                          dir.write("mapping.yaml", kNotifyEverySecond)});
  const std::vector<std::string> endpoints = {"killed-0001", "killed-0002"};
  const std::vector<std::string> simArgs = {"--server", gateway.coapAddress(), "--count", "2", "--prefix",
                                            "killed-", "--objects", "1/0,3/0,3303/0", "--quiet"};
  Arrivals arrivals;
  std::size_t beforeOutage = 0;
  std::size_t beforeKill = 0;
  {
    Simulator sim(simArgs);
    for (std::size_t i = 0; i < endpoints.size(); ++i) ASSERT_TRUE(sim.waitForLine("registered")) << gateway.log();
    ASSERT_TRUE(arrivals.waitUntil(sub, [&] {
      return !arrivals.on(valueTopic(endpoints[0])).empty() && !arrivals.on(valueTopic(endpoints[1])).empty();
    }, 15s)) << gateway.log();
    broker.stop();
    beforeOutage = total(notificationsLogged(gateway.log()));
    arrivals.drain(sub, 6s);  // the devices notify into the outbox
    sim.terminate();
  }
  // The devices fell silent before the kill, so every logged notification is
  // in the database (the outbox commits within milliseconds) and the count is exact.
  std::this_thread::sleep_for(1s);
  beforeKill = total(notificationsLogged(gateway.log()));
  ASSERT_GE(beforeKill - beforeOutage, endpoints.size() * 4) << gateway.log();

  gateway.kill();
  gateway.restart();
  EXPECT_TRUE(waitForLog(gateway, "messages from before the restart wait for the broker")) << gateway.log();
  EXPECT_GE(outboxCount(gateway, "waiting"), beforeKill - beforeOutage);
  {
    // New notifications, still without a broker, queue behind the old ones.
    Simulator sim(simArgs);
    for (std::size_t i = 0; i < endpoints.size(); ++i) ASSERT_TRUE(sim.waitForLine("registered")) << gateway.log();
    arrivals.drain(sub, 3s);
    sim.terminate();
  }
  std::this_thread::sleep_for(500ms);
  const auto logged = notificationsLogged(gateway.log());
  ASSERT_GT(total(logged), beforeKill) << "the devices notified after the restart\n" << gateway.log();

  broker.start();
  auto allArrived = [&] { return everyLoggedNotificationArrived(arrivals, logged); };
  EXPECT_TRUE(arrivals.waitUntil(sub, allArrived, 20s))
      << "arrived: " << arrivedTopics(arrivals, endpoints) << ", notified: " << total(logged) << "\n"
      << gateway.log();
  arrivals.drain(sub, 500ms);
  expectAllDeliveredInOrder(arrivals, logged, gateway);
  EXPECT_TRUE(outboxEmpties(gateway));
  EXPECT_EQ(outboxCount(gateway, "dropped"), 0u);
}

// --- TLS --------------------------------------------------------------------------

// A broker with its plain listener (for the test's subscriber) and a TLS
// listener for the gateway, certificates from a throw-away CA.
class MqttTls : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "pki");
    pki_ = makeTestPki(dir_.path() / "pki");
  }

  std::string tlsListener(bool requireClientCertificate) const {
    return "listener " + std::to_string(tlsPort_) + " 127.0.0.1\ncafile " + pki_.caFile + "\ncertfile " +
           pki_.serverCert + "\nkeyfile " + pki_.serverKey + "\n" +
           (requireClientCertificate ? "require_certificate true\n" : "");
  }
  std::string tlsUri() const { return "ssl://127.0.0.1:" + std::to_string(tlsPort_); }
  // gateway.yaml with the broker's TLS URI, the CA and optional client certificate.
  std::string config(const std::string& caFile, bool clientCertificate = false) const {
    std::string yaml = "mqtt:\n  uri: \"" + tlsUri() + "\"\n  ca_file: \"" + caFile + "\"\n";
    if (clientCertificate) {
      yaml += "  cert_file: \"" + pki_.clientCert + "\"\n  key_file: \"" + pki_.clientKey + "\"\n";
    }
    return dir_.write("gateway.yaml", yaml + kReconnectKeys);
  }

  // A device registers; its registration reaches the plain-port subscriber.
  void expectRegistrationArrives(Mosquitto& broker, GatewayProcess& gateway, const std::string& endpoint) {
    MqttSubscriber sub(broker, "lwm2m/" + endpoint + "/#");
    ASSERT_TRUE(waitForLog(gateway, "MQTT connected to " + tlsUri())) << gateway.log() << broker.log();
    Simulator sim({"--server", gateway.coapAddress(), "-e", endpoint, "--objects", "1/0,3/0", "--quiet"});
    ASSERT_TRUE(sim.waitForLine("registered " + endpoint));
    std::optional<std::pair<std::string, std::string>> m;
    while ((m = sub.next(10s)) && m->first != "lwm2m/" + endpoint + "/event/registered") {
    }
    ASSERT_TRUE(m) << gateway.log();
    EXPECT_EQ(member(m->second, "endpoint"), endpoint) << m->second;
    EXPECT_EQ(mqttState(gateway), "connected");
  }

  ScratchDir dir_;
  TestPki pki_;
  std::uint16_t tlsPort_ = freeTcpPort();
};

TEST_F(MqttTls, ARegistrationReachesTheBrokerOverTls) {
  Mosquitto broker(tlsListener(false));
  GatewayProcess gateway(tlsUri(), "127.0.0.1", {"--config", config(pki_.caFile)});
  expectRegistrationArrives(broker, gateway, "tls-dev");
}

TEST_F(MqttTls, TheGatewayPresentsItsClientCertificateWhenTheBrokerRequiresOne) {
  Mosquitto broker(tlsListener(true));
  // The listener does refuse a client without a certificate.
  auto without = runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(tlsPort_), "--cafile",
                             pki_.caFile, "-t", "probe", "-m", "x"},
                            10s);
  ASSERT_NE(without.exitCode, 0) << broker.log();
  GatewayProcess gateway(tlsUri(), "127.0.0.1", {"--config", config(pki_.caFile, true)});
  expectRegistrationArrives(broker, gateway, "mtls-dev");
}

TEST_F(MqttTls, ABrokerSignedByAnotherCaIsRefusedWithAClearErrorAndTheGatewayKeepsServing) {
  Mosquitto broker(tlsListener(false));
  fs::create_directories(dir_.path() / "other");
  const TestPki other = makeTestPki(dir_.path() / "other");
  GatewayProcess gateway(tlsUri(), "127.0.0.1", {"--config", config(other.caFile)});
  ASSERT_TRUE(waitForLog(gateway, "MQTT cannot connect to " + tlsUri())) << gateway.log();
  const std::string error = lineWith(gateway.log(), "MQTT cannot connect to " + tlsUri());
  EXPECT_NE(error.find("[warning]"), std::string::npos) << error;
  EXPECT_NE(error.find("TLS"), std::string::npos) << error;
  EXPECT_NE(error.find("certificate"), std::string::npos) << error;
  EXPECT_NE(error.find("mqtt.ca_file"), std::string::npos) << error;
  EXPECT_EQ(gateway.log().find("MQTT connected"), std::string::npos) << gateway.log();

  // Still serving devices and the REST API, and saying MQTT is down.
  Simulator sim({"--server", gateway.coapAddress(), "-e", "untrusted-dev", "--objects", "1/0,3/0", "--quiet"});
  ASSERT_TRUE(sim.waitForLine("registered untrusted-dev")) << gateway.log();
  std::this_thread::sleep_for(2s);  // a few reconnect attempts
  EXPECT_EQ(mqttState(gateway), "disconnected");
  EXPECT_EQ(httpGet(gateway.httpUrl("/api/v1/devices/untrusted-dev")).status, 200);
  EXPECT_EQ(gateway.log().find("MQTT connected"), std::string::npos);
  sim.terminate();  // de-registers while the gateway is there to answer
  EXPECT_EQ(gateway.terminate(), 0) << gateway.log();
}

// --- request / response -------------------------------------------------------------

struct Mqtt5Message {
  std::string topic;
  std::string correlationData;
  std::string payload;
};

// mosquitto_sub speaking MQTT 5, printing each message's topic, Correlation
// Data and payload.
class Mqtt5Subscriber {
 public:
  Mqtt5Subscriber(const Mosquitto& broker, const std::string& filter, const std::string& probeTopic)
      : process_(Process::start({"mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                                  std::to_string(broker.port()), "-q", "1", "-t", filter, "-F", "%t\t%D\t%p"},
                                 {"", true})),
        reader_(process_.stdoutFd()) {
    // Live once a probe comes back.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-t", probeTopic, "-m",
                  "probe"});
      while (auto m = next(200ms)) {
        if (m->topic == probeTopic) return;
      }
    }
    throw std::runtime_error("mosquitto_sub -V mqttv5 did not subscribe within 10 s");
  }

  std::optional<Mqtt5Message> next(std::chrono::milliseconds timeout) {
    auto line = reader_.readLine(timeout);
    if (!line) return std::nullopt;
    const auto tab1 = line->find('\t');
    const auto tab2 = line->find('\t', tab1 == std::string::npos ? 0 : tab1 + 1);
    if (tab2 == std::string::npos) return Mqtt5Message{*line, "", ""};
    return Mqtt5Message{line->substr(0, tab1), line->substr(tab1 + 1, tab2 - tab1 - 1), line->substr(tab2 + 1)};
  }

 private:
  Process process_;
  LineReader reader_;
};

TEST(MqttRequestResponse, AnswersGoToTheResponseTopicWithTheCorrelationData) {
  Mosquitto broker;
  Mqtt5Subscriber replies(broker, "app/replies/#", "app/replies/probe");
  MqttSubscriber defaultTopic(broker, "lwm2m/+/cmd/result");
  GatewayProcess gateway(broker.uri());
  Simulator sim({"--server", gateway.coapAddress(), "-e", "rr-dev", "--objects", "1/0,3/0", "--quiet"});
  ASSERT_TRUE(sim.waitForLine("registered rr-dev"));
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();

  // Two requests in a row, each with its own Response Topic and Correlation Data.
  publish(broker, {"-V", "mqttv5", "-t", "lwm2m/rr-dev/cmd", "-m", R"({"operation":"read","path":"/3/0/0"})",
                   "-D", "publish", "response-topic", "app/replies/one", "-D", "publish", "correlation-data",
                   "req-7f3a"});
  publish(broker, {"-V", "mqttv5", "-t", "lwm2m/rr-dev/cmd", "-m", R"({"operation":"read","path":"/3/0/1"})",
                   "-D", "publish", "response-topic", "app/replies/two", "-D", "publish", "correlation-data",
                   "req-9c01"});
  // Each command is acknowledged ("queued") and then answered; both on its
  // Response Topic with its Correlation Data.
  std::map<std::string, std::vector<Mqtt5Message>> byTopic;
  auto answered = [&](const std::string& topic) {
    for (const auto& m : byTopic[topic]) {
      if (parse(m.payload).HasMember("code")) return true;
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (!(answered("app/replies/one") && answered("app/replies/two")) &&
         std::chrono::steady_clock::now() < deadline) {
    auto m = replies.next(leftUntil(deadline));
    if (!m) break;
    if (m->topic != "app/replies/probe") byTopic[m->topic].push_back(*m);
  }
  ASSERT_TRUE(answered("app/replies/one") && answered("app/replies/two")) << gateway.log();
  for (const auto& [topic, messages] : byTopic) {
    ASSERT_TRUE(topic == "app/replies/one" || topic == "app/replies/two") << topic;
    for (const auto& m : messages) {
      EXPECT_EQ(m.correlationData, topic == "app/replies/one" ? "req-7f3a" : "req-9c01") << topic << " " << m.payload;
    }
  }
  const std::string one = byTopic["app/replies/one"].back().payload;
  EXPECT_EQ(member(one, "code"), "2.05") << one;
  EXPECT_EQ(member(one, "path"), "/3/0/0") << one;
  EXPECT_EQ(str(parse(one)["values"][0]["value"]), "Open LwM2M Simulator") << one;
  const std::string two = byTopic["app/replies/two"].back().payload;
  EXPECT_EQ(member(two, "code"), "2.05") << two;
  EXPECT_EQ(member(two, "path"), "/3/0/1") << two;
  // Answered where asked, not also on the default result topic.
  EXPECT_FALSE(defaultTopic.next(1s)) << "an answer also went to lwm2m/rr-dev/cmd/result";
}

TEST(MqttRequestResponse, UnderMqtt311TheAnswerCarriesTheIdAndCorrelationFromTheCommand) {
  Mosquitto broker;
  ScratchDir dir;
  MqttSubscriber sub(broker, "lwm2m/+/cmd/result");
  GatewayProcess gateway(broker.uri(), "127.0.0.1",
                         {"--config", dir.write("gateway.yaml", "mqtt:\n  version: \"3.1.1\"\n")});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "legacy-dev", "--objects", "1/0,3/0", "--quiet"});
  ASSERT_TRUE(sim.waitForLine("registered legacy-dev"));
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();
  EXPECT_TRUE(waitForLog(gateway, "(MQTT 3.1.1)")) << gateway.log();

  // MQTT 5 properties of the command cannot reach a 3.1.1 client: the answer
  // goes to the result topic and is matched by the JSON fields.
  publish(broker, {"-V", "mqttv5", "-t", "lwm2m/legacy-dev/cmd", "-m",
                   R"({"id":"q-311","correlation":"c-5e2","operation":"read","path":"/3/0/0"})", "-D", "publish",
                   "response-topic", "app/replies/legacy", "-D", "publish", "correlation-data", "lost"});
  std::optional<std::pair<std::string, std::string>> m;
  while ((m = sub.next(15s)) && !parse(m->second).HasMember("code")) {
    EXPECT_EQ(member(m->second, "id"), "q-311") << m->second;  // the "queued" acknowledgement
  }
  ASSERT_TRUE(m) << gateway.log();
  EXPECT_EQ(m->first, "lwm2m/legacy-dev/cmd/result");
  EXPECT_EQ(member(m->second, "id"), "q-311") << m->second;
  EXPECT_EQ(member(m->second, "correlation"), "c-5e2") << m->second;
  EXPECT_EQ(member(m->second, "code"), "2.05") << m->second;
  EXPECT_EQ(str(parse(m->second)["values"][0]["value"]), "Open LwM2M Simulator") << m->second;
}

}  // namespace
}  // namespace lwm2m::testing
