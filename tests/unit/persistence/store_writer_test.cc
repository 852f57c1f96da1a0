// The writer thread: group commit, completion after commit, one failing write
// among many, and a clean shutdown.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "persistence/database.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::persistence {
namespace {

using testing::completed;
using testing::openOrFail;
using testing::queuedRequest;
using testing::TempDir;
namespace fs = std::filesystem;

// Counts completions and lets a test wait for a number of them.
class Completions {
 public:
  WriteCompletion track(std::size_t index) {
    return [this, index](Result<void> result) {
      std::lock_guard lock(mutex_);
      if (results_.size() <= index) results_.resize(index + 1);
      results_[index] = result.ok() ? "ok" : result.error().message;
      ++count_;
      changed_.notify_all();
    };
  }
  bool waitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(60), [&] { return count_ >= count; });
  }
  std::string result(std::size_t index) {
    std::lock_guard lock(mutex_);
    return index < results_.size() ? results_[index] : "missing";
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> results_;
  std::size_t count_ = 0;
};

// Holds the writer thread inside a completion until released, so that the
// writes submitted meanwhile are all waiting in the queue.
class Gate {
 public:
  WriteCompletion completion() {
    return [this](Result<void>) {
      std::unique_lock lock(mutex_);
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_; });
    };
  }
  void waitEntered() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return entered_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
};

TEST(StoreWriter, ThousandQueuedWritesCommitInAFewBatches) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  Gate gate;
  Completions completions;
  db->requestQueue().enqueue(queuedRequest("gate", "dev"), gate.completion());
  gate.waitEntered();
  for (std::size_t i = 0; i < 1000; ++i) {
    db->requestQueue().enqueue(queuedRequest("q" + std::to_string(i), "dev"),
                               completions.track(i));
  }
  gate.open();
  ASSERT_TRUE(completions.waitFor(1000));
  for (std::size_t i = 0; i < 1000; ++i) ASSERT_EQ(completions.result(i), "ok") << i;

  const WriterStats stats = db->writerStats();
  EXPECT_EQ(stats.completed, 1001u);
  EXPECT_EQ(stats.failed, 0u);
  // The gate's own transaction, then 512 + 488 writes (the default cap).
  EXPECT_EQ(stats.transactions, 3u);
  EXPECT_EQ(stats.largestBatch, 512u);
  EXPECT_EQ(db->requestQueue().countByEndpoint("dev").value(), 1001u);
}

TEST(StoreWriter, WritesSubmittedBackToBackShareTransactions) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  Completions completions;
  for (std::size_t i = 0; i < 1000; ++i) {
    db->requestQueue().enqueue(queuedRequest("q" + std::to_string(i), "dev"),
                               completions.track(i));
  }
  ASSERT_TRUE(completions.waitFor(1000));
  const WriterStats stats = db->writerStats();
  EXPECT_EQ(stats.completed, 1000u);
  // Each commit takes everything queued while the previous one was syncing.
  EXPECT_LT(stats.transactions, 250u);
}

TEST(StoreWriter, CompletionRunsOnTheWriterThreadAfterTheCommit) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  const fs::path file = db->file();
  std::promise<std::pair<int, std::thread::id>> seen;
  db->requestQueue().enqueue(queuedRequest("q-42", "dev"), [&](Result<void> result) {
    if (!result) {
      seen.set_value({-1, std::this_thread::get_id()});
      return;
    }
    // An independent connection sees the row: it is committed, not pending.
    SQLite::Database other(file, SQLite::OPEN_READONLY);
    SQLite::Statement count(other, "SELECT count(*) FROM queued_request WHERE request_id = 'q-42'");
    count.executeStep();
    seen.set_value({count.getColumn(0).getInt(), std::this_thread::get_id()});
  });
  auto [rows, thread] = seen.get_future().get();
  EXPECT_EQ(rows, 1);
  EXPECT_NE(thread, std::this_thread::get_id());
}

