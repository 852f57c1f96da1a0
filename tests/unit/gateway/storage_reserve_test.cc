#include "gateway/core/storage_reserve.h"

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <vector>

#include "gateway/core/storage_admission.h"
#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;
using api::StorageState;

constexpr std::uint64_t kKiB = 1024;

// The data directory as the reserve sees it: the test sets the free room and
// the log size; checkpoints wait until the test answers them.
struct FakeDisk {
  std::optional<SpaceReading> reading = SpaceReading{100 * kKiB * kKiB, 0, "filesystem of /data"};
  std::string measureError;
  std::deque<std::function<void(Result<void>)>> checkpoints;
  std::optional<std::string> probeProblem;
};

// Commands as the command service would take them: all accepted.
struct AcceptingCommands : api::DeviceOps {
  int submitted = 0;
  void submit(api::Command, std::function<void(Result<std::string>)> accepted) override {
    ++submitted;
    accepted(std::string("q-1"));
  }
  std::vector<api::QueuedCommand> queued(const std::string&) const override { return {}; }
  Result<void> cancel(const std::string&) override { return {}; }
};

struct ReserveFixture : ::testing::Test {
  coap::ManualScheduler clock;
  FakeDisk disk;
  std::vector<api::StorageCondition> told;
  StorageReserve reserve{clock,
                         StorageReserveSettings{1024 * kKiB, 256 * kKiB, 1000ms},
                         [this]() -> Result<SpaceReading> {
                           if (!disk.measureError.empty()) return fail(disk.measureError);
                           return *disk.reading;
                         },
                         [this](std::function<void(Result<void>)> done) { disk.checkpoints.push_back(std::move(done)); },
                         [](std::function<void()> f) { f(); },
                         [this] { return disk.probeProblem; }};

  ReserveFixture() {
    reserve.setListener([this](const api::StorageCondition& c) { told.push_back(c); });
  }
  void setFree(std::uint64_t bytes) { disk.reading->freeBytes = bytes; }
};

TEST_F(ReserveFixture, FullBelowTheReserveAndToldOnceEachWay) {
  reserve.start();
  EXPECT_EQ(reserve.condition().state, StorageState::Ok);
  EXPECT_TRUE(told.empty());

  setFree(900 * kKiB);
  clock.advance(1s);
  ASSERT_TRUE(reserve.full());
  EXPECT_EQ(reserve.condition().reason,
            "free room 900.0 KiB (filesystem of /data) is below the reserve of 1.0 MiB (storage.reserve_kb); "
            "new commands are refused until room returns");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].state, StorageState::Full);
  EXPECT_EQ(told[0].freeBytes, 900 * kKiB);

  setFree(800 * kKiB);
  clock.advance(1s);
  EXPECT_EQ(told.size(), 1u) << "still full: nothing new to tell";
  EXPECT_EQ(reserve.condition().freeBytes, 800 * kKiB) << "the health report sees the latest room";
}

TEST_F(ReserveFixture, RecoversWithoutRestartOnlyWellAboveTheReserve) {
  setFree(100 * kKiB);
  reserve.start();
  ASSERT_TRUE(reserve.full());

  setFree(1100 * kKiB);  // above the reserve, below reserve + 1/8
  clock.advance(1s);
  EXPECT_TRUE(reserve.full()) << "no flapping at the edge";

  setFree(1200 * kKiB);
  clock.advance(1s);
  EXPECT_FALSE(reserve.full());
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].state, StorageState::Ok);
  EXPECT_TRUE(told[1].reason.empty());
}

TEST_F(ReserveFixture, RefusesNewCommandsWhileFullAndPassesThemOtherwise) {
  AcceptingCommands commands;
  StorageAdmission admission(commands, reserve);
  std::optional<Result<std::string>> answer;
  const auto submit = [&] {
    admission.submit(api::Command{}, [&](Result<std::string> r) { answer = std::move(r); });
  };

  reserve.start();
  submit();
  ASSERT_TRUE(answer && answer->ok());
  EXPECT_EQ(commands.submitted, 1);

  setFree(10 * kKiB);
  clock.advance(1s);
  submit();
  ASSERT_TRUE(answer && !answer->ok());
  EXPECT_EQ(answer->error().code, ErrorCode::StorageFull);
  EXPECT_EQ(answer->error().message.rfind("storage full: free room 10.0 KiB", 0), 0u) << answer->error().message;
  EXPECT_EQ(commands.submitted, 1) << "the refused command never reached the command service";
  EXPECT_EQ(reserve.refused(), 1u);
  EXPECT_TRUE(admission.cancel("q-1").ok()) << "a cancel frees room: never refused";

  setFree(10 * kKiB * kKiB);
  clock.advance(1s);
  submit();
  EXPECT_TRUE(answer && answer->ok());
  EXPECT_EQ(commands.submitted, 2);
}

