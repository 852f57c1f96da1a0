// Queued requests for sleeping devices and the MQTT outbox.

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "persistence/database.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::persistence {
namespace {

using testing::completed;
using testing::openOrFail;
using testing::queuedRequest;
using testing::TempDir;

std::vector<std::string> ids(const std::vector<QueuedRequestRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.requestId);
  return out;
}

Result<void> enqueue(Database& db, QueuedRequestRecord record, std::int64_t* sequence = nullptr) {
  return completed([&](auto done) {
    const std::int64_t assigned = db.requestQueue().enqueue(record, done);
    if (sequence != nullptr) *sequence = assigned;
  });
}

TEST(RequestQueueStore, OrderAndSequencesSurviveReopenAndAreNeverReused) {
  TempDir temp;
  std::int64_t highest = 0;
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    std::int64_t previous = 0;
    for (const char* id : {"a1", "b1", "a2", "a3", "b2"}) {
      std::int64_t sequence = 0;
      ASSERT_TRUE(enqueue(*db, queuedRequest(id, std::string("dev-") + id[0]), &sequence));
      EXPECT_GT(sequence, previous);
      previous = sequence;
    }
    highest = previous;
    // The newest request is cancelled: its sequence must not come back.
    ASSERT_TRUE(completed([&](auto done) { db->requestQueue().remove("b2", done); }));
  }
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  auto a = db->requestQueue().listByEndpoint("dev-a");
  ASSERT_TRUE(a);
  EXPECT_EQ(ids(*a), (std::vector<std::string>{"a1", "a2", "a3"}));
  EXPECT_LT((*a)[0].sequence, (*a)[1].sequence);
  EXPECT_LT((*a)[1].sequence, (*a)[2].sequence);
  EXPECT_EQ(ids(db->requestQueue().loadAll().value()),
            (std::vector<std::string>{"a1", "b1", "a2", "a3"}));

  std::int64_t next = 0;
  ASSERT_TRUE(enqueue(*db, queuedRequest("a4", "dev-a"), &next));
  EXPECT_GT(next, highest);
  EXPECT_EQ(ids(db->requestQueue().listByEndpoint("dev-a").value()).back(), "a4");
  EXPECT_EQ(db->requestQueue().countByEndpoint("dev-a").value(), 4u);
  EXPECT_EQ(db->requestQueue().countByEndpoint("dev-b").value(), 1u);
  EXPECT_EQ(db->requestQueue().countByEndpoint("dev-z").value(), 0u);
}

TEST(RequestQueueStore, RecordRoundTripsAndInFlightStateIsKept) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  QueuedRequestRecord record = queuedRequest("req-1", "valve-3");
  std::int64_t sequence = 0;
  ASSERT_TRUE(enqueue(*db, record, &sequence));
  ASSERT_TRUE(completed([&](auto done) { db->requestQueue().markInFlight("req-1", done); }));
  record.sequence = sequence;
  record.state = "in_flight";
  EXPECT_EQ(db->requestQueue().listByEndpoint("valve-3").value(),
            std::vector<QueuedRequestRecord>{record});

  auto unknown = completed([&](auto done) { db->requestQueue().markInFlight("req-404", done); });
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("req-404"), std::string::npos);
}

TEST(RequestQueueStore, UnknownStateIsRejected) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  QueuedRequestRecord record = queuedRequest("req-1", "valve-3");
  record.state = "delivered";
  auto result = enqueue(*db, record);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("CHECK constraint failed"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(db->requestQueue().countByEndpoint("valve-3").value(), 0u);
}

TEST(RequestQueueStore, FindExpiredUpToAGivenTime) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  for (int i = 0; i < 5; ++i) {
    QueuedRequestRecord r = queuedRequest("r" + std::to_string(i), i % 2 ? "odd" : "even");
    r.expiresAtMs = 1000 * (5 - i);  // r4 expires first, r0 last
    ASSERT_TRUE(enqueue(*db, r));
  }
  EXPECT_EQ(ids(db->requestQueue().findExpired(999).value()), std::vector<std::string>{});
  EXPECT_EQ(ids(db->requestQueue().findExpired(3000).value()),
            (std::vector<std::string>{"r2", "r3", "r4"}));
  ASSERT_TRUE(completed([&](auto done) { db->requestQueue().remove("r3", done); }));
  EXPECT_EQ(ids(db->requestQueue().findExpired(3000).value()),
            (std::vector<std::string>{"r2", "r4"}));
}

OutboxRecord message(const std::string& topic, std::vector<std::uint8_t> payload) {
  return OutboxRecord{0, topic, std::move(payload), 1, false, 1'700'000'000'000};
}