TEST(StoreWriter, AFailingWriteReportsItsErrorAndTheRestOfTheBatchCommits) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  Gate gate;
  Completions completions;
  db->requestQueue().enqueue(queuedRequest("gate", "dev"), gate.completion());
  gate.waitEntered();
  db->requestQueue().enqueue(queuedRequest("first", "dev"), completions.track(0));
  db->requestQueue().enqueue(queuedRequest("first", "dev"), completions.track(1));  // duplicate
  db->registrations().touch("unknown-device", 1, 2, "192.0.2.1:5683", completions.track(2));
  db->requestQueue().enqueue(queuedRequest("second", "dev"), completions.track(3));
  gate.open();
  ASSERT_TRUE(completions.waitFor(4));

  EXPECT_EQ(completions.result(0), "ok");
  const std::string duplicate = completions.result(1);
  EXPECT_NE(duplicate.find(db->file().string()), std::string::npos) << duplicate;
  EXPECT_NE(duplicate.find("'first'"), std::string::npos) << duplicate;
  EXPECT_NE(duplicate.find("UNIQUE constraint failed"), std::string::npos) << duplicate;
  const std::string missing = completions.result(2);
  EXPECT_NE(missing.find("unknown-device"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no stored registration"), std::string::npos) << missing;
  EXPECT_EQ(completions.result(3), "ok");

  auto queued = db->requestQueue().listByEndpoint("dev");
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 3u);
  EXPECT_EQ((*queued)[1].requestId, "first");
  EXPECT_EQ((*queued)[2].requestId, "second");
  const WriterStats stats = db->writerStats();
  EXPECT_EQ(stats.transactions, 2u);  // all four shared one transaction
  EXPECT_EQ(stats.failed, 2u);
}

// A request's state change and the message telling it, across two stores:
// both commit, or neither does.
TEST(StoreWriter, WritesGroupedTogetherCommitAllOrNothing) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  Completions completions;
  db->requestQueue().enqueue(queuedRequest("taken", "dev"), completions.track(0));
  OutboxRecord message;
  message.topic = "answers";
  message.payload = {'o', 'k'};
  db->requestQueue().together("failing", [&] {
    db->requestQueue().enqueue(queuedRequest("new", "dev"), completions.track(1));
    db->outbox().append(message, completions.track(2));
    db->requestQueue().enqueue(queuedRequest("taken", "dev"), completions.track(3));  // duplicate
  });
  db->requestQueue().together("working", [&] {
    db->requestQueue().markInFlight("taken", completions.track(4));
    db->requestQueue().together("inner", [&] { db->outbox().append(message, completions.track(5)); });
  });
  ASSERT_TRUE(completions.waitFor(6));

  EXPECT_EQ(completions.result(0), "ok");
  for (std::size_t i : {1, 2, 3}) {
    EXPECT_NE(completions.result(i).find("UNIQUE constraint failed"), std::string::npos) << completions.result(i);
  }
  EXPECT_EQ(completions.result(4), "ok");
  EXPECT_EQ(completions.result(5), "ok");
  auto queued = db->requestQueue().listByEndpoint("dev");
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u) << "the failing group's request is not stored";
  EXPECT_EQ((*queued)[0].state, "in_flight");
  auto stored = db->outbox().count();
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, 1u) << "only the working group's message";
}

TEST(StoreWriter, ReplayingABatchAfterAFailureReportsEachWriteOnce) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  for (int i = 0; i < 5; ++i) {
    db->outbox().append(OutboxRecord{0, "t", {1}, 1, false, i}, nullptr);
  }
  Gate gate;
  Completions completions;
  db->requestQueue().enqueue(queuedRequest("gate", "dev"), gate.completion());
  gate.waitEntered();
  std::promise<Result<std::size_t>> dropped;
  db->outbox().dropOldestBeyond(2, [&](Result<std::size_t> n) { dropped.set_value(n); });
  db->requestQueue().enqueue(queuedRequest("gate", "dev"), completions.track(0));  // duplicate
  db->outbox().append(OutboxRecord{0, "t", {2}, 1, false, 9}, completions.track(1));
  gate.open();
  ASSERT_TRUE(completions.waitFor(2));
  // The batch ran twice (the second time with savepoints); what is reported
  // and stored is the outcome of one run.
  auto count = dropped.get_future().get();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 3u);
  EXPECT_NE(completions.result(0), "ok");
  EXPECT_EQ(completions.result(1), "ok");
  EXPECT_EQ(db->outbox().count().value(), 3u);
  EXPECT_EQ(db->requestQueue().countByEndpoint("dev").value(), 1u);
}

