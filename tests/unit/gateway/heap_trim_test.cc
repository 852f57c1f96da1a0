// HeapTrim: the heap is trimmed once enough devices left, after the wave, and
// not more often than its delay.

#include "gateway/daemon/heap_trim.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lwm2m::gateway
