#include "gateway/daemon/held_signals.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

namespace lwm2m::gateway {
namespace {

volatile sig_atomic_t hangups = 0;
void countHangup(int) { hangups = hangups + 1; }

// SIGHUP counted by a handler of the test's own for the test's duration.
class HeldStopSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hangups = 0;
    struct sigaction counting {};
    counting.sa_handler = countHangup;
    sigemptyset(&counting.sa_mask);
    sigaction(SIGHUP, &counting, &before_);
  }
  void TearDown() override { sigaction(SIGHUP, &before_, nullptr); }

  static bool blocked(int signal) {
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, nullptr, &now);
    return sigismember(&now, signal) == 1;
  }

  // A SIGHUP raised while `held` holds waits for the release, then comes
  // once, and nothing stays blocked.
  static void expectHeldUntilTheRelease(HeldStopSignals& held) {
    raise(SIGHUP);
    EXPECT_EQ(hangups, 0) << "delivered while held";
    held.release();
    EXPECT_EQ(hangups, 1) << "not delivered at the release";
    EXPECT_FALSE(blocked(SIGHUP));
    EXPECT_FALSE(blocked(SIGTERM));
  }

  struct sigaction before_ {};
};

TEST_F(HeldStopSignalsTest, ASignalThatComesWhileHeldIsDeliveredAtTheRelease) {
  HeldStopSignals held;
  EXPECT_TRUE(blocked(SIGTERM));
  EXPECT_TRUE(blocked(SIGINT));
  expectHeldUntilTheRelease(held);
  held.release();  // a second release changes nothing
  EXPECT_EQ(hangups, 1);
}

TEST_F(HeldStopSignalsTest, GoingOutOfScopeReleases) {
  {
    HeldStopSignals held;
    raise(SIGHUP);
    EXPECT_EQ(hangups, 0);
  }
  EXPECT_EQ(hangups, 1);
  EXPECT_FALSE(blocked(SIGHUP));
}

TEST_F(HeldStopSignalsTest, ReleaseUnblocksThemWhateverMaskTheProcessStartedWith) {
  // As after the gateway executed itself again, or a parent that left them blocked.
  sigset_t inherited;
  sigemptyset(&inherited);
  sigaddset(&inherited, SIGHUP);
  sigaddset(&inherited, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &inherited, nullptr);
  HeldStopSignals held;
  expectHeldUntilTheRelease(held);
}

}  // namespace
}  // namespace lwm2m::gateway