TEST(StoreWriter, AWriteThatDoesNotFitFailsAloneInItsBatch) {
  TempDir temp;
  DatabaseOptions options;
  options.maxSizeBytes = 128 * 1024;
  auto db = openOrFail(temp.path(), options);
  ASSERT_TRUE(db);
  Gate gate;
  Completions completions;
  db->outbox().append(OutboxRecord{0, "gate", {1}, 1, false, 0}, gate.completion());
  gate.waitEntered();
  db->outbox().append(OutboxRecord{0, "small-1", {1}, 1, false, 0}, completions.track(0));
  db->outbox().append(OutboxRecord{0, "huge", std::vector<std::uint8_t>(512 * 1024, 7), 1, false,
                                   0},
                      completions.track(1));
  db->outbox().append(OutboxRecord{0, "small-2", {2}, 1, false, 0}, completions.track(2));
  gate.open();
  ASSERT_TRUE(completions.waitFor(3));
  EXPECT_EQ(completions.result(0), "ok");
  EXPECT_NE(completions.result(1).find("full"), std::string::npos) << completions.result(1);
  EXPECT_EQ(completions.result(2), "ok");
  auto stored = db->outbox().loadOldest(10).value();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[1].topic, "small-1");
  EXPECT_EQ(stored[2].topic, "small-2");
}

TEST(StoreWriter, CloseDrainsEveryPendingWrite) {
  TempDir temp;
  std::atomic<int> succeeded{0};
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    for (int i = 0; i < 300; ++i) {
      db->requestQueue().enqueue(queuedRequest("q" + std::to_string(i), "dev"),
                                 [&](Result<void> result) { succeeded += result.ok() ? 1 : 0; });
    }
    db->close();
    EXPECT_EQ(succeeded.load(), 300);
    EXPECT_EQ(db->writerStats().pending, 0u);
  }
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  EXPECT_EQ(db->requestQueue().countByEndpoint("dev").value(), 300u);
}

// An acknowledged outbox message's removal costs no commit of its own: it
// rides along with the next write, or commits alone once nothing came.
TEST(StoreWriter, AnOutboxRemovalJoinsTheNextWritesTransaction) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(completed([&](auto done) {
      ids.push_back(db->outbox().append(OutboxRecord{0, "t/" + std::to_string(i), {'1'}, 1, false, 7}, done));
    }));
  }
  const auto before = db->writerStats().transactions;
  Completions completions;
  db->outbox().remove(ids[0], completions.track(0));
  db->registrations().upsert(testing::registration("sensor-1", "r1"), completions.track(1));
  ASSERT_TRUE(completions.waitFor(2));
  EXPECT_EQ(completions.result(0), "ok");
  EXPECT_EQ(db->writerStats().transactions, before + 1) << "one commit for both";

  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(completed([&](auto done) { db->outbox().remove(ids[1], done); }));  // nothing to join
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(db->writerStats().transactions, before + 2);
  EXPECT_EQ(db->outbox().count().value(), 0u);
}

TEST(StoreWriter, WriteAfterCloseCompletesAtOnceWithAnError) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  db->close();
  std::string message;
  std::thread::id thread;
  db->registrations().remove("sensor-1", [&](Result<void> result) {
    message = result.ok() ? "ok" : result.error().message;
    thread = std::this_thread::get_id();
  });
  EXPECT_NE(message.find("closed"), std::string::npos) << message;
  EXPECT_NE(message.find(db->file().string()), std::string::npos) << message;
  EXPECT_EQ(thread, std::this_thread::get_id());
}

TEST(StoreWriter, AThrowingCompletionDoesNotStopTheWriter) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  db->requestQueue().enqueue(queuedRequest("q1", "dev"),
                             [](Result<void>) { throw std::runtime_error("caller bug"); });
  EXPECT_TRUE(completed([&](auto done) {
    db->requestQueue().enqueue(queuedRequest("q2", "dev"), done);
  }));
  EXPECT_EQ(db->requestQueue().countByEndpoint("dev").value(), 2u);
}

}  // namespace
}  // namespace lwm2m::persistence
