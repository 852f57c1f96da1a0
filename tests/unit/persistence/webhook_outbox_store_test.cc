// Events waiting for webhooks: per-webhook order, ids never reused across a
// reopen, the bound per webhook, and the removal of webhooks no longer configured.

#include <gtest/gtest.h>

#include <future>

#include "persistence/database.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::persistence {
namespace {

using testing::completed;
using testing::openOrFail;
using testing::TempDir;

std::int64_t append(Database& db, const std::string& webhook, const std::string& body) {
  std::int64_t id = 0;
  EXPECT_TRUE(completed([&](auto done) {
    id = db.webhookOutbox().append(WebhookOutboxRecord{0, webhook, "notification", body, 1000}, done);
  }));
  return id;
}

std::size_t removing(const std::function<void(CountCompletion)>& submit) {
  std::promise<Result<std::size_t>> promise;
  submit([&](Result<std::size_t> r) { promise.set_value(std::move(r)); });
  auto result = promise.get_future().get();
  EXPECT_TRUE(result) << result.error().message;
  return result ? *result : 0;
}

std::vector<std::string> bodies(Database& db, const std::string& webhook, std::int64_t after = 0) {
  std::vector<std::string> out;
  auto records = db.webhookOutbox().loadAfter(webhook, after, 100);
  EXPECT_TRUE(records);
  for (const auto& r : *records) out.push_back(r.body);
  return out;
}

TEST(WebhookOutboxStore, EachWebhookReadsItsEventsInOrderAndIdsSurviveReopen) {
  TempDir temp;
  std::int64_t last = 0;
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    const auto a1 = append(*db, "a", "a1");
    append(*db, "b", "b1");
    const auto a2 = append(*db, "a", "a2");
    EXPECT_LT(a1, a2);
    EXPECT_EQ(bodies(*db, "a"), (std::vector<std::string>{"a1", "a2"}));
    EXPECT_EQ(bodies(*db, "a", a1), (std::vector<std::string>{"a2"}));
    EXPECT_EQ(*db->webhookOutbox().count("b"), 1u);
    auto records = db->webhookOutbox().loadAfter("a", 0, 1);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 1u);
    EXPECT_EQ((*records)[0], (WebhookOutboxRecord{a1, "a", "notification", "a1", 1000}));
    last = a2;
    ASSERT_TRUE(completed([&](auto done) { db->webhookOutbox().remove(a2, done); }));
  }
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  EXPECT_EQ(bodies(*db, "a"), (std::vector<std::string>{"a1"})) << "stored events survive a reopen";
  EXPECT_GT(append(*db, "a", "a3"), last) << "an id is never given twice, even after its removal";
}

TEST(WebhookOutboxStore, DropsTheOldestOfOneWebhookAndEverythingOfWebhooksNoLongerThere) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  for (const char* b : {"a1", "a2", "a3", "a4"}) append(*db, "a", b);
  append(*db, "b", "b1");
  append(*db, "gone", "g1");
  EXPECT_EQ(removing([&](auto done) { db->webhookOutbox().dropOldestBeyond("a", 2, done); }), 2u);
  EXPECT_EQ(bodies(*db, "a"), (std::vector<std::string>{"a3", "a4"}));
  EXPECT_EQ(bodies(*db, "b"), (std::vector<std::string>{"b1"})) << "other webhooks keep theirs";
  EXPECT_EQ(removing([&](auto done) { db->webhookOutbox().dropOtherWebhooks({"a", "b"}, done); }), 1u);
  EXPECT_EQ(*db->webhookOutbox().count("gone"), 0u);
  EXPECT_EQ(removing([&](auto done) { db->webhookOutbox().dropOtherWebhooks({}, done); }), 3u);
}

}  // namespace
}  // namespace lwm2m::persistence
