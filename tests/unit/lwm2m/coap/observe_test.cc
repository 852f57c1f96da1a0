#include "lwm2m/coap/observe.h"

#include <gtest/gtest.h>

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
const auto t0 = std::chrono::steady_clock::time_point(1000s);

TEST(ObserveOrderTest, HigherSequenceIsNewer) {
  EXPECT_TRUE(isNewerNotification(5, t0, 6, t0 + 1s));
  EXPECT_FALSE(isNewerNotification(6, t0, 5, t0 + 1s)) << "reordered: drop";
  EXPECT_FALSE(isNewerNotification(6, t0, 6, t0 + 1s)) << "duplicate sequence";
}

TEST(ObserveOrderTest, SequenceWrapsAtTwoToTheTwentyFour) {
  EXPECT_TRUE(isNewerNotification(0xfffffe, t0, 0x000001, t0 + 1s));
  EXPECT_FALSE(isNewerNotification(0x000001, t0, 0xfffffe, t0 + 1s));
  EXPECT_FALSE(isNewerNotification(0, t0, 1u << 23, t0 + 1s)) << "exactly half the space apart";
}

TEST(ObserveOrderTest, AnythingIsNewerAfter128Seconds) {
  EXPECT_FALSE(isNewerNotification(100, t0, 3, t0 + 128s));
  EXPECT_TRUE(isNewerNotification(100, t0, 3, t0 + 128s + 1ms));
}

}  // namespace
}  // namespace lwm2m::coap