TEST(OutboxStore, MessagesComeBackOldestFirstAfterReopen) {
  TempDir temp;
  std::vector<std::int64_t> assigned;
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    for (int i = 0; i < 5; ++i) {
      OutboxRecord m = message("lwm2m/dev/3303/0/5700", {0x00, static_cast<std::uint8_t>(i)});
      m.retain = i == 4;
      m.qos = i == 3 ? 2 : 1;
      ASSERT_TRUE(completed([&](auto done) { assigned.push_back(db->outbox().append(m, done)); }));
    }
    ASSERT_TRUE(completed([&](auto done) { db->outbox().remove(assigned[0], done); }));
  }
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  EXPECT_EQ(db->outbox().count().value(), 4u);
  auto oldest = db->outbox().loadOldest(2);
  ASSERT_TRUE(oldest);
  ASSERT_EQ(oldest->size(), 2u);
  EXPECT_EQ((*oldest)[0].id, assigned[1]);
  EXPECT_EQ((*oldest)[0].payload, (std::vector<std::uint8_t>{0x00, 0x01}));
  EXPECT_EQ((*oldest)[1].id, assigned[2]);
  auto all = db->outbox().loadOldest(100).value();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].qos, 2);
  EXPECT_TRUE(all[3].retain);
  EXPECT_FALSE(all[2].retain);

  std::int64_t next = 0;
  ASSERT_TRUE(completed([&](auto done) { next = db->outbox().append(message("t", {}), done); }));
  EXPECT_GT(next, assigned.back());
}

TEST(OutboxStore, LoadAfterReadsABacklogInBatches) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(db->outbox().append(message("t/" + std::to_string(i), {}), nullptr));
  }
  ASSERT_TRUE(completed([&](auto done) { db->outbox().remove(ids[3], done); }));
  std::vector<std::string> topics;
  std::int64_t after = 0;
  for (int round = 0; round < 10; ++round) {
    auto batch = db->outbox().loadAfter(after, 2).value();
    if (batch.empty()) break;
    EXPECT_LE(batch.size(), 2u);
    for (const auto& r : batch) {
      topics.push_back(r.topic);
      after = r.id;
    }
  }
  EXPECT_EQ(topics, (std::vector<std::string>{"t/0", "t/1", "t/2", "t/4", "t/5", "t/6"}));
}

TEST(OutboxStore, DropOldestBeyondABoundKeepsTheNewest) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  for (int i = 0; i < 10; ++i) {
    db->outbox().append(message("t/" + std::to_string(i), {static_cast<std::uint8_t>(i)}), nullptr);
  }
  std::promise<Result<std::size_t>> dropped;
  db->outbox().dropOldestBeyond(3, [&](Result<std::size_t> n) { dropped.set_value(n); });
  auto count = dropped.get_future().get();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 7u);
  auto left = db->outbox().loadOldest(10).value();
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0].topic, "t/7");
  EXPECT_EQ(left[2].topic, "t/9");

  std::promise<Result<std::size_t>> none;
  db->outbox().dropOldestBeyond(3, [&](Result<std::size_t> n) { none.set_value(n); });
  EXPECT_EQ(none.get_future().get().value(), 0u);
}

TEST(OutboxStore, InvalidQosIsRejected) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  OutboxRecord m = message("t", {1});
  m.qos = 3;
  auto result = completed([&](auto done) { db->outbox().append(m, done); });
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("CHECK constraint failed"), std::string::npos);
  EXPECT_EQ(db->outbox().count().value(), 0u);
}

TEST(OutboxStore, ASizeBoundStopsGrowthAndRemovalsMakeRoom) {
  TempDir temp;
  DatabaseOptions options;
  options.maxSizeBytes = 256 * 1024;
  auto db = openOrFail(temp.path(), options);
  ASSERT_TRUE(db);
  const std::vector<std::uint8_t> payload(1024, 0x5a);
  std::vector<std::int64_t> stored;
  Result<void> last;
  for (int i = 0; i < 1000 && last; ++i) {
    std::int64_t id = 0;
    last = completed([&](auto done) {
      id = db->outbox().append(OutboxRecord{0, "t", payload, 1, false, i}, done);
    });
    if (last) stored.push_back(id);
  }
  ASSERT_FALSE(last) << "1000 KiB of messages fitted in a 256 KiB bound";
  EXPECT_NE(last.error().message.find(db->file().string()), std::string::npos);
  EXPECT_NE(last.error().message.find("full"), std::string::npos) << last.error().message;
  EXPECT_GT(stored.size(), 100u);
  EXPECT_EQ(db->outbox().count().value(), stored.size());

  // The broker acknowledged the oldest ones: their room is reused.
  for (std::size_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(completed([&](auto done) { db->outbox().remove(stored[i], done); }));
  }
  EXPECT_TRUE(completed([&](auto done) {
    db->outbox().append(OutboxRecord{0, "t", payload, 1, false, 0}, done);
  }));
  EXPECT_EQ(db->outbox().count().value(), stored.size() - 19);
}

}  // namespace
}  // namespace lwm2m::persistence
