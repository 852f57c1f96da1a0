#include "bridges/backoff.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges {
namespace {

using std::chrono::milliseconds;

TEST(WebhookBackoff, DoublesFromTheMinimumAndStopsAtTheMaximum) {
  const milliseconds min(1000), max(30000);
  // The top of the jitter range (random close to 1) shows the undithered delay.
  EXPECT_EQ(retryDelay(1, min, max, 0.999999), milliseconds(999));
  EXPECT_EQ(retryDelay(2, min, max, 0.999999), milliseconds(1999));
  EXPECT_EQ(retryDelay(3, min, max, 0.999999), milliseconds(3999));
  EXPECT_EQ(retryDelay(5, min, max, 0.999999), milliseconds(15999));
  EXPECT_EQ(retryDelay(6, min, max, 0.999999), milliseconds(29999));
  EXPECT_EQ(retryDelay(1000, min, max, 0.999999), milliseconds(29999));
}

TEST(WebhookBackoff, JitterKeepsAtLeastHalfTheDelay) {
  const milliseconds min(1000), max(60000);
  EXPECT_EQ(retryDelay(3, min, max, 0.0), milliseconds(2000));
  EXPECT_EQ(retryDelay(3, min, max, 0.5), milliseconds(3000));
  for (double r : {0.0, 0.1, 0.37, 0.9, 0.99}) {
    const auto d = retryDelay(4, min, max, r);
    EXPECT_GE(d, milliseconds(4000));
    EXPECT_LT(d, milliseconds(8000));
  }
}

TEST(WebhookBackoff, NeverZero) {
  EXPECT_EQ(retryDelay(1, milliseconds(1), milliseconds(1), 0.0), milliseconds(1));
}

}  // namespace
}  // namespace lwm2m::bridges::webhook
