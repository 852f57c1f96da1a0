// DeliveryWindow without a broker: a fake connection takes (or refuses) the
// hand-offs and the test plays the broker's answers. Order across a backlog,
// the bound, a lost session, interrupted and refused deliveries.
#include "bridges/mqtt/delivery_window.h"

#include <gtest/gtest.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/bridges/mqtt/memory_outbox.h"

namespace lwm2m::bridges::mqtt {
namespace {

struct Handed {
  DeliveryToken token = 0;
  std::string topic;
};

class MqttDeliveryWindowTest : public ::testing::Test {
 protected:
  MqttSettings settings(std::size_t limit, std::size_t maxInflight, std::size_t memoryWindow) {
    MqttSettings s;
    s.outboxLimit = limit;
    s.maxInflight = maxInflight;
    s.memoryWindow = memoryWindow;
    return s;
  }

  void makeWindow(const MqttSettings& s, Outbox* outbox) {
    window_ = std::make_shared<DeliveryWindow>(
        io_, s, outbox, [this](DeliveryToken token, const mapping::OutboundMessage& m) {
          if (later_) return HandOff::Later;
          if (refusedTopics_.count(m.topic) > 0) return HandOff::Refused;
          handed_.push_back({token, m.topic});
          return HandOff::Sent;
        });
  }

  void publish(const std::string& topic) {
    window_->publish(message(topic, "x"));
    io_.poll();  // the outbox's commit completions
  }
  // Publishes prefix0 .. prefix<count - 1>.
  void publishEach(const std::string& prefix, int count) {
    for (const std::string& topic : topics(prefix, 0, count)) publish(topic);
  }

  void connect(bool sessionPresent) {
    window_->onConnected(sessionPresent);
    window_->resume();
  }

  // Up to two messages in flight, room for a hundred, connected.
  void connectedWindowOfTwo() {
    makeWindow(settings(100, 2, 100), &outbox_);
    connect(false);
  }

  // Acknowledges the oldest unanswered hand-off until none is left; returns
  // the topics in the order they were handed off.
  std::vector<std::string> acknowledgeAll() {
    std::vector<std::string> order;
    while (acknowledged_ < handed_.size()) {
      const Handed next = handed_[acknowledged_++];
      order.push_back(next.topic);
      window_->onAcknowledged(next.token);
      io_.poll();
    }
    return order;
  }

  std::vector<std::string> topics(const std::string& prefix, int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
    return out;
  }

