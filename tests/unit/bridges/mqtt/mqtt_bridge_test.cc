#include "bridges/mqtt/mqtt_bridge.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

#include "tests/support/mosquitto.h"
#include "tests/support/test_pki.h"
#include "tests/unit/bridges/mqtt/io_thread_test.h"
#include "tests/unit/bridges/mqtt/log_capture.h"

namespace lwm2m::bridges::mqtt {
namespace {

namespace api = gateway::api;
using namespace std::chrono_literals;
using lwm2m::testing::Mosquitto;
using lwm2m::testing::MqttSubscriber;
using lwm2m::testing::TestPki;

api::DeviceEvent event(api::DeviceEventKind kind, std::string endpoint) {
  api::DeviceInfo device;
  device.endpoint = std::move(endpoint);
  device.registrationId = "reg-7";
  device.lwm2mVersion = "1.1";
  device.binding = "U";
  device.lifetimeSeconds = 60;
  device.objectLinks = {{"/3/0", {}}};
  return api::DeviceEvent{kind, device, std::chrono::system_clock::now()};
}

// The bridge lives on the fixture's I/O thread, as in the gateway.
class MqttBridgeTest : public IoThreadTest {
 protected:
  void TearDown() override {
    onIo([this] { bridge_.reset(); });
    IoThreadTest::TearDown();
  }

  MqttSettings settings(const Mosquitto& broker) {
    MqttSettings s = quickSettings(broker, "gateway-under-test");
    s.deviceStatusTopic.clear();  // tests that want it set it
    return s;
  }

  void startBridge(MqttSettings s) {
    onIo([&] {
      bridge_ = std::make_unique<MqttBridge>(io_, s);
      bridge_->start();
    });
  }

  void publish(const api::DeviceEvent& e) {
    onIo([&] { bridge_->onDeviceEvent(e); });
  }

  // A mapped message, as the mapping rules hand them to the bridge (QoS 1).
  void send(const std::string& topic, const std::string& payload = "{}") {
    mapping::OutboundMessage m;
    m.topic = topic;
    m.payload = payload;
    m.qos = 1;
    onIo([&] { bridge_->publish(m); });
  }

