// FirmwareService: packages named by commands are stored before the command
// is queued (file sources only inside the allowed directory), pull mode turns
// into a Write of the gateway's URI, and transfers report their progress.
#include "gateway/core/firmware_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using operations::DeviceRequest;

constexpr std::string_view kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

class RecordingOps : public api::DeviceOps {
 public:
  void submit(api::Command command, std::function<void(Result<std::string>)> accepted) override {
    submitted.push_back(command);
    accepted("q" + std::to_string(submitted.size()));
  }
  std::vector<api::QueuedCommand> queued(const std::string&) const override { return {}; }
  Result<void> cancel(const std::string&) override { return {}; }
  std::vector<api::Command> submitted;
};

class NoDevices : public api::DeviceDirectory {
 public:
  std::vector<api::DeviceInfo> devices() const override { return {}; }
  std::optional<api::DeviceInfo> find(std::string_view) const override { return std::nullopt; }
};

class FirmwareServiceTest : public ::testing::Test {
 protected:
  FirmwareServiceTest() : root_(fs::temp_directory_path() / ("fwsvc-" + std::to_string(::getpid()))) {
    fs::remove_all(root_);
    fs::create_directories(root_ / "allowed");
    std::ofstream(root_ / "allowed" / "abc.bin") << "abc";
    std::ofstream(root_ / "secret.bin") << "abc";
    spool_.emplace(root_ / "spool", 1 << 20);
    FirmwareSettings settings;
    settings.allowedDir = root_ / "allowed";
    settings.pullUri = "coap://127.0.0.1:5683";
    settings.blockSize = 1024;
    service_.emplace(ops_, *spool_, devices_, scheduler_, settings,
                     [this](const api::DeviceEvent& e) { events_.push_back(e); });
  }
  ~FirmwareServiceTest() override {
    service_.reset();
    fs::remove_all(root_);
  }

  Result<std::string> submit(const std::string& source, model::Path path = model::Path(5, 0, 0)) {
    api::Command command{"dev", DeviceRequest::writePackage(path, {source, {}, 0}), {}};
    std::optional<Result<std::string>> out;
    service_->submit(command, [&](Result<std::string> id) { out = std::move(id); });
    return std::move(*out);
  }

  fs::path root_;
  coap::ManualScheduler scheduler_;
  RecordingOps ops_;
  NoDevices devices_;
  std::optional<PackageSpool> spool_;
  std::optional<FirmwareService> service_;
  std::vector<api::DeviceEvent> events_;
};

TEST_F(FirmwareServiceTest, FileInsideTheAllowedDirectoryIsStoredThenQueuedByName) {
  auto id = submit((root_ / "allowed" / "abc.bin").string());
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_EQ(ops_.submitted.size(), 1u);
  const DeviceRequest& queued = ops_.submitted[0].request;
  ASSERT_TRUE(queued.package);
  EXPECT_EQ(queued.package->sha256, kAbcSha256);
  EXPECT_EQ(queued.package->size, 3u);
  EXPECT_TRUE(queued.package->source.empty()) << "the queue keeps the name, not the source";
  EXPECT_TRUE(spool_->file(kAbcSha256));
  auto progress = service_->progress(*id);
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->state, api::TransferState::Queued);
  EXPECT_EQ(progress->totalBlocks, 1u);
}

TEST_F(FirmwareServiceTest, FilesOutsideTheAllowedDirectoryAreRefused) {
  auto outside = submit((root_ / "secret.bin").string());
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(outside.error().message.find("firmware.allowed_dir"), std::string::npos);
  auto sneaky = submit((root_ / "allowed" / ".." / "secret.bin").string());
  ASSERT_FALSE(sneaky);
  EXPECT_EQ(sneaky.error().code, ErrorCode::Unauthorized);
  auto relative = submit("abc.bin");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().code, ErrorCode::Invalid);
  auto url = submit("https://example.com/fw.bin");
  ASSERT_FALSE(url) << "no downloader given";
  EXPECT_TRUE(ops_.submitted.empty());
}

TEST_F(FirmwareServiceTest, PackageUriBecomesTheGatewaysUriOfThePackage) {
  auto id = submit((root_ / "allowed" / "abc.bin").string(), model::Path(5, 0, 1));
  ASSERT_TRUE(id);
  const DeviceRequest& queued = ops_.submitted.at(0).request;
  EXPECT_FALSE(queued.package);
  ASSERT_TRUE(queued.node && queued.node->resource());
  EXPECT_EQ(queued.node->resource()->value(),
            model::Value::string("coap://127.0.0.1:5683/fw/" + std::string(kAbcSha256)));
  EXPECT_EQ(service_->progress(*id)->mode, api::TransferMode::Pull);
}

TEST_F(FirmwareServiceTest, ProgressIsKeptAndPublishedAtMostOnceASecond) {
  std::string big(5000, 'x');
  std::ofstream(root_ / "allowed" / "big.bin") << big;
  auto id = submit((root_ / "allowed" / "big.bin").string());
  ASSERT_TRUE(id);
  const DeviceRequest queued = ops_.submitted.at(0).request;
  service_->onPushed("dev", queued, 1024, 5000);
  service_->onPushed("dev", queued, 2048, 5000);
  ASSERT_EQ(events_.size(), 1u) << "the second within the same second is kept, not published";
  EXPECT_EQ(events_[0].kind, api::DeviceEventKind::Progress);
  EXPECT_EQ(events_[0].transfer->bytes, 1024u);
  auto now = service_->latestTransfer("dev");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->bytes, 2048u);
  EXPECT_EQ(now->blocks, 2u);
  EXPECT_EQ(now->totalBlocks, 5u);
  EXPECT_EQ(now->state, api::TransferState::Transferring);
  scheduler_.advance(1s);
  service_->onPushed("dev", queued, 3072, 5000);
  EXPECT_EQ(events_.size(), 2u);

  api::DeviceEvent done;
  done.kind = api::DeviceEventKind::Response;
  done.command = api::CommandInfo{*id, queued, {}, operations::DeviceResponse{}, {}};
  service_->onDeviceEvent(done);
  scheduler_.runDue();
  EXPECT_EQ(service_->progress(*id)->state, api::TransferState::Delivered);
  EXPECT_EQ(service_->progress(*id)->bytes, 5000u);
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_.back().transfer->state, api::TransferState::Delivered);
}

}  // namespace
}  // namespace lwm2m::gateway
