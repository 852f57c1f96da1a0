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

}  // namespace
}  // namespace lwm2m::bridges::http
