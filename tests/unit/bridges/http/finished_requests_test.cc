#include "bridges/http/finished_requests.h"

#include <gtest/gtest.h>

#include <string>

namespace lwm2m::bridges::http {
namespace {

FinishedRequest finished(const std::string& id, std::string json = "{}") {
  return FinishedRequest{id, "dev-" + id, RequestState::Done, std::move(json)};
}

TEST(FinishedRequests, FindsWhatItKeepsAndDropsTheOldestBeyondItsCapacity) {
  FinishedRequests kept(3);
  for (int i = 0; i < 5; ++i) kept.add(finished("r" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}"));
  EXPECT_EQ(kept.size(), 3u);
  EXPECT_FALSE(kept.find("r0"));
  EXPECT_FALSE(kept.contains("r1"));
  for (int i = 2; i < 5; ++i) {
    auto found = kept.find("r" + std::to_string(i));
    ASSERT_TRUE(found) << i;
    EXPECT_EQ(found->requestId, "r" + std::to_string(i));
    EXPECT_EQ(found->endpoint, "dev-r" + std::to_string(i));
    EXPECT_EQ(found->state, RequestState::Done);
    EXPECT_EQ(found->json, "{\"n\":" + std::to_string(i) + "}");
  }
  EXPECT_FALSE(kept.find("unknown"));
}

TEST(FinishedRequests, ARequestAddedAgainIsFoundAsItWasAddedLast) {
  FinishedRequests kept(4);
  kept.add(finished("fw", "first"));
  kept.add(finished("other"));
  kept.add(finished("fw", "second"));
  EXPECT_EQ(kept.find("fw")->json, "second");
  kept.add(finished("x"));
  kept.add(finished("y"));  // drops the first copy of "fw"
  EXPECT_EQ(kept.find("fw")->json, "second");
}

TEST(FinishedRequests, KeepsItsRecordsOutsideTheHeapAndGivesBackWhatItDropped) {
  FinishedRequests kept(100);
  const std::string json(4000, 'x');
  for (int i = 0; i < 1000; ++i) kept.add(finished("r" + std::to_string(i), json));
  // 100 records of ~4 KB: two blocks, three at most while one is written.
  EXPECT_LE(kept.mappedBytes(), 3 * RecordBlocks::kBlockBytes);
  EXPECT_GE(kept.mappedBytes(), RecordBlocks::kBlockBytes);
  EXPECT_EQ(kept.find("r999")->json, json);
  // A record larger than a block gets a block of its own.
  const std::string large(RecordBlocks::kBlockBytes + 10, 'y');
  kept.add(finished("large", large));
  EXPECT_EQ(kept.find("large")->json, large);
}

TEST(FinishedRequests, ForgetsThoseOlderThanAStampAndThenHoldsNoMemory) {
  FinishedRequests kept(100);
  for (int i = 0; i < 40; ++i) kept.add(finished("r" + std::to_string(i)), /*stamp=*/i);
  EXPECT_EQ(kept.dropOlderThan(10), 10u);
  EXPECT_EQ(kept.size(), 30u);
  EXPECT_FALSE(kept.contains("r9"));
  EXPECT_TRUE(kept.contains("r10"));
  // Added after a drop, past the first slots: found, and in order.
  for (int i = 40; i < 130; ++i) kept.add(finished("r" + std::to_string(i)), i);
  EXPECT_EQ(kept.size(), 100u);
  EXPECT_FALSE(kept.contains("r29"));
  EXPECT_EQ(kept.find("r30")->endpoint, "dev-r30");
  EXPECT_EQ(kept.find("r129")->endpoint, "dev-r129");
  EXPECT_EQ(kept.dropOlderThan(129), 99u);
  EXPECT_TRUE(kept.contains("r129"));
  EXPECT_EQ(kept.dropOlderThan(1000), 1u);
  EXPECT_EQ(kept.size(), 0u);
  EXPECT_EQ(kept.mappedBytes(), 0u);
  EXPECT_FALSE(kept.contains("r129"));
  kept.add(finished("again"), 2000);
  EXPECT_TRUE(kept.contains("again"));
}

}  // namespace
}  // namespace lwm2m::bridges::http
