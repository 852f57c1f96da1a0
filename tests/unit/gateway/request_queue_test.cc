#include "gateway/core/request_queue.h"

#include <gtest/gtest.h>

#include "gateway/core/device_presence.h"
#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

// In-memory store whose commits the test controls: completions wait in
// `pending` until commit() unless autoCommit is on.
class FakeQueueStore : public persistence::RequestQueueStore {
 public:
  std::int64_t enqueue(persistence::QueuedRequestRecord record, persistence::WriteCompletion done) override {
    record.sequence = ++lastSequence;
    if (failNextEnqueue) {
      failNextEnqueue = false;
      complete(std::move(done), fail("disk full"));
      return record.sequence;
    }
    rows[record.requestId] = record;
    complete(std::move(done), {});
    return record.sequence;
  }
  void markInFlight(std::string id, persistence::WriteCompletion done) override {
    rows.at(id).state = "in_flight";
    ++inFlightMarks;
    complete(std::move(done), {});
  }
  void remove(std::string id, persistence::WriteCompletion done) override {
    rows.erase(id);
    complete(std::move(done), {});
  }
  Result<std::vector<persistence::QueuedRequestRecord>> listByEndpoint(const std::string& ep) override {
    std::vector<persistence::QueuedRequestRecord> out;
    for (auto& [id, r] : rows) if (r.endpoint == ep) out.push_back(r);
    return out;
  }
  Result<std::size_t> countByEndpoint(const std::string& ep) override { return listByEndpoint(ep)->size(); }
  Result<std::vector<persistence::QueuedRequestRecord>> findExpired(std::int64_t) override { return fail("unused"); }
  Result<std::vector<persistence::QueuedRequestRecord>> loadAll() override {
    std::vector<persistence::QueuedRequestRecord> out;
    for (auto& [id, r] : rows) out.push_back(r);
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.sequence < b.sequence; });
    return out;
  }

  void commit() {
    auto batch = std::move(pending);
    pending.clear();
    for (auto& [done, result] : batch) if (done) done(result);
  }

  std::map<std::string, persistence::QueuedRequestRecord> rows;
  std::int64_t lastSequence = 0;
  bool autoCommit = true;
  bool failNextEnqueue = false;
  int inFlightMarks = 0;

 private:
  void complete(persistence::WriteCompletion done, Result<void> result) {
    if (autoCommit) {
      if (done) done(result);
    } else {
      pending.emplace_back(std::move(done), std::move(result));
    }
  }
  std::vector<std::pair<persistence::WriteCompletion, Result<void>>> pending;
};

// A request told apart by its Execute arguments.
operations::DeviceRequest labelled(const std::string& label, std::optional<std::chrono::seconds> ttl = {}) {
  auto request = operations::DeviceRequest::execute(model::Path(3, 0, 4), label);
  request.ttl = ttl;
  return request;
}

class RequestQueueTest : public ::testing::Test {
 protected:
  void SetUp() override { makeQueue({}); }

  void makeQueue(QueueSettings settings) {
    queue_ = std::make_unique<RequestQueue>(
        store_, clock_, settings, [this](const std::string& ep) { return reachable_[ep]; },
        [this](const QueuedRequest& r, std::function<void(bool)> done) {
          delivered_.push_back(r.request.arguments);
          inFlightAtDelivery_.push_back(store_.rows.at(r.id).state);
          pendingDeliveries_.push_back(std::move(done));
        },
        [this](std::function<void()> f) { posted_.push_back(std::move(f)); },
        [this] { return ++random_; });
    queue_->setListener([this](const QueueEvent& e) {
      events_.push_back(std::string(toString(e.kind)) + " " + e.request.request.arguments + (e.reason.empty() ? "" : ": " + e.reason));
    });
  }

  void runPosted() {
    while (!posted_.empty()) {
      auto f = std::move(posted_.front());
      posted_.erase(posted_.begin());
      f();
    }
  }

  // Submits and returns the accepted request id ("" if refused).
  std::string submit(const std::string& ep, const std::string& body, std::optional<std::chrono::seconds> ttl = {}) {
    std::string id = "pending";
    queue_->submit(ep, labelled(body, ttl), {}, [&id, this](Result<QueuedRequest> r) {
      id = r ? r->id : "";
      if (!r) lastError_ = r.error().message;
    });
    runPosted();
    return id;
  }