  boost::asio::io_context io_;
  // poll() would otherwise stop the io_context whenever it runs out of work.
  boost::asio::any_io_executor work_ =
      boost::asio::prefer(io_.get_executor(), boost::asio::execution::outstanding_work.tracked);
  MemoryOutbox outbox_;
  std::shared_ptr<DeliveryWindow> window_;
  std::vector<Handed> handed_;
  std::size_t acknowledged_ = 0;  // handed_[0, acknowledged_) were answered
  bool later_ = false;
  std::set<std::string> refusedTopics_;
};

// An outbox whose commits the test releases.
class HeldCommitsOutbox : public MemoryOutbox {
 public:
  std::int64_t append(const mapping::OutboundMessage& message,
                      std::function<void(Result<void>)> committed) override {
    held.push_back(std::move(committed));
    return MemoryOutbox::append(message, nullptr);
  }
  void commitAll() {
    for (auto& committed : held) {
      if (committed) committed(Result<void>());
    }
    held.clear();
  }
  std::vector<std::function<void(Result<void>)>> held;
};

// A message may be stored in one transaction with the change it tells (a
// command's outcome): until that committed, a crash could take it back.
TEST_F(MqttDeliveryWindowTest, AMessageGoesToTheBrokerOnlyOnceItsAppendCommitted) {
  HeldCommitsOutbox outbox;
  makeWindow(settings(100, 10, 100), &outbox);
  connect(false);
  publish("answer/0");
  publish("answer/1");
  EXPECT_TRUE(handed_.empty()) << "not durable yet";
  outbox.commitAll();
  io_.poll();
  EXPECT_EQ(acknowledgeAll(), topics("answer/", 0, 2));
}

TEST_F(MqttDeliveryWindowTest, AStoredBacklogIsHandedOffOldestFirstBeforeNewMessages) {
  for (int i = 0; i < 12; ++i) outbox_.append(message("backlog/" + std::to_string(i), "x"), {});
  makeWindow(settings(100, 3, 4), &outbox_);  // most of the backlog stays on disk
  window_->loadBacklog();
  EXPECT_EQ(window_->counts().waiting, 12u);
  publish("new");
  EXPECT_TRUE(handed_.empty());  // not connected yet

  connect(false);
  EXPECT_EQ(handed_.size(), 3u);  // the in-flight window
  auto expected = topics("backlog/", 0, 12);
  expected.push_back("new");
  EXPECT_EQ(acknowledgeAll(), expected);
  EXPECT_EQ(outbox_.size(), 0u);
  EXPECT_EQ(window_->counts().waiting, 0u);
  EXPECT_EQ(window_->counts().acknowledged, 13u);
  EXPECT_GT(outbox_.loads(), 2);  // read back in batches
}

TEST_F(MqttDeliveryWindowTest, TheBoundDropsTheOldestWaitingMessagesAndCountsThem) {
  makeWindow(settings(5, 2, 2), &outbox_);
  window_->loadBacklog();
  publishEach("bound/", 8);
  EXPECT_EQ(window_->counts().waiting, 5u);
  EXPECT_EQ(window_->counts().dropped, 3u);
  EXPECT_EQ(outbox_.topics(), topics("bound/", 3, 8));

  connect(false);
  EXPECT_EQ(acknowledgeAll(), topics("bound/", 3, 8));
  EXPECT_EQ(outbox_.size(), 0u);
  publish("bound/after");  // room again: the episode ends
  EXPECT_EQ(window_->counts().dropped, 3u);
}

TEST_F(MqttDeliveryWindowTest, WhenEverythingKeptIsInFlightTheNewMessageIsDropped) {
  makeWindow(settings(2, 5, 5), &outbox_);
  connect(false);
  publishEach("full/", 3);
  EXPECT_EQ(handed_.size(), 2u);
  EXPECT_EQ(window_->counts().dropped, 1u);
  EXPECT_EQ(acknowledgeAll(), topics("full/", 0, 2));
  EXPECT_EQ(outbox_.size(), 0u);
}

TEST_F(MqttDeliveryWindowTest, AfterALostSessionWhatWasInFlightGoesAgainFirstInOrder) {
  connectedWindowOfTwo();
  publishEach("lost/", 4);
  ASSERT_EQ(handed_.size(), 2u);
  const std::vector<Handed> firstSession = handed_;
  window_->onConnectionLost();
  publish("lost/4");
  EXPECT_EQ(handed_.size(), 2u);  // nothing handed off while away

  connect(false);  // the broker has no session for us
  ASSERT_EQ(handed_.size(), 4u);
  acknowledged_ = 2;  // the first session's hand-offs will never be answered
  window_->onAcknowledged(firstSession[0].token);  // a stale answer changes nothing
  EXPECT_EQ(window_->counts().acknowledged, 0u);
  EXPECT_EQ(acknowledgeAll(), topics("lost/", 0, 5));
  EXPECT_EQ(outbox_.size(), 0u);
  EXPECT_EQ(window_->counts().acknowledged, 5u);
}

TEST_F(MqttDeliveryWindowTest, WithTheSessionResumedInFlightMessagesAreNotHandedOffAgain) {
  connectedWindowOfTwo();
  publishEach("kept/", 3);
  window_->onConnectionLost();
  connect(true);  // the client sends the unacknowledged ones again itself
  EXPECT_EQ(handed_.size(), 2u);
  EXPECT_EQ(acknowledgeAll(), topics("kept/", 0, 3));
  EXPECT_EQ(outbox_.size(), 0u);
}

TEST_F(MqttDeliveryWindowTest, AnInterruptedDeliveryIsHandedOffAgainAtItsPlace) {
  connectedWindowOfTwo();
  publishEach("again/", 3);
  ASSERT_EQ(handed_.size(), 2u);
  window_->onInterrupted(handed_[0].token, "connection lost");
  acknowledged_ = 1;
  ASSERT_EQ(handed_.size(), 3u);
  EXPECT_EQ(handed_[2].topic, "again/0");  // before again/2
  EXPECT_EQ(acknowledgeAll(), (std::vector<std::string>{"again/1", "again/0", "again/2"}));
  EXPECT_EQ(outbox_.size(), 0u);
}

TEST_F(MqttDeliveryWindowTest, ARefusedMessageLeavesTheOutboxAndIsCounted) {
  makeWindow(settings(100, 2, 100), &outbox_);
  refusedTopics_ = {"refused/by-client"};
  connect(false);
  publish("refused/by-client");
  publish("refused/by-broker");
  publish("refused/fine");
  ASSERT_EQ(handed_.size(), 2u);
  window_->onRefused(handed_[0].token, "not authorized");
  acknowledged_ = 1;
  EXPECT_EQ(acknowledgeAll(), std::vector<std::string>{"refused/fine"});
  EXPECT_EQ(outbox_.size(), 0u);
  EXPECT_EQ(window_->counts().rejected, 2u);
  EXPECT_EQ(window_->counts().acknowledged, 1u);
  EXPECT_EQ(window_->counts().waiting, 0u);
}

TEST_F(MqttDeliveryWindowTest, AConnectionThatCannotTakeAMessageNowKeepsItsTurn) {
  makeWindow(settings(100, 5, 100), &outbox_);
  later_ = true;
  connect(false);
  publishEach("later/", 3);
  EXPECT_TRUE(handed_.empty());
  EXPECT_EQ(window_->counts().waiting, 3u);
  later_ = false;
  window_->resume();
  EXPECT_EQ(acknowledgeAll(), topics("later/", 0, 3));
}

TEST_F(MqttDeliveryWindowTest, WithoutAnOutboxMessagesWaitInMemory) {
  makeWindow(settings(3, 1, 1), nullptr);
  window_->loadBacklog();
  publishEach("memory/", 4);
  EXPECT_EQ(window_->counts().dropped, 1u);
  connect(false);
  EXPECT_EQ(acknowledgeAll(), topics("memory/", 1, 4));
  EXPECT_EQ(window_->counts().waiting, 0u);
}

TEST_F(MqttDeliveryWindowTest, AfterStopNothingIsHandedOff) {
  makeWindow(settings(100, 5, 100), &outbox_);
  connect(false);
  window_->stop();
  publish("stopped/0");
  EXPECT_TRUE(handed_.empty());
  EXPECT_EQ(outbox_.size(), 1u);  // kept for the next start
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
