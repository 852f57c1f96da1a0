// RecentNotifications: a peer's last NON responses, to recognise copies.
#include "lwm2m/coap/recent_notifications.h"

#include <gtest/gtest.h>

#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using Clock = RecentNotifications::Clock;

TEST(RecentNotifications, RecognisesACopyAmongAPeersLastMessagesWithinTheLifetime) {
  RecentNotifications recent(145s);
  const Peer a = testing::peerAt("10.0.0.2", 40000), b = testing::peerAt("10.0.0.3", 40000);
  const std::vector<std::uint8_t> token{0xab, 0xcd}, other{0xab};
  const Clock::time_point t0{};
  EXPECT_FALSE(recent.seenBefore(a, 7, token, t0));
  EXPECT_TRUE(recent.seenBefore(a, 7, token, t0 + 1s));
  EXPECT_FALSE(recent.seenBefore(b, 7, token, t0 + 1s)) << "another peer's message";
  EXPECT_FALSE(recent.seenBefore(a, 7, other, t0 + 1s)) << "another token: another message";
  EXPECT_FALSE(recent.seenBefore(a, 8, token, t0 + 2s));
  EXPECT_TRUE(recent.seenBefore(a, 7, token, t0 + 144s)) << "still within NON_LIFETIME";
  EXPECT_FALSE(recent.seenBefore(a, 8, token, t0 + 147s)) << "past NON_LIFETIME the ID is new again";

  // Only the last kSlots messages of a peer are kept.
  for (std::uint16_t id = 100; id < 100 + RecentNotifications::kSlots; ++id) {
    EXPECT_FALSE(recent.seenBefore(a, id, token, t0 + 150s));
  }
  EXPECT_TRUE(recent.seenBefore(a, 100 + RecentNotifications::kSlots - 1, token, t0 + 150s));
  EXPECT_TRUE(recent.seenBefore(a, 100, token, t0 + 150s));
  EXPECT_FALSE(recent.seenBefore(a, 99, token, t0 + 150s)) << "older than the last kSlots: not recognised";
  EXPECT_EQ(recent.peers(), 2u);
}

TEST(RecentNotifications, ForgetsQuietAndDepartedPeers) {
  RecentNotifications recent(145s);
  const Peer a = testing::peerAt("10.0.0.2", 40000), b = testing::peerAt("10.0.0.3", 40000);
  const Clock::time_point t0{};
  const std::vector<std::uint8_t> token{1};
  recent.seenBefore(a, 1, token, t0);
  recent.seenBefore(b, 1, token, t0 + 100s);
  recent.sweep(t0 + 144s);
  EXPECT_EQ(recent.peers(), 2u);
  recent.sweep(t0 + 145s);
  EXPECT_EQ(recent.peers(), 1u) << "a: quiet for NON_LIFETIME";
  recent.forget(b);
  EXPECT_EQ(recent.peers(), 0u);
  EXPECT_FALSE(recent.seenBefore(b, 1, token, t0 + 146s)) << "a forgotten peer starts afresh";
}

}  // namespace
}  // namespace lwm2m::coap