TEST_F(ReserveFixture, PackagesMayTakeOnlyTheRoomAboveTheReserve) {
  reserve.start();
  setFree(3000 * kKiB);
  clock.advance(1s);
  auto room = reserve.roomAboveReserve();
  ASSERT_TRUE(room);
  EXPECT_EQ(*room, (3000 - 1024) * kKiB);

  setFree(900 * kKiB);
  clock.advance(1s);
  room = reserve.roomAboveReserve();
  ASSERT_FALSE(room);
  EXPECT_EQ(room.error().code, ErrorCode::StorageFull);
  EXPECT_EQ(reserve.refused(), 0u) << "asking for room is not a refused command";
}

TEST_F(ReserveFixture, CheckpointsALargeLogOneAtATime) {
  disk.reading->walBytes = 100 * kKiB;
  reserve.start();
  EXPECT_TRUE(disk.checkpoints.empty()) << "a log within its bound is left alone";

  disk.reading->walBytes = 300 * kKiB;
  clock.advance(1s);
  ASSERT_EQ(disk.checkpoints.size(), 1u);
  clock.advance(1s);
  EXPECT_EQ(disk.checkpoints.size(), 1u) << "never a second one behind a running checkpoint";
  auto done = std::move(disk.checkpoints.front());
  disk.checkpoints.pop_front();
  done({});
  clock.advance(1s);
  EXPECT_EQ(disk.checkpoints.size(), 1u) << "still large: checkpointed again";
  EXPECT_EQ(reserve.checkpoints(), 2u);
}

TEST_F(ReserveFixture, WhileFullAnyLogIsCheckpointedToGiveItsRoomBack) {
  disk.reading->walBytes = 8 * kKiB;
  setFree(10 * kKiB);
  reserve.start();
  ASSERT_TRUE(reserve.full());
  EXPECT_EQ(disk.checkpoints.size(), 1u);
}

TEST_F(ReserveFixture, AFailingProbeOrMeasureIsFailingNotFull) {
  reserve.start();
  disk.probeProblem = "probe write failed: gateway.db: disk I/O error";
  clock.advance(1s);
  EXPECT_EQ(reserve.condition().state, StorageState::Failing);
  EXPECT_EQ(reserve.condition().reason, "probe write failed: gateway.db: disk I/O error");
  EXPECT_TRUE(reserve.admit().ok()) << "commands fail on their own; storage_full would be wrong";

  disk.probeProblem.reset();
  disk.measureError = "statvfs /data: Permission denied";
  clock.advance(1s);
  EXPECT_EQ(reserve.condition().state, StorageState::Failing);
  EXPECT_EQ(reserve.condition().reason, "cannot measure the free room: statvfs /data: Permission denied");

  disk.measureError.clear();
  clock.advance(1s);
  EXPECT_EQ(reserve.condition().state, StorageState::Ok);
  ASSERT_EQ(told.size(), 2u) << "failing (probe, then measure) is one state; then ok";
  EXPECT_EQ(told[1].state, StorageState::Ok);
}

TEST_F(ReserveFixture, TheStorageEventHasNoDeviceAndCarriesTheCondition) {
  setFree(1);
  reserve.start();
  const auto at = clock.wallNow();
  api::DeviceEvent event = storageEvent(reserve.condition(), at);
  EXPECT_EQ(event.kind, api::DeviceEventKind::Storage);
  EXPECT_TRUE(event.device.endpoint.empty());
  ASSERT_TRUE(event.storage);
  EXPECT_EQ(event.storage->state, StorageState::Full);
  EXPECT_EQ(event.reason, reserve.condition().reason);
  EXPECT_EQ(api::toString(api::DeviceEventKind::Storage), "storage");
}

TEST(DescribeBytes, PicksTheUnit) {
  EXPECT_EQ(describeBytes(100), "100 B");
  EXPECT_EQ(describeBytes(1536), "1.5 KiB");
  EXPECT_EQ(describeBytes(8 * kKiB * kKiB), "8.0 MiB");
}

}  // namespace
}  // namespace lwm2m::gateway
