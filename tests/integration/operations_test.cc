// The operations endpoints of the real daemon, as a monitoring system and an
// orchestrator use them: GET /metrics parsed by the test's own reader of the
// Prometheus text format, counters checked against what the test made
// happen (a device, a read over MQTT, notifications, a device that went
// silent), and GET /ready following the broker and the disk.

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/support/prometheus_text.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A directory of test files (configuration, mapping), removed at the end.
class TestFiles {
 public:
  TestFiles() : dir_(fs::temp_directory_path() / ("operations-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_);
  }
  ~TestFiles() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
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

// Every sample of GET /metrics, after checking the answer is the text format.
PromExposition scrape(const GatewayProcess& gateway) {
  auto r = runCommand({"curl", "-s", "--max-time", "5", "-w", "\n%{http_code} %{content_type}\n", gateway.httpUrl("/metrics")});
  while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();  // runCommand ends each line
  const auto tail = r.output.rfind('\n');
  EXPECT_NE(tail, std::string::npos);
  const std::string status = r.output.substr(tail + 1);
  EXPECT_EQ(status, "200 text/plain; version=0.0.4; charset=utf-8");
  auto parsed = parsePrometheusText(r.output.substr(0, tail + 1));
  EXPECT_TRUE(parsed.exposition) << parsed.error;
  return parsed.exposition.value_or(PromExposition{});
}

double valueOf(const PromExposition& m, const std::string& name, const PromLabels& labels = {}) {
  auto v = m.value(name, labels);
  EXPECT_TRUE(v) << "no sample " << name;
  return v.value_or(-1);
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

void publish(const Mosquitto& broker, const std::string& topic, const std::string& payload) {
  auto r = runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-t",
                       topic, "-m", payload});
  ASSERT_EQ(r.exitCode, 0) << "mosquitto_pub failed";
}

// Notifications of the temperature every second, each one QoS 1 message;
// commands on t/{endpoint}/cmd, results on t/{endpoint}/result.
constexpr const char* kMapping = R"(
uplink:
  - name: temperature
    match: {path: "/3303/0/5700", events: [notification]}
    topic: "t/{endpoint}/temperature"
    payload: json
    qos: 1
observe:
  - match: {path: "/3303/0/5700"}
    attributes: {pmin: 1, pmax: 1}
downlink:
  - name: commands
    topic: "t/{endpoint}/cmd"
    payload: json
    response_topic: "t/{endpoint}/result"
    response_qos: 1
)";

