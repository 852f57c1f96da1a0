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

  trim.onDeregistered(reg);  // the third: a trim 6 s later, whatever else leaves meanwhile
  for (int i = 0; i < 10; ++i) trim.onExpired(reg);
  scheduler.advance(5s);
  EXPECT_EQ(trim.trims(), 0u);
  scheduler.advance(1s);
  EXPECT_EQ(trim.trims(), 1u);
  scheduler.advance(60s);
  EXPECT_EQ(trim.trims(), 1u) << "the departures before the trim were counted by it";
}

}  // namespace
}  // namespace lwm2m::gateway
