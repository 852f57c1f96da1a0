#include "lwm2m/coap/manual_scheduler.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;

TEST(ManualSchedulerTest, RunsDueCallbacksInTimeOrderWithTheirDeadlineAsNow) {
  ManualScheduler scheduler;
  const auto start = scheduler.now();
  std::vector<std::string> log;
  scheduler.schedule(30ms, [&] { log.push_back("c@" + std::to_string((scheduler.now() - start) / 1ms)); });
  scheduler.schedule(10ms, [&] { log.push_back("a@" + std::to_string((scheduler.now() - start) / 1ms)); });
  scheduler.schedule(10ms, [&] { log.push_back("b@" + std::to_string((scheduler.now() - start) / 1ms)); });
  scheduler.advance(20ms);
  EXPECT_EQ(log, (std::vector<std::string>{"a@10", "b@10"}));
  EXPECT_EQ(scheduler.now() - start, 20ms);
  scheduler.advance(10ms);
  EXPECT_EQ(log.back(), "c@30");
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

TEST(ManualSchedulerTest, RunsCallbacksScheduledByCallbacksWithinTheWindow) {
  ManualScheduler scheduler;
  int fired = 0;
  std::function<void()> tick = [&] {
    ++fired;
    scheduler.schedule(100ms, tick);
  };
  scheduler.schedule(100ms, tick);
  scheduler.advance(1s);
  EXPECT_EQ(fired, 10);
  EXPECT_EQ(scheduler.pendingTimers(), 1u);
}

TEST(ManualSchedulerTest, CancelIsNoOpForFiredAndUnknownIds) {
  ManualScheduler scheduler;
  int fired = 0;
  auto first = scheduler.schedule(1s, [&] { ++fired; });
  auto second = scheduler.schedule(2s, [&] { fired += 10; });
  EXPECT_NE(first, 0u);
  scheduler.cancel(second);
  scheduler.advance(5s);
  EXPECT_EQ(fired, 1);
  scheduler.cancel(first);
  scheduler.cancel(12345);
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

TEST(ManualSchedulerTest, ZeroDelayRunsOnlyWhenDriven) {
  ManualScheduler scheduler;
  bool fired = false;
  scheduler.schedule(0ms, [&] { fired = true; });
  EXPECT_FALSE(fired);
  scheduler.runDue();
  EXPECT_TRUE(fired);
}

TEST(ManualSchedulerTest, WallTimeFollowsAdvanceAndCanBeSet) {
  ManualScheduler scheduler;
  const auto wall = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  scheduler.setWallTime(wall);
  scheduler.advance(90s);
  EXPECT_EQ(scheduler.wallNow(), wall + 90s);
}

TEST(ManualSchedulerTest, HandlesManyPendingTimers) {
  ManualScheduler scheduler;
  std::vector<Scheduler::TimerId> ids;
  int fired = 0;
  for (int i = 0; i < 100000; ++i) {
    ids.push_back(scheduler.schedule(std::chrono::milliseconds(i % 977), [&] { ++fired; }));
  }
  for (std::size_t i = 0; i < ids.size(); i += 2) scheduler.cancel(ids[i]);
  EXPECT_EQ(scheduler.pendingTimers(), 50000u);
  scheduler.advance(1s);
  EXPECT_EQ(fired, 50000);
}

}  // namespace
}  // namespace lwm2m::coap
