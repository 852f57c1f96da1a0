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
  void markAnswered(std::string id, persistence::WriteCompletion done) override {
    rows.at(id).answered = true;
    complete(std::move(done), {});
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
  void afterCommit(persistence::WriteCompletion done) override { complete(std::move(done), commitResult); }
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
  Result<void> commitResult;  // what afterCommit() reports
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

// A Read (repeat is harmless), told apart by its resource id.
operations::DeviceRequest readOf(std::uint16_t resource) {
  return operations::DeviceRequest::read(model::Path(3, 0, resource));
}

class RequestQueueTest : public ::testing::Test {
 protected:
  void SetUp() override { makeQueue({}); }

  // `resume`: false when the test restores the queue first.
  void makeQueue(QueueSettings settings, bool resume = true) {
    queue_ = std::make_unique<RequestQueue>(
        store_, clock_, settings, [this](const std::string& ep) { return reachable_[ep]; },
        [this](const QueuedRequest& r, std::function<void(DeliveryResult)> done) {
          delivered_.push_back(label(r.request));
          inFlightAtDelivery_.push_back(store_.rows.at(r.id).state);
          pendingDeliveries_.push_back(std::move(done));
        },
        [this](std::function<void()> f) { posted_.push_back(std::move(f)); },
        [this] { return ++random_; });
    queue_->setListener([this](const QueueEvent& e) {
      events_.push_back(std::string(toString(e.kind)) + " " + label(e.request.request) + (e.reason.empty() ? "" : ": " + e.reason));
    });
    if (resume) queue_->resume();
  }

  // Execute arguments, or "read /3/0/N".
  static std::string label(const operations::DeviceRequest& r) {
    return r.operation == operations::Operation::Execute ? r.arguments : "read " + r.path.toString();
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

  std::string submitRequest(const std::string& ep, operations::DeviceRequest request) {
    std::string id;
    queue_->submit(ep, std::move(request), {}, [&id](Result<QueuedRequest> r) { id = r ? r->id : ""; });
    runPosted();
    return id;
  }

  void wake(const std::string& ep) {
    reachable_[ep] = true;
    queue_->deviceReachable(ep);
    runPosted();
  }

  // Completes the oldest outstanding delivery.
  void answer(DeliveryResult result = DeliveryResult::Answered) {
    ASSERT_FALSE(pendingDeliveries_.empty());
    auto done = std::move(pendingDeliveries_.front());
    pendingDeliveries_.erase(pendingDeliveries_.begin());
    done(result);
    runPosted();
  }

  // The device went to sleep before answering (presence says asleep).
  void noAnswer(const std::string& ep = "dev") {
    reachable_[ep] = false;
    answer(DeliveryResult::NoAnswer);
  }

  coap::ManualScheduler clock_;
  FakeQueueStore store_;
  std::map<std::string, bool> reachable_;
  std::vector<std::string> delivered_, inFlightAtDelivery_, events_;
  std::vector<std::function<void(DeliveryResult)>> pendingDeliveries_;
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

TEST_F(RequestQueueTest, UnansweredReadGoesBackToTheHeadAndIsDeliveredAtTheNextWakeUp) {
  const std::string first = submitRequest("dev", readOf(9));
  submitRequest("dev", readOf(10));
  wake("dev");
  EXPECT_EQ(delivered_, (std::vector<std::string>{"read /3/0/9"}));
  noAnswer();  // the device slept before the request reached it
  EXPECT_EQ(delivered_.size(), 1u) << "draining stops while the device sleeps";
  auto waiting = queue_->list("dev");
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(waiting[0].id, first) << "back at the head of the queue";
  EXPECT_FALSE(waiting[0].inFlight);
  EXPECT_TRUE(queue_->cancel(waiting[1].id)) << "the one behind it can still be cancelled";
  wake("dev");
  EXPECT_EQ(delivered_, (std::vector<std::string>{"read /3/0/9", "read /3/0/9"}));
  EXPECT_EQ(store_.inFlightMarks, 2);
  answer();
  EXPECT_TRUE(queue_->list("dev").empty());
  EXPECT_EQ(events_, (std::vector<std::string>{"queued read /3/0/9", "queued read /3/0/10", "cancelled read /3/0/10",
                                               "delivered read /3/0/9"}));
}

TEST_F(RequestQueueTest, UnansweredReadStillEndsWithItsTimeToLive) {
  auto read = readOf(9);
  read.ttl = 60s;
  submitRequest("dev", read);
  wake("dev");
  clock_.advance(30s);
  noAnswer();
  clock_.advance(31s);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].rfind("expired-request read /3/0/9: not delivered within its time to live of 60 s", 0), 0u)
      << events_[1];
  EXPECT_TRUE(store_.rows.empty());
}

TEST_F(RequestQueueTest, UnansweredExecuteIsInterruptedNeverSentTwice) {
  submit("dev", "reboot");
  submit("dev", "after");
  wake("dev");
  noAnswer();
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[2].rfind("expired-request reboot: interrupted: the device did not answer", 0), 0u) << events_[2];
  EXPECT_NE(events_[2].find("not sent again (at most once)"), std::string::npos);
  wake("dev");
  EXPECT_EQ(delivered_, (std::vector<std::string>{"reboot", "after"}));
}

