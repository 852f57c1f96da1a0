// What the gateway database does for a damaged file (moved aside on request)
// and for a small disk (its room measured, its write-ahead log truncated).

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "persistence/database.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::persistence {
namespace {

using testing::completed;
using testing::openOrFail;
using testing::registration;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr const char* kGarbage = "not a database, just bytes ";

void writeGarbage(const fs::path& file) {
  std::ofstream out(file, std::ios::binary);
  for (int i = 0; i < 512; ++i) out << kGarbage;
}

std::string contentOf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

DatabaseOptions moveAside() {
  DatabaseOptions options;
  options.onDamaged = OnDamaged::MoveAside;
  return options;
}

TEST(DamagedDatabase, IsMovedAsideWithTheTimeInItsNameAndTheGatewayStartsEmpty) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  writeGarbage(file);

  auto db = openOrFail(temp.path(), moveAside());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->movedAside());
  const fs::path moved = db->movedAside()->movedTo;
  EXPECT_EQ(moved.parent_path(), temp.path());
  EXPECT_TRUE(std::regex_match(moved.filename().string(), std::regex(R"(gateway\.db\.damaged-\d{8}T\d{6}Z)")))
      << moved;
  EXPECT_NE(db->movedAside()->reason.find("not a SQLite database"), std::string::npos) << db->movedAside()->reason;
  EXPECT_EQ(contentOf(moved).substr(0, 27), kGarbage) << "kept as it was, for inspection";

  EXPECT_TRUE(db->registrations().loadAll().value().empty());
  EXPECT_TRUE(completed([&](auto done) { db->registrations().upsert(registration("sensor-1", "r1"), done); }));
  EXPECT_EQ(db->registrations().loadAll().value().size(), 1u);
}

TEST(DamagedDatabase, IsRefusedByDefaultAndLeftInPlace) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  writeGarbage(file);
  auto opened = Database::open(temp.path());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::StoreFailed) << "damage is told apart from other open errors";
  EXPECT_EQ(contentOf(file).substr(0, 27), kGarbage);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(temp.path())) ++files;
  EXPECT_EQ(files, 2) << "gateway.db and its lock file only";
}

TEST(DamagedDatabase, AForeignOrNewerDatabaseIsNeverMoved) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  {
    SQLite::Database raw(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE inventory (item TEXT); INSERT INTO inventory VALUES ('bolts')");
  }
  auto opened = Database::open(temp.path(), moveAside());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("not a gateway database"), std::string::npos);
  EXPECT_EQ(opened.error().code, ErrorCode::Invalid);
  SQLite::Database raw(file, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("SELECT item FROM inventory").getString(), "bolts");
}

TEST(DatabaseSpace, CountsPagesInUseAndTheirLimit) {
  TempDir temp;
  DatabaseOptions options;
  options.maxSizeBytes = 4 * 1024 * 1024;
  auto db = openOrFail(temp.path(), options);
  ASSERT_TRUE(db);
  const DatabaseSpace empty = db->space().value();
  EXPECT_EQ(empty.limitBytes, 4u * 1024 * 1024);
  for (int i = 0; i < 300; ++i) {
    RegistrationRecord r = registration("device-" + std::to_string(i), "r" + std::to_string(i));
    r.objectLinks = std::string(1000, 'x');
    db->registrations().upsert(std::move(r), nullptr);
  }
  ASSERT_TRUE(completed([&](auto done) { db->probe(done); }));
  const DatabaseSpace full = db->space().value();
  EXPECT_GT(full.usedBytes, empty.usedBytes + 300 * 1000);
  EXPECT_GT(full.walBytes, 0u);

  for (int i = 0; i < 300; ++i) db->registrations().remove("device-" + std::to_string(i), nullptr);
  ASSERT_TRUE(completed([&](auto done) { db->probe(done); }));
  EXPECT_LT(db->space().value().usedBytes, full.usedBytes / 2) << "freed pages are room again";
}

TEST(DatabaseSpace, ACheckpointTruncatesTheLog) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  for (int i = 0; i < 100; ++i) {
    db->registrations().upsert(registration("device-" + std::to_string(i), "r" + std::to_string(i)), nullptr);
  }
  ASSERT_TRUE(completed([&](auto done) { db->probe(done); }));
  ASSERT_GT(fs::file_size(fs::path(db->file()) += "-wal"), 0u);
  EXPECT_TRUE(completed([&](auto done) { db->checkpoint(done); }));
  EXPECT_EQ(fs::file_size(fs::path(db->file()) += "-wal"), 0u);
  EXPECT_EQ(db->registrations().loadAll().value().size(), 100u) << "nothing lost";
  EXPECT_TRUE(completed([&](auto done) { db->registrations().upsert(registration("device-x", "rx"), done); }))
      << "writes go on after it";
}

TEST(DatabaseSpace, TheLogIsBoundedByCheckpointsOnItsOwn) {
  TempDir temp;
  DatabaseOptions options;
  options.walLimitBytes = 128 * 1024;
  auto db = openOrFail(temp.path(), options);
  ASSERT_TRUE(db);
  for (int i = 0; i < 2000; ++i) {
    RegistrationRecord r = registration("device-" + std::to_string(i % 50), "r" + std::to_string(i));
    r.objectLinks = std::string(2000, 'x');
    ASSERT_TRUE(completed([&](auto done) { db->registrations().upsert(std::move(r), done); }));
  }
  // The log is reset after each automatic checkpoint and cut back to the
  // limit: it never keeps the ~4 MB these writes went through.
  EXPECT_LE(fs::file_size(fs::path(db->file()) += "-wal"), 2 * options.walLimitBytes);
}

}  // namespace
}  // namespace lwm2m::persistence
