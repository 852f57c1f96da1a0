// The package store: packages named by their SHA-256, whole or absent,
// stored once, read in blocks, swept when unused.
#include "gateway/core/package_spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace lwm2m::gateway {
namespace {

namespace fs = std::filesystem;

// SHA-256("abc"), FIPS 180-2 appendix B.1.
constexpr std::string_view kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::span<const std::uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class PackageSpoolTest : public ::testing::Test {
 protected:
  PackageSpoolTest() : dir_(fs::temp_directory_path() / ("spool-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
  }
  ~PackageSpoolTest() override { fs::remove_all(dir_); }

  api::PackageInfo store(PackageSpool& spool, std::string_view content) {
    auto upload = spool.beginUpload();
    EXPECT_TRUE(upload);
    EXPECT_TRUE((*upload)->write(bytes(content)));
    auto info = (*upload)->finish();
    EXPECT_TRUE(info) << info.error().message;
    return *info;
  }
  std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(PackageSpoolTest, PackageIsNamedByItsSha256AndStoredOnce) {
  PackageSpool spool(dir_, 1024);
  auto upload = spool.beginUpload();
  ASSERT_TRUE(upload);
  ASSERT_TRUE((*upload)->write(bytes("a")));
  ASSERT_TRUE((*upload)->write(bytes("bc")));  // in pieces, as a body arrives
  auto info = (*upload)->finish();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->sha256, kAbc);
  EXPECT_EQ(info->size, 3u);
  EXPECT_EQ(spool.file(kAbc), dir_ / (std::string(kAbc) + ".bin"));
  EXPECT_EQ(store(spool, "abc").sha256, kAbc);
  EXPECT_EQ(files(), 1u) << "the same package twice is one file";
}

TEST_F(PackageSpoolTest, UnfinishedOrOversizeUploadsLeaveNothing) {
  PackageSpool spool(dir_, 4);
  {
    auto upload = spool.beginUpload();
    ASSERT_TRUE((*upload)->write(bytes("ab")));
    auto refused = (*upload)->write(bytes("cde"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::Invalid);
    EXPECT_NE(refused.error().message.find("firmware.max_size"), std::string::npos);
  }
  EXPECT_EQ(files(), 0u);
  // An upload cut by a crash is removed at the next start.
  std::ofstream(dir_ / ".upload-abc123") << "half";
  PackageSpool again(dir_, 4);
  EXPECT_EQ(files(), 0u);
}

TEST_F(PackageSpoolTest, UploadsStayAboveTheStorageReserve) {
  PackageSpool spool(dir_, 1024);
  Result<std::uint64_t> room = std::uint64_t{5};
  spool.setRoom([&] { return room; });
  {
    auto upload = spool.beginUpload();
    ASSERT_TRUE(upload);
    EXPECT_TRUE((*upload)->expectSize(5));
    EXPECT_EQ((*upload)->expectSize(6).error().code, ErrorCode::StorageFull) << "told before the body";
    EXPECT_EQ((*upload)->expectSize(2000).error().code, ErrorCode::Invalid) << "firmware.max_size comes first";
    ASSERT_TRUE((*upload)->write(bytes("abc")));
    room = std::uint64_t{1000};  // room measured later counts this upload's own bytes: the budget stays 5
    auto refused = (*upload)->write(bytes("def"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::StorageFull);
    EXPECT_NE(refused.error().message.find("storage.reserve_kb"), std::string::npos) << refused.error().message;
  }
  EXPECT_EQ(files(), 0u) << "the refused upload's temporary file is gone";

  {
    auto upload = spool.beginUpload();
    ASSERT_TRUE(upload);
    ASSERT_TRUE((*upload)->write(bytes("abc")));
    room = fail(ErrorCode::StorageFull, "storage full: free room 1 KiB");  // the disk filled meanwhile
    auto refused = (*upload)->write(bytes("d"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "storage full: free room 1 KiB");
  }
  EXPECT_FALSE(spool.beginUpload()) << "no upload starts while the storage is full";
  EXPECT_EQ(files(), 0u);

  room = std::uint64_t{1000};
  EXPECT_EQ(store(spool, "abc").sha256, kAbc);
}

TEST_F(PackageSpoolTest, ReaderReadsAnyBlockAndNothingPastTheEnd) {
  PackageSpool spool(dir_, 1 << 20);
  std::string content;
  for (int i = 0; i < 3000; ++i) content += static_cast<char>('a' + i % 26);
  const auto info = store(spool, content);
  auto reader = spool.open(info.sha256);
  ASSERT_TRUE(reader);
  EXPECT_EQ((*reader)->size(), 3000u);
  std::vector<std::uint8_t> block(1024);
  ASSERT_TRUE((*reader)->read(1024, block));
  EXPECT_EQ(std::string(block.begin(), block.end()), content.substr(1024, 1024));
  std::vector<std::uint8_t> tail(952);
  ASSERT_TRUE((*reader)->read(2048, tail));
  EXPECT_EQ(std::string(tail.begin(), tail.end()), content.substr(2048));
  EXPECT_FALSE((*reader)->read(2048, block)) << "past the end";
  auto missing = spool.open(std::string(64, '0'));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  EXPECT_FALSE(spool.open("../../etc/passwd")) << "only sha256 names";
}

TEST_F(PackageSpoolTest, StoresAFileByCopy) {
  PackageSpool spool(dir_ / "store", 1024);
  const fs::path source = dir_ / "image.bin";
  std::ofstream(source) << "abc";
  auto info = spool.storeFile(source);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->sha256, kAbc);
  EXPECT_TRUE(fs::exists(source)) << "the original stays";
  EXPECT_FALSE(spool.storeFile(dir_ / "missing.bin"));
}

TEST_F(PackageSpoolTest, SweepRemovesOnlyOldUnusedPackages) {
  PackageSpool spool(dir_, 1024);
  const auto old = store(spool, "old");
  const auto used = store(spool, "used, but old");
  const auto fresh = store(spool, "fresh");
  const auto past = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(*spool.file(old.sha256), past);
  fs::last_write_time(*spool.file(used.sha256), past);
  EXPECT_EQ(spool.sweep(std::chrono::hours(1), [&](std::string_view sha) { return sha == used.sha256; }), 1u);
  EXPECT_FALSE(spool.file(old.sha256));
  EXPECT_TRUE(spool.file(used.sha256));
  EXPECT_TRUE(spool.file(fresh.sha256));
  spool.touch(used.sha256);  // named by a new command: its retention starts again
  EXPECT_EQ(spool.sweep(std::chrono::hours(1), [](std::string_view) { return false; }), 0u);
}

}  // namespace
}  // namespace lwm2m::gateway