TEST_F(RequestQueueTest, EveryOperationIsClassedByWhetherARepeatIsHarmless) {
  using operations::Operation;
  for (Operation op : {Operation::Read, Operation::Discover, Operation::WriteReplace, Operation::WriteUpdate,
                       Operation::WriteAttributes, Operation::Delete, Operation::ReadComposite,
                       Operation::WriteComposite, Operation::Observe, Operation::CancelObserve,
                       Operation::ObserveComposite, Operation::CancelObserveComposite}) {
    EXPECT_TRUE(operations::isIdempotent(op)) << operations::operationName(op);
  }
  EXPECT_FALSE(operations::isIdempotent(Operation::Execute));
  EXPECT_FALSE(operations::isIdempotent(Operation::Create));
  // A Write is repeatable, a firmware push (a Write of a stored package) is not.
  operations::DeviceRequest write;
  write.operation = Operation::WriteReplace;
  EXPECT_TRUE(operations::isRepeatable(write));
  EXPECT_FALSE(operations::isRepeatable(operations::DeviceRequest::writePackage(
      model::Path(5, 0, 0), operations::PackageReference{{}, std::string(64, 'a'), 1024})));
  EXPECT_FALSE(operations::isRepeatable(operations::DeviceRequest::execute(model::Path(5, 0, 2))));
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
  makeQueue({}, false);
  auto kept = queue_->restore();
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 1u);
  EXPECT_TRUE(events_.empty()) << "told once the listeners run";
  queue_->resume();
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].rfind("expired-request interrupted: interrupted: the gateway restarted while it was being "
                             "delivered; not sent again (at most once)",
                             0),
            0u)
      << events_[0];
  EXPECT_EQ(events_[1].rfind("expired-request stale", 0), 0u);
  wake("dev");
  EXPECT_EQ(delivered_, (std::vector<std::string>{"kept"}));
}

TEST_F(RequestQueueTest, ReadInFlightAtACrashIsDeliveredAgainFirstAfterTheRestart) {
  const std::string read = submitRequest("dev", readOf(9));
  submit("dev", "later");
  wake("dev");
  ASSERT_EQ(store_.rows.at(read).state, "in_flight");
  queue_.reset();  // kill -9 while the Read is on its way
  events_.clear();
  delivered_.clear();
  pendingDeliveries_.clear();
  reachable_.clear();
  makeQueue({}, false);
  auto kept = queue_->restore();
  queue_->resume();
  runPosted();
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 2u);
  EXPECT_TRUE(events_.empty()) << events_.front();
  auto waiting = queue_->list("dev");
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(waiting[0].id, read);
  EXPECT_FALSE(waiting[0].inFlight);
  EXPECT_TRUE(delivered_.empty()) << "not before the device wakes up";
  wake("dev");
  answer();
  EXPECT_EQ(delivered_, (std::vector<std::string>{"read /3/0/9", "later"}));
  EXPECT_EQ(events_.front(), "delivered read /3/0/9");
}

TEST_F(RequestQueueTest, NotDeliveredBeforeItsQueuedAnswerIsStored) {
  store_.autoCommit = false;
  std::string id;
  queue_->submit("dev", labelled("a"), {}, [&](Result<QueuedRequest> r) { id = r ? r->id : "error"; });
  store_.commit();  // step 1: stored
  runPosted();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(events_, (std::vector<std::string>{"queued a"}));
  wake("dev");
  EXPECT_TRUE(delivered_.empty()) << "the queued answer is not committed yet";
  store_.commit();  // step 2: answered
  runPosted();
  EXPECT_TRUE(store_.rows.at(id).answered);
  store_.commit();  // step 3: in flight
  runPosted();
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a"}));
}

TEST_F(RequestQueueTest, AReachableDeviceWithNothingAheadGetsItAfterOneCommit) {
  store_.autoCommit = false;
  reachable_["dev"] = true;
  std::string id;
  queue_->submit("dev", labelled("a"), {}, [&](Result<QueuedRequest> r) { id = r ? r->id : "error"; });
  runPosted();
  EXPECT_EQ(events_, (std::vector<std::string>{"queued a"})) << "told inside the step";
  EXPECT_TRUE(id.empty()) << "acknowledged only after the commit";
  EXPECT_TRUE(delivered_.empty());
  EXPECT_TRUE(queue_->list("dev").empty()) << "not listed before the commit";
  store_.commit();  // the one step: stored, answered, in flight
  runPosted();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a"}));
  EXPECT_EQ(inFlightAtDelivery_, (std::vector<std::string>{"in_flight"}));
  EXPECT_TRUE(store_.rows.at(id).answered);
  EXPECT_EQ(store_.inFlightMarks, 0) << "no separate in-flight write";
  auto inFlight = queue_->cancel(id);
  ASSERT_FALSE(inFlight);
  EXPECT_EQ(inFlight.error().code, ErrorCode::InFlight);
  answer();
  store_.commit();
  EXPECT_TRUE(store_.rows.empty());
  EXPECT_EQ(events_, (std::vector<std::string>{"queued a", "delivered a"}));
}

