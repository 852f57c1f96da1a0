// The delivery contract of one webhook (webhook_queue.h) with an in-memory
// outbox, a poster the test answers, and the manual clock: order, retries
// with back-off, dead letters, the bound, and a backlog taken over at start.
#include "bridges/webhook/webhook_queue.h"

#include <gtest/gtest.h>

#include <map>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::bridges::webhook {
namespace {

using namespace std::chrono_literals;

// Commits are reported through run() (the "writer thread"), in order.
class MemoryOutbox : public WebhookOutbox {
 public:
  std::int64_t append(const std::string& webhook, const StoredEvent& event,
                      std::function<void(Result<void>)> committed) override {
    StoredEvent e = event;
    e.id = ++lastId_;
    rows_[e.id] = {webhook, e};
    if (committed) commits_.push_back(std::move(committed));
    return e.id;
  }
  void remove(std::int64_t id) override { rows_.erase(id); }
  Result<std::vector<StoredEvent>> loadAfter(const std::string& webhook, std::int64_t afterId,
                                             std::size_t limit) override {
    std::vector<StoredEvent> out;
    for (auto it = rows_.upper_bound(afterId); it != rows_.end() && out.size() < limit; ++it) {
      if (it->second.first == webhook) out.push_back(it->second.second);
    }
    return out;
  }
  Result<std::size_t> count(const std::string& webhook) override {
    std::size_t n = 0;
    for (const auto& [id, row] : rows_) n += row.first == webhook ? 1 : 0;
    return n;
  }
  Result<std::size_t> dropOldestBeyond(const std::string& webhook, std::size_t bound) override {
    std::size_t n = *count(webhook), dropped = 0;
    for (auto it = rows_.begin(); it != rows_.end() && n > bound;) {
      if (it->second.first == webhook) {
        it = rows_.erase(it);
        --n;
        ++dropped;
      } else {
        ++it;
      }
    }
    return dropped;
  }
  Result<std::size_t> dropOtherWebhooks(const std::vector<std::string>&) override { return std::size_t{0}; }

  void commitAll() {
    auto pending = std::move(commits_);
    for (auto& c : pending) c(Result<void>{});
  }
  std::vector<std::int64_t> ids() const {
    std::vector<std::int64_t> out;
    for (const auto& [id, row] : rows_) out.push_back(id);
    return out;
  }

 private:
  std::int64_t lastId_ = 0;
  std::map<std::int64_t, std::pair<std::string, StoredEvent>> rows_;
  std::vector<std::function<void(Result<void>)>> commits_;
};

struct Posted {
  StoredEvent event;
  std::function<void(PostOutcome)> done;
};

class FakePoster : public WebhookPoster {
 public:
  explicit FakePoster(std::vector<Posted>& log) : log_(log) {}
  void post(const StoredEvent& event, std::function<void(PostOutcome)> done) override {
    log_.push_back({event, std::move(done)});
  }
  void cancel() override {}

 private:
  std::vector<Posted>& log_;
};

class WebhookQueueTest : public ::testing::Test {
 protected:
  std::shared_ptr<WebhookQueue> makeQueue(std::size_t limit = 100, std::size_t memoryWindow = 1000) {
    QueueSettings s{"hook", limit, 1000ms, 8000ms, memoryWindow};
    return std::make_shared<WebhookQueue>(
        s, outbox_, std::make_unique<FakePoster>(posted_), clock_,
        [this](std::function<void()> f) { posts_.push_back(std::move(f)); }, [] { return 0.0; });
  }
  // The database commits and the I/O thread runs what the commits posted.
  void settle() {
    outbox_.commitAll();
    auto pending = std::move(posts_);
    for (auto& f : pending) f();
  }
  void answer(int status) {
    ASSERT_FALSE(posted_.empty());
    auto done = std::move(posted_.back().done);
    ASSERT_TRUE(done) << "answered twice";
    done(PostOutcome{status, status == 0 ? "connection refused" : ""});
  }
  std::vector<std::string> bodies() const {
    std::vector<std::string> out;
    for (const auto& p : posted_) out.push_back(p.event.body);
    return out;
  }