TEST(Operations, MetricsCountRegistrationsRequestsNotificationsAndTheirLatencies) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "t/#");
  TestFiles files;
  const std::string mapping = files.write("mapping.yaml", kMapping);
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--mapping", mapping});

  auto before = scrape(gateway);
  EXPECT_EQ(valueOf(before, "lwm2m_gateway_registrations_total"), 0);
  EXPECT_EQ(before.sum("lwm2m_gateway_requests_total"), 0);
  EXPECT_EQ(before.sum("lwm2m_gateway_registered_devices"), 0);
  EXPECT_EQ(valueOf(before, "lwm2m_gateway_build_info", {{"version", "0.1.0"}}), 1);
  EXPECT_EQ(before.families.at("lwm2m_gateway_requests_total").type, "counter");
  EXPECT_EQ(before.families.at("lwm2m_gateway_command_duration_seconds").type, "histogram");
  for (const auto& [name, family] : before.families) {
    if (family.type == "counter") {
      EXPECT_TRUE(name.ends_with("_total")) << name;
    }
    EXPECT_TRUE(name.starts_with("lwm2m_gateway_") || name.starts_with("process_")) << name;
    EXPECT_FALSE(family.help.empty()) << name;
  }

  int notifications = 0;
  {
    Simulator sim({"--server", gateway.coapAddress(), "-e", "probe-dev", "--objects", "1/0,3/0,3303/0", "--send",
                   "1"});
    ASSERT_TRUE(sim.waitForLine("registered probe-dev"));
    auto during = scrape(gateway);
    EXPECT_EQ(valueOf(during, "lwm2m_gateway_registrations_total"), 1);
    EXPECT_EQ(valueOf(during, "lwm2m_gateway_registered_devices",
                      {{"state", "registered"}, {"lwm2m_version", "1.1"}, {"binding", "U"}}),
              1);

    ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed to 't/+/cmd'"));
    publish(broker, "t/probe-dev/cmd", R"({"id":"r1","operation":"read","path":"/3/0/0"})");
    bool answered = false;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline && (!answered || notifications < 2)) {
      auto m = sub.next(1s);
      if (!m) continue;
      if (m->first == "t/probe-dev/result") answered = true;
      if (m->first == "t/probe-dev/temperature") ++notifications;
    }
    ASSERT_TRUE(answered) << gateway.log();
    ASSERT_GE(notifications, 2) << gateway.log();
    sim.terminate();  // de-registers: no notification after this
  }
  // Whatever was notified before the device left reaches the subscriber.
  while (auto m = sub.next(2s)) {
    if (m->first == "t/probe-dev/temperature") ++notifications;
  }

  auto after = scrape(gateway);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_registrations_total"), 1);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_deregistrations_total"), 1);
  EXPECT_EQ(after.sum("lwm2m_gateway_registered_devices"), 0);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_requests_total", {{"operation", "read"}, {"outcome", "success"}}), 1);
  // The mapping's observation: its attributes written, then observed.
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_requests_total",
                    {{"operation", "write_attributes"}, {"outcome", "success"}}),
            1);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_requests_total", {{"operation", "observe"}, {"outcome", "success"}}), 1);
  EXPECT_EQ(after.sum("lwm2m_gateway_requests_total"), 3) << [&] {
    std::string seen;
    for (const auto& s : after.families.at("lwm2m_gateway_requests_total").samples) {
      if (s.value > 0) seen += s.labels.at("operation") + "/" + s.labels.at("outcome") + " ";
    }
    return seen;
  }();
  // Every command was timed from acceptance to answer, once.
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_command_duration_seconds_count"), 3);
  EXPECT_GT(valueOf(after, "lwm2m_gateway_command_duration_seconds_sum"), 0);
  EXPECT_LT(valueOf(after, "lwm2m_gateway_command_duration_seconds_sum"), 10);
  // One notification, one QoS 1 message, one acknowledgement timed.
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_notifications_total"), notifications);
  EXPECT_GE(valueOf(after, "lwm2m_gateway_send_requests_total"), 1) << "a Send report every second";
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_notification_publish_duration_seconds_count"), notifications);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_notification_publish_duration_seconds_bucket", {{"le", "+Inf"}}),
            notifications);
  EXPECT_GE(valueOf(after, "lwm2m_gateway_mqtt_messages_published_total"), notifications + 1);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_mqtt_outbox_messages"), 0);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_mqtt_connected"), 1);
  EXPECT_GT(valueOf(after, "lwm2m_gateway_coap_datagrams_received_total"), notifications);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_coap_timeouts_total"), 0);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_queued_requests"), 0);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_storage_writable"), 1);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_ready"), 1);
  EXPECT_GT(valueOf(after, "lwm2m_gateway_storage_writes_total"), 0);
  EXPECT_GT(valueOf(after, "process_resident_memory_bytes"), 0);
}

TEST(Operations, ASilentDeviceShowsAsRetransmissionsATimeoutAndATimedOutRead) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "t/#");
  TestFiles files;
  const std::string mapping = files.write("mapping.yaml", kMapping);
  // Short CoAP timers: 200 ms, two retransmissions, no random factor.
  const std::string config = files.write("gateway.yaml",
                                         "coap:\n  ack_timeout_ms: 200\n  ack_random_factor: 1.0\n"
                                         "  max_retransmit: 2\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config, "--mapping", mapping});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "mute", "--objects", "1/0,3/0", "--duration", "1",
                 "--no-deregister"});
  ASSERT_TRUE(sim.waitForLine("registered mute"));
  ASSERT_TRUE(sim.waitForExit(10s)) << "the simulator should stop after --duration";
  auto before = scrape(gateway);

  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed to 't/+/cmd'"));
  publish(broker, "t/mute/cmd", R"({"id":"r2","operation":"read","path":"/3/0/0"})");
  std::optional<std::string> result;
  while (auto m = sub.next(15s)) {
    if (m->first == "t/mute/result" && str(parse(m->second)["status"]) != "queued") {
      result = m->second;
      break;
    }
  }
  ASSERT_TRUE(result) << gateway.log();
  EXPECT_EQ(str(parse(*result)["status"]), "timeout") << *result;

  auto after = scrape(gateway);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_coap_retransmissions_total") -
                valueOf(before, "lwm2m_gateway_coap_retransmissions_total"),
            2);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_coap_timeouts_total") -
                valueOf(before, "lwm2m_gateway_coap_timeouts_total"),
            1);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_requests_total", {{"operation", "read"}, {"outcome", "timeout"}}), 1);
}