  // Completes the oldest outstanding delivery.
  void answer(bool deviceAnswered = true) {
    ASSERT_FALSE(pendingDeliveries_.empty());
    auto done = std::move(pendingDeliveries_.front());
    pendingDeliveries_.erase(pendingDeliveries_.begin());
    done(deviceAnswered);
    runPosted();
  }

  coap::ManualScheduler clock_;
  FakeQueueStore store_;
  std::map<std::string, bool> reachable_;
  std::vector<std::string> delivered_, inFlightAtDelivery_, events_;
  std::vector<std::function<void(bool)>> pendingDeliveries_;
  std::vector<std::function<void()>> posted_;
  std::string lastError_;
  std::uint32_t random_ = 0;
  std::unique_ptr<RequestQueue> queue_;
};

TEST_F(RequestQueueTest, QueuedWhileAsleepThenDeliveredInOrderOneAtATime) {
  EXPECT_NE(submit("dev", "a"), "");
  EXPECT_NE(submit("dev", "b"), "");
  EXPECT_NE(submit("dev", "c"), "");
  EXPECT_TRUE(delivered_.empty());
  EXPECT_EQ(queue_->list("dev").size(), 3u);

  reachable_["dev"] = true;
  queue_->deviceReachable("dev");
  runPosted();
  ASSERT_EQ(delivered_, (std::vector<std::string>{"a"}));  // the next waits for this one's answer
  EXPECT_EQ(inFlightAtDelivery_[0], "in_flight");          // durably in flight before it is sent
  answer();
  answer();
  answer();
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(store_.rows.empty());
  EXPECT_EQ(queue_->size(), 0u);
  EXPECT_EQ(events_, (std::vector<std::string>{"queued a", "queued b", "queued c", "delivered a", "delivered b",
                                               "delivered c"}));
}

TEST_F(RequestQueueTest, AcknowledgedOnlyAfterTheCommit) {
  store_.autoCommit = false;
  std::optional<std::string> id;
  queue_->submit("dev", labelled("a"), {}, [&](Result<QueuedRequest> r) { id = r ? r->id : "error"; });
  runPosted();
  EXPECT_FALSE(id);
  EXPECT_TRUE(queue_->list("dev").empty());
  store_.commit();
  runPosted();
  ASSERT_TRUE(id);
  EXPECT_EQ(id->front(), 'q');
  EXPECT_EQ(queue_->list("dev").size(), 1u);
}

TEST_F(RequestQueueTest, ReachableDeviceGetsItRightAfterTheCommit) {
  reachable_["dev"] = true;
  submit("dev", "now");
  EXPECT_EQ(delivered_, (std::vector<std::string>{"now"}));
}

TEST_F(RequestQueueTest, ExpiresAfterItsTimeToLiveWithAReason) {
  submit("dev", "short", 10s);
  submit("dev", "default");
  clock_.advance(11s);
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[2].rfind("expired-request short: not delivered within its time to live of 10 s", 0), 0u)
      << events_[2];
  EXPECT_EQ(queue_->list("dev").size(), 1u);
  clock_.advance(24h);
  EXPECT_TRUE(queue_->list("dev").empty());
  EXPECT_TRUE(store_.rows.empty());
}

TEST_F(RequestQueueTest, PerDeviceLimitRejectsExplicitly) {
  makeQueue(QueueSettings{.perDeviceLimit = 2});
  submit("dev", "1");
  submit("dev", "2");
  EXPECT_EQ(submit("dev", "3"), "");
  EXPECT_NE(lastError_.find("full (2 requests)"), std::string::npos) << lastError_;
  EXPECT_EQ(events_.back().rfind("rejected 3", 0), 0u);
  EXPECT_NE(submit("other", "x"), "");  // another device's queue is separate
}

