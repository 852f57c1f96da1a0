#include "gateway/core/backlog_admission.h"

#include <gtest/gtest.h>

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;
using server::UplinkWork;

Backlog measured(const std::size_t& amount) {
  return Backlog{[&amount] { return amount; }, "database writes wait for the disk", "lwm2m.overload_pending_writes"};
}

TEST(BacklogAdmission, ShedsAboveTheBoundUntilThreeQuartersDrained) {
  std::size_t pending = 0;
  std::uint32_t draw = 0;
  BacklogAdmission admission(measured(pending), {100, 10s}, [&] { return draw; });
  EXPECT_FALSE(admission.retryAfter(UplinkWork::Register));
  pending = 100;
  EXPECT_FALSE(admission.retryAfter(UplinkWork::Register)) << "at the bound: still admitted";
  pending = 101;
  EXPECT_EQ(admission.retryAfter(UplinkWork::Register), 10s);
  EXPECT_TRUE(admission.shedding());
  draw = 7;
  EXPECT_EQ(admission.retryAfter(UplinkWork::Send), 17s) << "Max-Age spread between retry and twice it";
  draw = 10;
  EXPECT_EQ(admission.retryAfter(UplinkWork::Send), 20s);
  pending = 80;
  EXPECT_TRUE(admission.retryAfter(UplinkWork::Register)) << "no flapping just below the bound";
  pending = 75;
  EXPECT_FALSE(admission.retryAfter(UplinkWork::Register));
  EXPECT_FALSE(admission.shedding());
}

TEST(BacklogAdmission, ZeroBoundNeverSheds) {
  const std::size_t pending = std::size_t{1} << 30;
  BacklogAdmission admission(measured(pending), {0, 10s}, [] { return 0u; });
  EXPECT_FALSE(admission.retryAfter(UplinkWork::Register));
  EXPECT_FALSE(admission.retryAfter(UplinkWork::Send));
}

TEST(AdmissionChain, TheFirstRefusalWinsAndEachBacklogKeepsItsOwnEpisode) {
  std::size_t writes = 0;
  std::size_t queuedPercent = 0;
  BacklogAdmission writeBacklog(measured(writes), {100, 10s}, [] { return 0u; });
  BacklogAdmission receiveBacklog(
      Backlog{[&] { return queuedPercent; }, "% of a receive buffer is queued", "lwm2m.overload_receive_queue_percent"},
      {25, 30s}, [] { return 0u; });
  server::AdmissionChain chain{&writeBacklog, &receiveBacklog};
  EXPECT_FALSE(chain.retryAfter(UplinkWork::Register));
  queuedPercent = 40;
  EXPECT_EQ(chain.retryAfter(UplinkWork::Register), 30s) << "the receive queue alone sheds";
  writes = 500;
  EXPECT_EQ(chain.retryAfter(UplinkWork::Send), 10s) << "the first one asked wins";
  EXPECT_TRUE(writeBacklog.shedding());
  writes = 0;
  queuedPercent = 10;
  EXPECT_FALSE(chain.retryAfter(UplinkWork::Register));
  EXPECT_FALSE(writeBacklog.shedding());
  EXPECT_FALSE(receiveBacklog.shedding()) << "asked while the first admitted, so its episode ended too";
}

}  // namespace
}  // namespace lwm2m::gateway