TEST(Operations, ASleepingDeviceShowsAsAsleepWithItsQueuedCommandUntilItWakes) {
  Mosquitto broker;
  MqttSubscriber sub(broker, "t/#");
  TestFiles files;
  const std::string mapping = files.write("mapping.yaml", kMapping);
  const std::string config = files.write("gateway.yaml", "lwm2m:\n  awake_window_s: 1\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config, "--mapping", mapping});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "meter", "--queue", "--lifetime", "60",
                 "--update-interval", "8", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered meter"));
  // LwM2M 1.1 announces queue mode with the Q parameter: the binding stays U.
  const PromLabels asleep{{"state", "asleep"}, {"lwm2m_version", "1.1"}, {"binding", "U"}};
  ASSERT_TRUE(eventually([&] { return scrape(gateway).value("lwm2m_gateway_registered_devices", asleep) == 1.0; }))
      << gateway.log();
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed to 't/+/cmd'"));
  publish(broker, "t/meter/cmd", R"({"id":"r3","operation":"read","path":"/3/0/9","ttl":60})");
  ASSERT_TRUE(eventually([&] { return scrape(gateway).value("lwm2m_gateway_queued_requests") == 1.0; }))
      << gateway.log();
  std::this_thread::sleep_for(1200ms);
  auto waiting = scrape(gateway);
  EXPECT_GE(valueOf(waiting, "lwm2m_gateway_queued_request_oldest_age_seconds"), 1.0);
  EXPECT_EQ(valueOf(waiting, "lwm2m_gateway_requests_total", {{"operation", "read"}, {"outcome", "success"}}), 0);
  auto health = parse(httpGet(gateway.httpUrl("/health")).body);
  EXPECT_EQ(health["queuedRequests"].GetUint64(), 1u);

  // The device's next Update wakes it; the command goes out and is answered.
  ASSERT_TRUE(eventually([&] {
    return scrape(gateway).value("lwm2m_gateway_requests_total", {{"operation", "read"}, {"outcome", "success"}}) ==
           1.0;
  })) << gateway.log();
  auto after = scrape(gateway);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_queued_requests"), 0);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_queued_request_oldest_age_seconds"), 0);
  EXPECT_GE(valueOf(after, "lwm2m_gateway_registration_updates_total"), 1);
  // Its round trip includes the wait for the device to wake (more than 1 s).
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_command_duration_seconds_count"), 1);
  EXPECT_GE(valueOf(after, "lwm2m_gateway_command_duration_seconds_sum"), 1.0);
  EXPECT_EQ(valueOf(after, "lwm2m_gateway_command_duration_seconds_bucket", {{"le", "1"}}), 0);
}

TEST(Operations, WithoutABrokerTheOutboxFillsToItsBoundAndCountsWhatItDrops) {
  TestFiles files;
  const std::string mapping = files.write("mapping.yaml", kMapping);
  const std::string config = files.write("gateway.yaml", "mqtt:\n  outbox_limit: 2\n");
  const std::string nowhere = "tcp://127.0.0.1:" + std::to_string(freeTcpPort());
  GatewayProcess gateway(nowhere, "127.0.0.1", {"--config", config, "--mapping", mapping});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "lonely", "--objects", "1/0,3/0,3303/0"});
  ASSERT_TRUE(sim.waitForLine("registered lonely"));
  ASSERT_TRUE(eventually([&] { return scrape(gateway).value("lwm2m_gateway_mqtt_outbox_dropped_total") >= 2.0; }))
      << gateway.log();
  auto m = scrape(gateway);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_mqtt_outbox_messages"), 2);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_mqtt_connected"), 0);
  EXPECT_GE(valueOf(m, "lwm2m_gateway_notifications_total"), 2);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_notification_publish_duration_seconds_count"), 0) << "nothing acknowledged";
  auto health = parse(httpGet(gateway.httpUrl("/health")).body);
  EXPECT_EQ(health["mqttOutbox"]["waiting"].GetUint64(), 2u);
  EXPECT_GE(health["mqttOutbox"]["dropped"].GetUint64(), 2u);
}

