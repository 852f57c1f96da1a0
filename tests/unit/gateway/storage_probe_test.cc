#include "gateway/core/storage_probe.h"

#include <gtest/gtest.h>

#include <deque>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

// The database as the probe sees it: each probe waits here until the test answers it.
struct FakeStore {
  std::deque<std::function<void(Result<void>)>> waiting;
  int submitted = 0;
  void answer(Result<void> result) {
    auto done = std::move(waiting.front());
    waiting.pop_front();
    done(std::move(result));
  }
};

struct ProbeFixture : ::testing::Test {
  coap::ManualScheduler clock;
  FakeStore store;
  StorageProbe probe{clock, 5s,
                     [this](std::function<void(Result<void>)> done) {
                       ++store.submitted;
                       store.waiting.push_back(std::move(done));
                     },
                     [](std::function<void()> f) { f(); }};
};

TEST_F(ProbeFixture, WritableOnlyOnceAProbeCommitted) {
  probe.start();
  EXPECT_EQ(store.submitted, 1);
  EXPECT_FALSE(probe.writable());
  EXPECT_EQ(probe.detail(), "no probe write has completed yet");
  clock.advance(20ms);
  store.answer({});
  EXPECT_TRUE(probe.writable());
  EXPECT_DOUBLE_EQ(probe.lastCommitSeconds(), 0.02);
  clock.advance(2s);
  EXPECT_EQ(probe.detail(), "last probe write committed 2 s ago");
}

TEST_F(ProbeFixture, AFailedProbeMakesItUnwritableUntilOneCommitsAgain) {
  probe.start();
  store.answer({});
  clock.advance(5s);
  ASSERT_EQ(store.submitted, 2);
  store.answer(fail(ErrorCode::StoreFailed, "gateway.db: database or disk is full"));
  EXPECT_FALSE(probe.writable());
  EXPECT_EQ(probe.detail(), "probe write failed: gateway.db: database or disk is full");
  EXPECT_EQ(probe.failures(), 1u);
  clock.advance(5s);
  store.answer({});
  EXPECT_TRUE(probe.writable());
  EXPECT_EQ(probe.failures(), 1u);
}

TEST_F(ProbeFixture, AProbeThatNeverComesBackMakesItUnwritableAndIsNotRepeated) {
  probe.start();
  store.answer({});
  clock.advance(5s);  // the second probe hangs (writer stuck)
  ASSERT_EQ(store.submitted, 2);
  clock.advance(14s);
  EXPECT_TRUE(probe.writable()) << "within 3 intervals a slow commit is still fine";
  clock.advance(2s);
  EXPECT_FALSE(probe.writable());
  EXPECT_EQ(probe.detail(), "no probe write committed for 16 s");
  EXPECT_EQ(store.submitted, 2) << "probes must not pile up behind a stuck one";
  store.answer({});
  EXPECT_TRUE(probe.writable());
  clock.advance(5s);
  EXPECT_EQ(store.submitted, 3);
}

TEST(StorageProbe, ACompletionAfterDestructionDoesNothing) {
  coap::ManualScheduler clock;
  std::function<void(Result<void>)> late;
  {
    StorageProbe probe(clock, 1s, [&late](auto done) { late = std::move(done); },
                       [](std::function<void()> f) { f(); });
    probe.start();
  }
  ASSERT_TRUE(late);
  late({});  // must not touch the destroyed probe (ASan would see it)
  clock.advance(10s);
}

}  // namespace
}  // namespace lwm2m::gateway