TEST_F(RequestQueueTest, ARequestSubmittedWhileTheFirstIsBeingStoredWaitsBehindIt) {
  store_.autoCommit = false;
  reachable_["dev"] = true;
  queue_->submit("dev", labelled("a"), {}, [](Result<QueuedRequest>) {});
  queue_->submit("dev", labelled("b"), {}, [](Result<QueuedRequest>) {});
  for (int i = 0; i < 3; ++i) {  // a's one step, b's steps 1 and 2
    store_.commit();
    runPosted();
  }
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a"}));
  answer();
  for (int i = 0; i < 3; ++i) {  // a's outcome, b's in-flight mark
    store_.commit();
    runPosted();
  }
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(store_.inFlightMarks, 1) << "only b took the three steps";
}

TEST_F(RequestQueueTest, AFailedOneCommitStepIsARefusalToldToNoOne) {
  reachable_["dev"] = true;
  std::vector<std::string> toldAfterCommit;
  queue_->setListener([this, &toldAfterCommit](const QueueEvent& e) {
    events_.push_back(std::string(toString(e.kind)) + " " + label(e.request.request));
    if (e.kind != QueueEventKind::Queued) return;  // as the gateway tells its non-storing listeners
    queue_->whenStored([&toldAfterCommit] { toldAfterCommit.push_back("queued"); });
  });
  store_.failNextEnqueue = true;
  store_.commitResult = fail("disk full");  // the whole step failed
  EXPECT_EQ(submit("dev", "a"), "");
  EXPECT_NE(lastError_.find("disk full"), std::string::npos) << lastError_;
  EXPECT_TRUE(toldAfterCommit.empty()) << "nobody hears of a queued answer that was not stored";
  EXPECT_TRUE(queue_->list("dev").empty());
  EXPECT_FALSE(queue_->holds("dev"));
  store_.commitResult = {};
  EXPECT_NE(submit("dev", "b"), "");  // the device's queue is free again
  EXPECT_EQ(delivered_, (std::vector<std::string>{"b"}));
  EXPECT_EQ(toldAfterCommit, (std::vector<std::string>{"queued"}));
}

TEST_F(RequestQueueTest, ACrashAfterTheOneCommitStepIsTheInFlightCase) {
  reachable_["dev"] = true;
  reachable_["dev2"] = true;
  const std::string read = submitRequest("dev", readOf(9));
  const std::string execute = submit("dev2", "reboot");
  ASSERT_EQ(store_.rows.at(read).state, "in_flight");
  ASSERT_EQ(store_.rows.at(execute).state, "in_flight");
  queue_.reset();  // kill -9 with both on their way
  events_.clear();
  delivered_.clear();
  pendingDeliveries_.clear();
  makeQueue({}, false);
  ASSERT_TRUE(queue_->restore());
  queue_->resume();
  runPosted();
  EXPECT_EQ(delivered_, (std::vector<std::string>{"read /3/0/9"})) << "the Read is sent again, the Execute not";
  answer();
  ASSERT_EQ(events_.size(), 2u) << "no second queued answer";
  EXPECT_EQ(events_[0].rfind("expired-request reboot: interrupted: the gateway restarted", 0), 0u) << events_[0];
  EXPECT_EQ(events_[1], "delivered read /3/0/9");
}

TEST_F(RequestQueueTest, ARequestWhoseQueuedAnswerWasLostIsAnsweredFirstAfterTheRestart) {
  const std::string id = submit("dev", "a");
  store_.rows.at(id).answered = false;  // a crash between steps 1 and 2
  queue_.reset();
  events_.clear();
  reachable_["dev"] = true;
  makeQueue({}, false);
  ASSERT_TRUE(queue_->restore());
  EXPECT_TRUE(events_.empty());
  queue_->resume();
  runPosted();
  EXPECT_EQ(events_, (std::vector<std::string>{"queued a"}));
  EXPECT_EQ(delivered_, (std::vector<std::string>{"a"}));
  answer();
  EXPECT_EQ(events_, (std::vector<std::string>{"queued a", "delivered a"}));
}

TEST_F(RequestQueueTest, ARequestThatExpiredBeforeItsQueuedAnswerWasStoredIsToldQueuedThenExpired) {
  const std::string id = submit("dev", "a", 5s);
  store_.rows.at(id).answered = false;  // a crash between steps 1 and 2
  queue_.reset();
  clock_.advance(10s);  // down longer than its TTL
  events_.clear();
  makeQueue({}, false);
  ASSERT_TRUE(queue_->restore());
  queue_->resume();
  runPosted();
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0], "queued a");
  EXPECT_EQ(events_[1].rfind("expired-request a: its time to live ran out", 0), 0u) << events_[1];
  EXPECT_TRUE(store_.rows.empty());
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