  // True once a log line containing `text` was written, polling until the deadline.
  bool waitForLog(const std::string& text, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (logs_.count(text) == 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  bool waitConnected(bool wanted, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (bridge_->connected() != wanted) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  LogCapture logs_;
  std::unique_ptr<MqttBridge> bridge_;
};

TEST_F(MqttBridgeTest, MappedMessagesArriveWithTheirTopicAndPayloadInOrder) {
  Mosquitto broker;
  MqttSubscriber subscriber(broker, "site-a/#");
  startBridge(settings(broker));
  ASSERT_TRUE(waitConnected(true));
  send("site-a/registered/d1", "1");
  send("site-a/updated/d1", "2");
  send("site-a/deregistered/d1", "3");
  int n = 0;
  for (const char* topic : {"site-a/registered/d1", "site-a/updated/d1", "site-a/deregistered/d1"}) {
    auto message = subscriber.next(10s);
    ASSERT_TRUE(message.has_value()) << topic;
    EXPECT_EQ(message->first, topic);
    EXPECT_EQ(message->second, std::to_string(++n));
  }
}

TEST_F(MqttBridgeTest, StartsWhileTheBrokerIsDownAndDeliversWhenItComes) {
  Mosquitto broker;
  // A persistent subscriber session on the broker, so what the bridge sends
  // right after the broker comes back is kept for the subscriber.
  MqttSubscriber subscriber(broker, "lwm2m/#", "watcher-1");
  broker.stop();

  startBridge(settings(broker));
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(bridge_->connected());
  send("lwm2m/early/event/registered");

  broker.start();
  ASSERT_TRUE(waitConnected(true)) << broker.log();
  auto message = subscriber.next(15s);
  ASSERT_TRUE(message.has_value()) << broker.log();
  EXPECT_EQ(message->first, "lwm2m/early/event/registered");
  // One warning for the outage however many attempts failed, then the recovery.
  EXPECT_EQ(logs_.count("[warning] MQTT cannot connect to " + broker.uri() +
                        ": broker unreachable or connection refused"),
            1u);
  EXPECT_EQ(logs_.count("[info] MQTT connected to " + broker.uri()), 1u);
}

TEST_F(MqttBridgeTest, BuffersDuringABrokerOutageAndReconnects) {
  Mosquitto broker;
  MqttSubscriber subscriber(broker, "lwm2m/#", "watcher-2");
  startBridge(settings(broker));
  ASSERT_TRUE(waitConnected(true));
  send("lwm2m/dev/event/registered");
  ASSERT_TRUE(subscriber.next(10s).has_value());

  broker.stop();
  ASSERT_TRUE(waitConnected(false)) << "the bridge did not notice the broker went away";
  send("lwm2m/dev/event/updated");
  send("lwm2m/dev/event/expired");

  broker.start();
  ASSERT_TRUE(waitConnected(true)) << broker.log();
  // QoS 1 is at least once: the event from before the outage may come again
  // if the broker went down before it saw the acknowledgement. What matters is
  // that both events of the outage arrive, in order.
  std::vector<std::string> topics;
  while (topics.size() < 2) {
    auto message = subscriber.next(15s);
    ASSERT_TRUE(message.has_value()) << broker.log();
    if (message->first != "lwm2m/dev/event/registered") topics.push_back(message->first);
  }
  EXPECT_EQ(topics, (std::vector<std::string>{"lwm2m/dev/event/updated",
                                              "lwm2m/dev/event/expired"}));
  EXPECT_EQ(bridge_->droppedEvents(), 0u);
}

TEST_F(MqttBridgeTest, FullOutboxDropsTheOldestAndCountsThem) {
  Mosquitto broker;
  MqttSubscriber subscriber(broker, "lwm2m/+/event/#", "watcher-3");
  broker.stop();
  auto s = settings(broker);
  s.outboxLimit = 2;
  s.deviceStatusTopic.clear();
  startBridge(s);
  for (const char* name : {"a", "b", "c", "d"}) {
    send(std::string("lwm2m/") + name + "/event/registered");
  }
  EXPECT_EQ(bridge_->droppedEvents(), 2u);
  EXPECT_EQ(bridge_->stats().waiting, 2u);
  EXPECT_EQ(logs_.count("[warning] MQTT outbox full (2 messages"), 1u);

  broker.start();
  ASSERT_TRUE(waitConnected(true));
  auto first = subscriber.next(15s);
  auto second = subscriber.next(10s);
  ASSERT_TRUE(first && second) << broker.log();
  EXPECT_EQ(first->first, "lwm2m/c/event/registered");
  EXPECT_EQ(second->first, "lwm2m/d/event/registered");
  EXPECT_FALSE(subscriber.next(500ms).has_value());
}

TEST_F(MqttBridgeTest, DeviceStatusIsRetainedAndFollowsTheEvents) {
  Mosquitto broker;
  MqttSubscriber everything(broker, "lwm2m/#");
  auto s = settings(broker);
  s.deviceStatusTopic = "lwm2m/{endpoint}/status";
  startBridge(s);
  ASSERT_TRUE(waitConnected(true));
  publish(event(api::DeviceEventKind::Registered, "meter"));
  publish(event(api::DeviceEventKind::Updated, "meter"));
  publish(event(api::DeviceEventKind::Asleep, "meter"));
  // A subscriber that comes later still sees the last status: it is retained.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(lwm2m::testing::retainedMessage(broker, "lwm2m/meter/status"), "asleep")
      << broker.log();
  publish(event(api::DeviceEventKind::Expired, "meter"));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(lwm2m::testing::retainedMessage(broker, "lwm2m/meter/status"), "offline");
  // Only status changes: online, asleep, offline (event JSON is the mapping's job).
  std::vector<std::string> seen;
  while (auto m = everything.next(500ms)) seen.push_back(m->first + "=" + m->second);
  EXPECT_EQ(seen, (std::vector<std::string>{"lwm2m/meter/status=online",
                                            "lwm2m/meter/status=asleep",
                                            "lwm2m/meter/status=offline"}));
}

TEST_F(MqttBridgeTest, StopDisconnectsPromptlyEvenWithoutABroker) {
  Mosquitto broker;
  startBridge(settings(broker));
  ASSERT_TRUE(waitConnected(true));
  const auto before = std::chrono::steady_clock::now();
  onIo([&] { bridge_->stop(); });
  EXPECT_LT(std::chrono::steady_clock::now() - before, 3s);
  EXPECT_FALSE(bridge_->connected());
  // The broker saw a clean disconnect, not a dropped connection.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (broker.log().find("Client gateway-under-test disconnected.") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(broker.log().find("Client gateway-under-test disconnected."), std::string::npos)
      << broker.log();

  broker.stop();
  startBridge(settings(broker));  // never connects
  const auto again = std::chrono::steady_clock::now();
  onIo([&] { bridge_->stop(); });
  EXPECT_LT(std::chrono::steady_clock::now() - again, 3s);
}

TEST_F(MqttBridgeTest, SendsUserNameAndPasswordAndNamesARefusal) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("mqtt-auth-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string passwords = (dir / "passwords").string();
  ASSERT_EQ(lwm2m::testing::Process::start({"mosquitto_passwd", "-c", "-b", passwords, "gateway",
                                            "s3cret"})
                .waitFor(10s),
            0);
  // Anonymous clients (the subscriber) may connect; a client that names a user must know its password.
  Mosquitto broker("password_file " + passwords + "\n");
  MqttSubscriber subscriber(broker, "auth/#");

  for (const MqttVersion version : {MqttVersion::V5, MqttVersion::V311}) {
    auto wrong = settings(broker);
    wrong.version = version;
    wrong.username = "gateway";
    wrong.password = "guess";
    const std::string refused = "[warning] MQTT cannot connect to " + wrong.uri +
                                ": broker refused the connection: ";
    const std::size_t before = logs_.count(refused);
    startBridge(wrong);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (logs_.count(refused) == before && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(logs_.count(refused), before + 1) << logs_.all();
    EXPECT_FALSE(bridge_->connected());
    onIo([&] { bridge_.reset(); });
  }
  // MQTT 5 says "not authorized" (0x87), MQTT 3.1.1 "not authorized" (5): never a bare number.
  EXPECT_EQ(logs_.count("broker refused the connection: not authorized"), 2u) << logs_.all();

  auto right = settings(broker);
  right.username = "gateway";
  right.password = "s3cret";
  startBridge(right);
  ASSERT_TRUE(waitConnected(true)) << broker.log();
  send("auth/ok", "1");
  auto message = subscriber.next(10s);
  ASSERT_TRUE(message.has_value()) << broker.log();
  EXPECT_EQ(message->first, "auth/ok");
  EXPECT_NE(broker.log().find("u'gateway'"), std::string::npos) << broker.log();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

// A broker with a plain listener (for the subscriber) and a TLS listener on
// another port (for the bridge), its certificates from a throw-away CA.
class MqttBridgeTlsTest : public MqttBridgeTest {
 protected:
  void SetUp() override {
    MqttBridgeTest::SetUp();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("mqtt-tls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    pki_ = lwm2m::testing::makeTestPki(dir_);
    tlsPort_ = lwm2m::testing::freeTcpPort();
  }
  void TearDown() override {
    MqttBridgeTest::TearDown();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string tlsListener(bool requireClientCertificate) const {
    return "listener " + std::to_string(tlsPort_) + " 127.0.0.1\n" + "cafile " + pki_.caFile +
           "\n" + "certfile " + pki_.serverCert + "\n" + "keyfile " + pki_.serverKey + "\n" +
           (requireClientCertificate ? "require_certificate true\n" : "");
  }

  MqttSettings tlsSettings(const Mosquitto& broker, const std::string& scheme = "ssl") {
    MqttSettings s = settings(broker);
    s.uri = scheme + "://127.0.0.1:" + std::to_string(tlsPort_);
    s.caFile = pki_.caFile;
    return s;
  }

  std::filesystem::path dir_;
  TestPki pki_;
  std::uint16_t tlsPort_ = 0;
};

TEST_F(MqttBridgeTlsTest, PublishesOverTlsWhenTheCaIsTrusted) {
  Mosquitto broker(tlsListener(false));
  MqttSubscriber subscriber(broker, "lwm2m/#");
  startBridge(tlsSettings(broker, "mqtts"));
  ASSERT_TRUE(waitConnected(true)) << broker.log();
  send("lwm2m/secure-1/event/registered");
  auto message = subscriber.next(10s);
  ASSERT_TRUE(message.has_value()) << broker.log();
  EXPECT_EQ(message->first, "lwm2m/secure-1/event/registered");
}

TEST_F(MqttBridgeTlsTest, RefusesABrokerSignedByAnUnknownCa) {
  Mosquitto broker(tlsListener(false));
  auto s = tlsSettings(broker);
  s.caFile.clear();  // the system trust store does not know the test CA
  startBridge(s);
  EXPECT_TRUE(waitForLog("[warning] MQTT cannot connect to " + s.uri));
  EXPECT_FALSE(bridge_->connected());
  EXPECT_EQ(logs_.count("MQTT connected"), 0u);
}

TEST_F(MqttBridgeTlsTest, PresentsAClientCertificateWhenTheBrokerRequiresOne) {
  Mosquitto broker(tlsListener(true));
  auto without = tlsSettings(broker);
  startBridge(without);
  EXPECT_TRUE(waitForLog("[warning] MQTT cannot connect to " + without.uri)) << broker.log();
  EXPECT_FALSE(bridge_->connected()) << "connected without a client certificate";
  onIo([&] { bridge_.reset(); });

  auto with = tlsSettings(broker);
  with.certFile = pki_.clientCert;
  with.keyFile = pki_.clientKey;
  startBridge(with);
  EXPECT_TRUE(waitConnected(true)) << broker.log();
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