TEST(Operations, DtlsHandshakesAndSessionsAreCountedInMetricsAndHealth) {
  Mosquitto broker;
  TestFiles files;
  const std::string config = files.write("gateway.yaml", "coaps:\n  handshake_timeout_s: 3\n");
  const std::uint16_t coapsPort = freeUdpPort();
  GatewayProcess gateway(broker.uri(), "127.0.0.1",
                         {"--config", config, "--coaps", "127.0.0.1:" + std::to_string(coapsPort)});
  const std::string key = "0123456789abcdef0123456789abcdef";
  auto added = runCommand({LWM2M_GATEWAY_BIN, "credentials", "--data-dir", gateway.dataDir().string(), "add",
                           "secure-dev", "--psk-identity", "secure-dev", "--psk-key", key});
  ASSERT_EQ(added.exitCode, 0) << added.output;
  const std::string server = "127.0.0.1:" + std::to_string(coapsPort);

  Simulator good({"--server", server, "-e", "secure-dev", "--psk-key", key, "-d", "30"});
  ASSERT_TRUE(good.waitForLine("registered secure-dev", 15s)) << gateway.log();
  Simulator bad({"--server", server, "-e", "secure-dev", "--psk-identity", "secure-dev", "--psk-key",
                 "ffffffffffffffffffffffffffffffff", "-d", "5"});
  ASSERT_TRUE(waitForLog(gateway, "DTLS handshake with")) << gateway.log();
  ASSERT_TRUE(eventually([&] {
    return scrape(gateway).value("lwm2m_gateway_dtls_handshakes_total", {{"result", "failed"}}) >= 1.0;
  })) << gateway.log();

  auto m = scrape(gateway);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_dtls_handshakes_total", {{"result", "full"}}), 1);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_dtls_sessions"), 1);
  EXPECT_GE(valueOf(m, "lwm2m_gateway_dtls_hello_verify_requests_total"), 2);
  auto health = parse(httpGet(gateway.httpUrl("/health")).body);
  ASSERT_TRUE(health.HasMember("dtls"));
  EXPECT_EQ(health["dtls"]["sessions"].GetUint64(), 1u);
  EXPECT_EQ(health["dtls"]["handshakes"].GetUint64(), 1u);
  EXPECT_GE(health["dtls"]["failedHandshakes"].GetUint64(), 1u);
}

// The /ready answer and its JSON body.
struct Readiness {
  int status = 0;
  rapidjson::Document body;
  bool notReady(const std::string& check) const {
    if (!body.IsObject() || !body.HasMember("notReady")) return false;
    for (const auto& name : body["notReady"].GetArray()) {
      if (name.IsString() && check == name.GetString()) return true;
    }
    return false;
  }
};

Readiness ready(const GatewayProcess& gateway) {
  auto r = httpGet(gateway.httpUrl("/ready"));
  return {r.status, parse(r.body)};
}

TEST(Operations, ReadyFollowsTheBrokerWhileHealthStaysLive) {
  Mosquitto broker;
  TestFiles files;
  const std::string config = files.write("gateway.yaml", "mqtt:\n  reconnect_max_ms: 1000\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config});
  ASSERT_TRUE(eventually([&] { return ready(gateway).status == 200; })) << gateway.log();
  {
    auto r = ready(gateway);
    EXPECT_EQ(str(r.body["status"]), "ready");
    EXPECT_TRUE(r.body["checks"]["storage"]["ready"].GetBool());
    EXPECT_TRUE(r.body["checks"]["mqtt"]["ready"].GetBool());
  }

  broker.stop();
  ASSERT_TRUE(eventually([&] { return ready(gateway).status == 503; })) << gateway.log();
  auto r = ready(gateway);
  EXPECT_EQ(str(r.body["status"]), "not ready");
  EXPECT_TRUE(r.notReady("mqtt"));
  EXPECT_FALSE(r.notReady("storage"));
  EXPECT_NE(str(r.body["checks"]["mqtt"]["detail"]).find(broker.uri()), std::string::npos);
  EXPECT_EQ(httpGet(gateway.httpUrl("/health")).status, 200) << "liveness does not depend on the broker";
  auto m = scrape(gateway);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_ready"), 0);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_mqtt_connected"), 0);

  broker.start();
  EXPECT_TRUE(eventually([&] { return ready(gateway).status == 200; }, 20s)) << gateway.log();
}

