#include "gateway/core/write_backlog_admission.h"

#include <gtest/gtest.h>

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;
using server::UplinkWork;

TEST(WriteBacklogAdmission, ShedsAboveTheBoundUntilThreeQuartersDrained) {
  std::size_t pending = 0;
  std::uint32_t draw = 0;
  WriteBacklogAdmission admission([&] { return pending; }, {100, 10s}, [&] { return draw; });
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

TEST(WriteBacklogAdmission, ZeroBoundNeverSheds) {
  WriteBacklogAdmission admission([] { return std::size_t{1} << 30; }, {0, 10s}, [] { return 0u; });
  EXPECT_FALSE(admission.retryAfter(UplinkWork::Register));
  EXPECT_FALSE(admission.retryAfter(UplinkWork::Send));
}

}  // namespace
}  // namespace lwm2m::gateway
