// HeapTrim: the heap is trimmed once enough devices left, after the wave, and
// not more often than its delay; not while the backlog the wave left is being
// worked off, and after the caches gave back what they hold.

#include "gateway/daemon/heap_trim.h"

#include <gtest/gtest.h>

#include <functional>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

TEST(HeapTrim, TrimsOnceAfterAWaveOfDepartures) {
  coap::ManualScheduler scheduler;
  HeapTrim trim(scheduler, 3, 6s);
  server::Registration reg;
  trim.onDeregistered(reg);
  trim.onExpired(reg);
  scheduler.advance(60s);
  EXPECT_EQ(trim.trims(), 0u) << "two departures are below the threshold";

  trim.onDeregistered(reg);  // the third: a trim 6 s after the last departure of the wave
  for (int i = 0; i < 10; ++i) trim.onExpired(reg);
  scheduler.advance(5s);
  trim.onExpired(reg);  // the wave goes on
  scheduler.advance(5s);
  EXPECT_EQ(trim.trims(), 0u);
  scheduler.advance(1s);
  EXPECT_EQ(trim.trims(), 1u);
  scheduler.advance(60s);
  EXPECT_EQ(trim.trims(), 1u) << "the departures before the trim were counted by it";
}

TEST(HeapTrim, AWaveThatGoesOnIsTrimmedWithinTheLongestWait) {
  coap::ManualScheduler scheduler;
  HeapTrim trim(scheduler, 3, 6s, 30s);
  server::Registration reg;
  for (int i = 0; i < 3; ++i) trim.onExpired(reg);
  for (int second = 1; second <= 29; ++second) {
    scheduler.advance(1s);
    trim.onExpired(reg);
  }
  EXPECT_EQ(trim.trims(), 0u);
  scheduler.advance(7s);
  EXPECT_EQ(trim.trims(), 1u) << "not postponed past 30 s after the threshold";
}

TEST(HeapTrim, WaitsUntilTheBacklogOfTheWaveIsWorkedOffButNotForever) {
  coap::ManualScheduler scheduler;
  HeapTrim trim(scheduler, 1, 6s, 30s, 60s);
  bool quiet = false;
  trim.setQuietCheck([&quiet] { return quiet; });
  server::Registration reg;
  trim.onExpired(reg);
  scheduler.advance(20s);
  EXPECT_EQ(trim.trims(), 0u) << "MQTT messages or database writes still waiting";
  quiet = true;
  scheduler.advance(6s);
  EXPECT_EQ(trim.trims(), 1u);

  quiet = false;  // a backlog that never ends: trimmed once the longest wait passed
  trim.onExpired(reg);
  scheduler.advance(80s);
  EXPECT_EQ(trim.trims(), 1u);
  scheduler.advance(20s);
  EXPECT_EQ(trim.trims(), 2u);
}

TEST(HeapTrim, TheCachesGiveBackTheirMemoryBeforeTheTrim) {
  coap::ManualScheduler scheduler;
  HeapTrim trim(scheduler, 1, 6s);
  std::function<void()> pending;  // the release runs elsewhere (the database writer)
  trim.setCacheRelease([&pending](std::function<void()> then) { pending = std::move(then); });
  server::Registration reg;
  trim.onDeregistered(reg);
  EXPECT_FALSE(pending);
  scheduler.advance(6s);
  ASSERT_TRUE(pending) << "asked to release once the trim is due";
  pending();  // the trim itself: no crash, counted once
  EXPECT_EQ(trim.trims(), 1u);
}

}  // namespace
}  // namespace lwm2m::gateway