TEST(Operations, WithMqttOptionalTheGatewayIsReadyWithoutABroker) {
  TestFiles files;
  const std::string config = files.write("gateway.yaml", "mqtt:\n  required_for_ready: false\n");
  const std::string nowhere = "tcp://127.0.0.1:" + std::to_string(freeTcpPort());
  GatewayProcess gateway(nowhere, "127.0.0.1", {"--config", config});
  ASSERT_TRUE(eventually([&] { return ready(gateway).status == 200; })) << gateway.log();
  auto r = ready(gateway);
  EXPECT_FALSE(r.body["checks"].HasMember("mqtt"));
  EXPECT_EQ(valueOf(scrape(gateway), "lwm2m_gateway_mqtt_connected"), 0);
}

TEST(Operations, HealthReportsQueueAndOutboxDepths) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  auto r = httpGet(gateway.httpUrl("/health"));
  ASSERT_EQ(r.status, 200);
  auto health = parse(r.body);
  EXPECT_EQ(health["queuedRequests"].GetUint64(), 0u) << r.body;
  EXPECT_TRUE(health["mqttOutbox"]["waiting"].IsUint64()) << r.body;
  EXPECT_FALSE(health.HasMember("dtls")) << "DTLS is off";
  EXPECT_EQ(httpSend("POST", gateway.httpUrl("/metrics")).status, 405);
  EXPECT_EQ(httpSend("DELETE", gateway.httpUrl("/ready")).status, 405);
}

// A small tmpfs as the data directory, filled up by the test: the storage
// probe fails, /ready says so, and recovers once there is room again. Needs
// the right to mount (root with CAP_SYS_ADMIN); skipped, saying why, without it.
class SmallDisk {
 public:
  explicit SmallDisk(const fs::path& where) : where_(where) {
    fs::create_directories(where_);
    if (::mount("tmpfs", where_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      error_ = std::strerror(errno);
    } else {
      mounted_ = true;
    }
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

  // Writes a file until the disk is full.
  void fill() {
    std::ofstream out(where_ / "filler", std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (out.write(block.data(), block.size()) && out.flush()) {
    }
  }
  void makeRoom() { fs::remove(where_ / "filler"); }

 private:
  fs::path where_;
  bool mounted_ = false;
  std::string error_;
};

TEST(Operations, ReadyFollowsTheStorageWhenTheDiskFillsUpAndEmpties) {
  Mosquitto broker;
  TestFiles files;
  // A reserve below the small disk's size (the default, 8 MiB, is more than it holds).
  const std::string config = files.write("gateway.yaml", "storage:\n  probe_interval_s: 1\n  reserve_kb: 512\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config});
  ASSERT_EQ(gateway.terminate(), 0);
  // The same data directory, now on a 4 MiB disk of its own.
  SmallDisk disk(gateway.dataDir());
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  gateway.restart();
  ASSERT_TRUE(eventually([&] { return ready(gateway).status == 200; })) << gateway.log();

  disk.fill();
  ASSERT_TRUE(eventually([&] { return ready(gateway).status == 503; })) << gateway.log();
  auto r = ready(gateway);
  EXPECT_TRUE(r.notReady("storage")) << str(r.body["status"]);
  EXPECT_FALSE(r.notReady("mqtt"));
  EXPECT_NE(str(r.body["checks"]["storage"]["detail"]).find("below the reserve"), std::string::npos)
      << str(r.body["checks"]["storage"]["detail"]);
  EXPECT_EQ(httpGet(gateway.httpUrl("/health")).status, 200);
  auto m = scrape(gateway);
  EXPECT_EQ(valueOf(m, "lwm2m_gateway_storage_writable"), 0);
  EXPECT_GE(valueOf(m, "lwm2m_gateway_storage_probe_failures_total"), 1);

  disk.makeRoom();
  EXPECT_TRUE(eventually([&] { return ready(gateway).status == 200; })) << gateway.log();
  EXPECT_EQ(gateway.terminate(), 0);
}

}  // namespace
}  // namespace lwm2m::testing