  MemoryOutbox outbox_;
  coap::ManualScheduler clock_;
  std::vector<Posted> posted_;
  std::vector<std::function<void()>> posts_;
};

TEST_F(WebhookQueueTest, SendsOneAtATimeOldestFirstOnlyOnceStored) {
  auto q = makeQueue();
  q->append("registered", "e1", 1);
  q->append("notification", "e2", 2);
  q->append("notification", "e3", 3);
  EXPECT_TRUE(posted_.empty()) << "nothing goes before its commit";
  settle();
  ASSERT_EQ(bodies(), (std::vector<std::string>{"e1"}));
  EXPECT_EQ(posted_[0].event.kind, "registered");
  answer(200);
  answer(204);
  answer(200);
  EXPECT_EQ(bodies(), (std::vector<std::string>{"e1", "e2", "e3"}));
  EXPECT_TRUE(outbox_.ids().empty()) << "delivered events leave the outbox";
  EXPECT_EQ(q->counts().delivered, 3u);
  EXPECT_EQ(q->counts().depth, 0u);
}

TEST_F(WebhookQueueTest, RetriesTheSameEventWithGrowingDelaysBeforeAnyLaterOne) {
  auto q = makeQueue();
  q->append("registered", "e1", 1);
  q->append("registered", "e2", 2);
  settle();
  answer(500);
  // Retry 1 waits retryDelay(1) = 500 ms with the jitter at its low end.
  clock_.advance(499ms);
  EXPECT_EQ(posted_.size(), 1u);
  clock_.advance(1ms);
  ASSERT_EQ(bodies(), (std::vector<std::string>{"e1", "e1"}));
  EXPECT_EQ(posted_[1].event.id, posted_[0].event.id) << "a retry carries the same delivery id";
  answer(0);  // no answer at all
  clock_.advance(999ms);
  EXPECT_EQ(posted_.size(), 2u);
  clock_.advance(1ms);
  ASSERT_EQ(posted_.size(), 3u);
  answer(429);  // too many requests: retried too
  clock_.advance(2000ms);
  ASSERT_EQ(bodies(), (std::vector<std::string>{"e1", "e1", "e1", "e1"}));
  answer(200);
  EXPECT_EQ(bodies().back(), "e2") << "the next event only once the first went through";
  EXPECT_EQ(q->counts().retries, 3u);
  EXPECT_EQ(q->counts().delivered, 1u);
  EXPECT_EQ(q->counts().depth, 1u);
}

TEST_F(WebhookQueueTest, AFinalRefusalIsDeadLetteredAndTheNextGoes) {
  auto q = makeQueue();
  q->append("notification", "bad", 1);
  q->append("notification", "good", 2);
  q->append("notification", "timeout", 3);
  settle();
  answer(422);
  EXPECT_EQ(bodies().back(), "good");
  answer(200);
  answer(408);  // request timeout: retried, not dead-lettered
  clock_.advance(500ms);
  EXPECT_EQ(bodies().back(), "timeout");
  answer(200);
  EXPECT_EQ(q->counts().deadLettered, 1u);
  EXPECT_EQ(q->counts().delivered, 2u);
  EXPECT_TRUE(outbox_.ids().empty());
}

TEST_F(WebhookQueueTest, BeyondTheBoundTheOldestWaitingEventIsDroppedNotTheOneInFlight) {
  auto q = makeQueue(3);
  q->append("n", "e1", 1);
  settle();  // e1 in flight
  for (const char* e : {"e2", "e3"}) q->append("n", e, 0);
  settle();
  for (const char* e : {"e4", "e5"}) {
    q->append("n", e, 0);
    settle();
  }
  EXPECT_EQ(q->counts().dropped, 2u);
  EXPECT_EQ(q->counts().depth, 3u);
  answer(200);
  answer(200);
  answer(200);
  EXPECT_EQ(bodies(), (std::vector<std::string>{"e1", "e4", "e5"}));
  EXPECT_TRUE(outbox_.ids().empty()) << "dropped events leave the outbox too";
}

TEST_F(WebhookQueueTest, ABacklogFromBeforeARestartGoesFirstTrimmedToTheBound) {
  {
    auto before = makeQueue();
    for (const char* e : {"old1", "old2", "old3", "old4"}) before->append("n", e, 0);
    outbox_.commitAll();  // stored, then the gateway died before any POST
  }
  posts_.clear();
  auto q = makeQueue(3);
  q->loadBacklog();
  EXPECT_EQ(q->counts().dropped, 1u);
  ASSERT_EQ(bodies(), (std::vector<std::string>{"old2"}));
  answer(200);
  q->append("n", "new", 0);
  settle();
  answer(200);
  answer(200);
  answer(200);
  EXPECT_EQ(bodies(), (std::vector<std::string>{"old2", "old3", "old4", "new"}));
}

TEST_F(WebhookQueueTest, EventsBeyondTheMemoryWindowAreReadBackInOrder) {
  auto q = makeQueue(100, 2);
  for (int i = 1; i <= 7; ++i) q->append("n", "e" + std::to_string(i), 0);
  settle();
  for (int i = 0; i < 7; ++i) answer(200);
  EXPECT_EQ(bodies(), (std::vector<std::string>{"e1", "e2", "e3", "e4", "e5", "e6", "e7"}));
  EXPECT_EQ(q->counts().depth, 0u);
}

TEST_F(WebhookQueueTest, StopKeepsWhatWaitsAndSendsNothingMore) {
  auto q = makeQueue();
  q->append("n", "e1", 0);
  q->append("n", "e2", 0);
  settle();
  answer(503);
  q->stop();
  clock_.advance(60s);
  EXPECT_EQ(posted_.size(), 1u);
  EXPECT_EQ(outbox_.ids().size(), 2u);
}

}  // namespace
}  // namespace lwm2m::bridges::webhook
