#include "bridges/mqtt/uplink_batches.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "lwm2m/coap/manual_scheduler.h"
#include "mapping/rule_set.h"

namespace lwm2m::bridges::mqtt {
namespace {

using namespace std::chrono_literals;

mapping::OutboundMessage batched(std::string topic, std::string payload, std::uint32_t maxMessages = 3,
                                 std::chrono::milliseconds maxDelay = 100ms, bool joinArrays = false) {
  mapping::OutboundMessage m;
  m.topic = std::move(topic);
  m.payload = std::move(payload);
  m.qos = 1;
  m.contentType = joinArrays ? "application/senml+json" : "application/json";
  m.batching = {maxMessages, maxDelay, joinArrays};
  return m;
}

mapping::OutboundMessage unbatched(std::string topic, std::string payload) {
  mapping::OutboundMessage m;
  m.topic = std::move(topic);
  m.payload = std::move(payload);
  return m;
}

class UplinkBatchesTest : public ::testing::Test {
 protected:
  coap::ManualScheduler clock;
  std::vector<mapping::OutboundMessage> published;
  UplinkBatches batches{clock, [this](mapping::OutboundMessage m) { published.push_back(std::move(m)); }};
};

TEST_F(UplinkBatchesTest, AMessageWithoutBatchingIsPublishedAtOnce) {
  batches.add(unbatched("t", "21.5"));
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].payload, "21.5");
  EXPECT_EQ(batches.open(), 0u);
}

TEST_F(UplinkBatchesTest, AnUnbatchedMessageOnATopicBeingGatheredGoesOutAfterTheBatch) {
  batches.add(batched("t", "1"));
  batches.add(batched("other", "2"));
  batches.add(unbatched("t", "3"));
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].payload, "[1]");
  EXPECT_EQ(published[1].payload, "3");
  EXPECT_EQ(batches.open(), 1u) << "the other topic's batch keeps gathering";
}

TEST_F(UplinkBatchesTest, ABatchClosesWhenFullAsOneJsonArrayInOrder) {
  batches.add(batched("site/t", R"({"v":1})"));
  batches.add(batched("site/t", R"({"v":2})"));
  EXPECT_TRUE(published.empty());
  EXPECT_EQ(batches.open(), 1u);
  batches.add(batched("site/t", R"({"v":3})"));
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].topic, "site/t");
  EXPECT_EQ(published[0].payload, R"([{"v":1},{"v":2},{"v":3}])");
  EXPECT_EQ(published[0].qos, 1);
  EXPECT_EQ(published[0].contentType, "application/json");
  EXPECT_EQ(published[0].batching.maxMessages, 0u) << "a published batch is not batched again";
  rapidjson::Document doc;
  doc.Parse(published[0].payload.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc.Size(), 3u);
  EXPECT_EQ(batches.open(), 0u);
  EXPECT_EQ(clock.pendingTimers(), 0u) << "the closed batch's timer is cancelled";
}

TEST_F(UplinkBatchesTest, ABatchClosesMaxDelayAfterItsFirstMessage) {
  batches.add(batched("site/t", "1"));
  clock.advance(60ms);
  batches.add(batched("site/t", "2"));
  clock.advance(39ms);
  EXPECT_TRUE(published.empty());
  clock.advance(1ms);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].payload, "[1,2]");
  batches.add(batched("site/t", "3"));
  clock.advance(100ms);
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].payload, "[3]");
}

TEST_F(UplinkBatchesTest, TopicsAreGatheredApart) {
  batches.add(batched("a", "1", 2));
  batches.add(batched("b", "2", 2));
  batches.add(batched("a", "3", 2));
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].topic, "a");
  EXPECT_EQ(published[0].payload, "[1,3]");
  batches.flush();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].topic, "b");
  EXPECT_EQ(published[1].payload, "[2]");
  EXPECT_EQ(clock.pendingTimers(), 0u);
}

TEST_F(UplinkBatchesTest, SenmlPacksAreJoinedIntoOnePack) {
  batches.add(batched("p", R"([{"bn":"/a/","n":"1","v":1}])", 3, 100ms, true));
  batches.add(batched("p", " [ ] ", 3, 100ms, true));  // adds nothing
  batches.add(batched("p", R"([{"bn":"/b/","n":"1","v":2},{"n":"2","v":3}])", 3, 100ms, true));
  batches.add(batched("p", R"([{"bn":"/c/","n":"1","v":4}])", 3, 100ms, true));
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].payload,
            R"([{"bn":"/a/","n":"1","v":1},{"bn":"/b/","n":"1","v":2},{"n":"2","v":3},{"bn":"/c/","n":"1","v":4}])");
  EXPECT_EQ(published[0].contentType, "application/senml+json");
}

TEST_F(UplinkBatchesTest, ASenmlPayloadThatIsNotAnArrayGoesOutAlone) {
  batches.add(batched("p", R"({"oops":1})", 3, 100ms, true));
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].payload, R"({"oops":1})");
  EXPECT_EQ(batches.open(), 0u);
}

TEST_F(UplinkBatchesTest, AnotherQosForTheSameTopicPublishesTheOpenBatchFirst) {
  batches.add(batched("t", "1"));
  auto other = batched("t", "2");
  other.qos = 0;
  batches.add(other);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].payload, "[1]");
  EXPECT_EQ(published[0].qos, 1);
  batches.flush();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].payload, "[2]");
  EXPECT_EQ(published[1].qos, 0);
}

TEST_F(UplinkBatchesTest, ABatchNeverPassesTheSizeLimit) {
  const std::string big(mapping::kMaxBatchBytes / 3, 'x');
  const std::string payload = "\"" + big + "\"";
  for (int i = 0; i < 4; ++i) batches.add(batched("t", payload, 100));
  ASSERT_EQ(published.size(), 1u);
  EXPECT_LE(published[0].payload.size(), mapping::kMaxBatchBytes);
  EXPECT_EQ(published[0].payload, "[" + payload + "," + payload + "]");
  batches.flush();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].payload, "[" + payload + "," + payload + "]");
}

TEST_F(UplinkBatchesTest, DestroyedWithABatchOpenItsTimerIsCancelled) {
  {
    UplinkBatches scoped{clock, [this](mapping::OutboundMessage m) { published.push_back(std::move(m)); }};
    scoped.add(batched("t", "1"));
    EXPECT_EQ(clock.pendingTimers(), 1u);
  }
  EXPECT_EQ(clock.pendingTimers(), 0u);
  clock.advance(1s);
  EXPECT_TRUE(published.empty());
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
