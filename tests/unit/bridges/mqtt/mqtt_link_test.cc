// MqttLink against a real Mosquitto: replay of a stored backlog in order,
// removal on acknowledgement, MQTT 5 properties both ways, gateway status.
#include "bridges/mqtt/mqtt_link.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/support/mosquitto.h"
#include "tests/unit/bridges/mqtt/io_thread_test.h"
#include "tests/unit/bridges/mqtt/memory_outbox.h"

namespace lwm2m::bridges::mqtt {
namespace {

using namespace std::chrono_literals;
using lwm2m::testing::LineReader;
using lwm2m::testing::Mosquitto;
using lwm2m::testing::MqttSubscriber;
using lwm2m::testing::Process;

class MqttLinkTest : public IoThreadTest {
 protected:
  void TearDown() override {
    onIo([this] { link_.reset(); });
    IoThreadTest::TearDown();
  }

  MqttSettings settings(const Mosquitto& broker) { return quickSettings(broker, "link-under-test"); }

  void startLink(MqttSettings s, Outbox* outbox) {
    onIo([&] {
      link_ = std::make_unique<MqttLink>(io_, s, outbox);
      link_->start();
    });
  }

  bool waitConnected(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!link_->connected()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  template <class Predicate>
  bool waitFor(Predicate p, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!p()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  MemoryOutbox outbox_;  // outlives link_, which may still remove acknowledged messages
  std::unique_ptr<MqttLink> link_;
};

TEST_F(MqttLinkTest, ReplaysAStoredBacklogInOrderAndEmptiesTheOutbox) {
  Mosquitto broker;
  MqttSubscriber subscriber(broker, "backlog/#");
  MemoryOutbox& outbox = outbox_;  // what an earlier run left behind
  for (int i = 0; i < 25; ++i) outbox.append(message("backlog/" + std::to_string(i), "x"), nullptr);
  auto s = settings(broker);
  s.memoryWindow = 4;  // most of the backlog is read back in batches
  s.maxInflight = 3;
  startLink(s, &outbox);
  EXPECT_EQ(link_->stats().waiting, 25u);
  ASSERT_TRUE(waitConnected()) << broker.log();
  onIo([&] { link_->publish(message("backlog/new", "y")); });
  for (int i = 0; i < 25; ++i) {
    auto m = subscriber.next(10s);
    ASSERT_TRUE(m) << i;
    EXPECT_EQ(m->first, "backlog/" + std::to_string(i));
  }
  auto last = subscriber.next(10s);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->first, "backlog/new");
  EXPECT_TRUE(waitFor([&] { return outbox.size() == 0; })) << outbox.size();
  EXPECT_EQ(link_->stats().waiting, 0u);
  EXPECT_EQ(link_->stats().published, 26u);
  EXPECT_GT(outbox.loads(), 2);
}

TEST_F(MqttLinkTest, WhileDisconnectedMessagesWaitAndTheBoundDropsTheOldest) {
  Mosquitto broker;
  MqttSubscriber subscriber(broker, "bound/#", "bound-watcher");
  broker.stop();
  MemoryOutbox& outbox = outbox_;
  auto s = settings(broker);
  s.outboxLimit = 10;
  s.memoryWindow = 3;
  startLink(s, &outbox);
  onIo([&] {
    for (int i = 0; i < 15; ++i) link_->publish(message("bound/" + std::to_string(i), "z"));
    link_->publish(message("bound/qos0", "z", 0));  // best effort: discarded while away
    link_->publish(message("bound/+", "z"));         // not a topic name
  });
  auto stats = link_->stats();
  EXPECT_EQ(stats.waiting, 10u);
  EXPECT_EQ(stats.dropped, 5u);
  EXPECT_EQ(stats.discarded, 1u);
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(outbox.size(), 10u);
  broker.start();
  ASSERT_TRUE(waitConnected()) << broker.log();
  for (int i = 5; i < 15; ++i) {
    auto m = subscriber.next(10s);
    ASSERT_TRUE(m) << i;
    EXPECT_EQ(m->first, "bound/" + std::to_string(i));
  }
  EXPECT_TRUE(waitFor([&] { return outbox.size() == 0; }));
}

TEST_F(MqttLinkTest, Mqtt5PropertiesRoundTrip) {
  Mosquitto broker;
  MemoryOutbox& outbox = outbox_;
  std::promise<mapping::InboundMessage> received;
  startLink(settings(broker), &outbox);
  onIo([&] {
    link_->setSubscriptions({"cmd/#"}, 1);
    link_->setInboundHandler([&received](mapping::InboundMessage m) {
      try {
        received.set_value(std::move(m));
      } catch (const std::future_error&) {
      }
    });
  });
  ASSERT_TRUE(waitConnected()) << broker.log();
  std::this_thread::sleep_for(300ms);  // the SUBACK
  const std::string port = std::to_string(broker.port());
  Process::start({"mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", "5", "-q", "1", "-t",
                  "cmd/dev-1/read", "-m", "{\"path\":\"/3/0\"}", "-D", "publish", "response-topic",
                  "reply/dev-1", "-D", "publish", "correlation-data", "req-42"})
      .waitFor(5s);
  auto future = received.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready) << broker.log();
  const auto inbound = future.get();
  EXPECT_EQ(inbound.topic, "cmd/dev-1/read");
  EXPECT_EQ(inbound.payload, "{\"path\":\"/3/0\"}");
  EXPECT_EQ(inbound.responseTopic, "reply/dev-1");
  EXPECT_EQ(inbound.correlationData, "req-42");

  // Outbound: the properties reach an MQTT 5 subscriber.
  Process sub = Process::start({"mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-V", "5", "-q",
                                "1", "-t", "reply/#", "-C", "1", "-F", "%t|%R|%D|%C|%p"},
                               {"", true});
  LineReader reader(sub.stdoutFd());
  std::this_thread::sleep_for(500ms);
  auto reply = message("reply/dev-1", "{\"status\":\"ok\"}");
  reply.responseTopic = "cmd/dev-1/next";
  reply.correlationData = "req-42";
  reply.contentType = "application/json";
  onIo([&] { link_->publish(reply); });
  auto line = reader.readLine(10s);
  ASSERT_TRUE(line) << broker.log();
  EXPECT_EQ(*line, "reply/dev-1|cmd/dev-1/next|req-42|application/json|{\"status\":\"ok\"}");
}

TEST_F(MqttLinkTest, StatusOnlineAfterConnectAndOfflineOnStop) {
  Mosquitto broker;
  auto s = settings(broker);
  s.statusTopic = "lwm2m-gateway/edge-1/status";
  startLink(s, nullptr);
  ASSERT_TRUE(waitConnected());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(lwm2m::testing::retainedMessage(broker, "lwm2m-gateway/edge-1/status"), "online");
  onIo([&] { link_->stop(); });
  EXPECT_EQ(lwm2m::testing::retainedMessage(broker, "lwm2m-gateway/edge-1/status"), "offline");
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