TEST_F(RequestQueueTest, StoreFailureIsARejectionNotAPromise) {
  store_.failNextEnqueue = true;
  EXPECT_EQ(submit("dev", "a"), "");
  EXPECT_NE(lastError_.find("disk full"), std::string::npos);
  EXPECT_TRUE(queue_->list("dev").empty());
}

TEST_F(RequestQueueTest, CancelBeforeDeliveryButNotInFlight) {
  std::string a = submit("dev", "a");
  std::string b = submit("dev", "b");
  reachable_["dev"] = true;
  queue_->deviceReachable("dev");
  runPosted();
  auto inFlight = queue_->cancel(a);
  ASSERT_FALSE(inFlight);
  EXPECT_NE(inFlight.error().message.find("being delivered"), std::string::npos);
  ASSERT_TRUE(queue_->cancel(b));
  EXPECT_FALSE(queue_->cancel(b));
  answer();
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a"}));
  EXPECT_EQ(events_.back(), "delivered a");
}

TEST_F(RequestQueueTest, SilentDeviceStopsTheDrainUntilItWakesAgain) {
  submit("dev", "a");
  submit("dev", "b");
  reachable_["dev"] = true;
  queue_->deviceReachable("dev");
  runPosted();
  reachable_["dev"] = false;  // the delivery timed out: presence says asleep
  answer(false);
  EXPECT_EQ(delivered_.size(), 1u);  // at most once: "a" is not retried
  reachable_["dev"] = true;
  queue_->deviceReachable("dev");
  runPosted();
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a", "b"}));
}

TEST_F(RequestQueueTest, PacingSpacesDeliveries) {
  makeQueue(QueueSettings{.pacing = 500ms});
  submit("dev", "a");
  submit("dev", "b");
  reachable_["dev"] = true;
  queue_->deviceReachable("dev");
  runPosted();
  answer();
  EXPECT_EQ(delivered_.size(), 1u);
  clock_.advance(500ms);
  runPosted();
  EXPECT_EQ(delivered_.size(), 2u);
}

TEST_F(RequestQueueTest, RestoreKeepsQueuedAndReportsInterruptedAndExpired) {
  submit("dev", "kept");
  submit("dev", "interrupted");
  submit("dev", "stale", 5s);
  store_.rows[queue_->list("dev")[1].id].state = "in_flight";  // a crash mid-delivery
  queue_.reset();
  clock_.advance(10s);  // the gateway was down for 10 s
  events_.clear();
  makeQueue({});
  auto kept = queue_->restore();
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 1u);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].rfind("expired-request interrupted: delivery was interrupted by a gateway restart", 0), 0u);
  EXPECT_EQ(events_[1].rfind("expired-request stale", 0), 0u);
  reachable_["dev"] = true;
  queue_->deviceReachable("dev");
  runPosted();
  EXPECT_EQ(delivered_, (std::vector<std::string>{"kept"}));
}

class PresenceRecorder : public PresenceListener {
 public:
  void onAwake(const std::string& ep) override { events.push_back("awake " + ep); }
  void onAsleep(const std::string& ep) override { events.push_back("asleep " + ep); }
  std::vector<std::string> events;
};

TEST(DevicePresence, QueueModeDeviceSleepsAfterTheWindowAndWakesOnUplink) {
  coap::ManualScheduler clock;
  DevicePresence presence(clock, 93s);
  PresenceRecorder rec;
  presence.addListener(&rec);
  presence.registered("q", true);
  presence.registered("u", false);
  EXPECT_TRUE(presence.isReachable("q"));
  clock.advance(92s);
  presence.uplink("q");  // a notification restarts the window
  clock.advance(92s);
  EXPECT_TRUE(presence.isReachable("q"));
  clock.advance(2s);
  EXPECT_FALSE(presence.isReachable("q"));
  EXPECT_TRUE(presence.isReachable("u"));  // not in queue mode: always reachable
  presence.uplink("q");
  presence.requestTimedOut("q");
  EXPECT_FALSE(presence.isReachable("q"));
  presence.forget("q");
  EXPECT_FALSE(presence.isReachable("q"));
  EXPECT_FALSE(presence.isReachable("unknown"));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"awake q", "asleep q", "awake q", "asleep q"}));
}

}  // namespace
}  // namespace lwm2m::gateway
