// Opening gateway.db: creation, reopening, schema migrations and the errors a
// user gets for files and directories the gateway cannot use.

#include "persistence/database.h"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "tests/unit/persistence/persistence_test_support.h"
#include "persistence/connection.h"
#include "persistence/schema.h"

namespace lwm2m::persistence {
namespace {

using testing::completed;
using testing::openOrFail;
using testing::registration;
using testing::TempDir;
namespace fs = std::filesystem;

int pragmaInt(const fs::path& file, const char* pragma) {
  SQLite::Database db(file, SQLite::OPEN_READONLY);
  return db.execAndGet(pragma).getInt();
}

TEST(Database, CreatesMissingDirectoryAndFileInWalMode) {
  TempDir temp;
  const fs::path dir = temp.path() / "var" / "lib" / "lwm2m-gateway";
  auto db = openOrFail(dir);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->file(), dir / "gateway.db");
  EXPECT_TRUE(fs::is_regular_file(dir / "gateway.db"));
  EXPECT_EQ(db->schemaVersion(), kSchemaVersion);
  EXPECT_EQ(db->schemaVersionFound(), 0);

  SQLite::Database other(db->file(), SQLite::OPEN_READONLY);
  EXPECT_EQ(other.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(other.execAndGet("PRAGMA user_version").getInt(), kSchemaVersion);
}

TEST(Database, ReopenKeepsEveryKindOfRecord) {
  TempDir temp;
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(completed([&](auto done) {
      db->registrations().upsert(registration("sensor-1", "r1"), done);
    }));
    ObservationRecord observation{"sensor-1", {0x01, 0x00, 0xfe}, "/3303/0/5700",
                                  R"({"pmin":10})", 112, 42};
    ASSERT_TRUE(completed([&](auto done) { db->observations().put(observation, done); }));
    ASSERT_TRUE(completed([&](auto done) {
      db->requestQueue().enqueue(testing::queuedRequest("q1", "sensor-1"), done);
    }));
    ASSERT_TRUE(completed([&](auto done) {
      db->outbox().append(OutboxRecord{0, "lwm2m/sensor-1/3303/0/5700", {'2', '1'}, 1, false, 7},
                          done);
    }));
  }
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schemaVersionFound(), kSchemaVersion);
  auto registrations = db->registrations().loadAll();
  ASSERT_TRUE(registrations);
  ASSERT_EQ(registrations->size(), 1u);
  EXPECT_EQ(registrations->front(), registration("sensor-1", "r1"));
  auto observations = db->observations().loadAll();
  ASSERT_TRUE(observations);
  ASSERT_EQ(observations->size(), 1u);
  EXPECT_EQ(observations->front().token, (std::vector<std::uint8_t>{0x01, 0x00, 0xfe}));
  auto queued = db->requestQueue().loadAll();
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ(queued->front().requestId, "q1");
  auto outbox = db->outbox().loadOldest(10);
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->front().payload, (std::vector<std::uint8_t>{'2', '1'}));
}

TEST(Database, ASecondOpenOfTheSameDirectoryIsRefusedWhileTheFirstIsOpen) {
  TempDir temp;
  auto first = openOrFail(temp.path());
  ASSERT_TRUE(first);
  auto second = Database::open(temp.path());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find(temp.path().string()), std::string::npos);
  EXPECT_NE(second.error().message.find("in use by another gateway"), std::string::npos)
      << second.error().message;
  first.reset();
  EXPECT_TRUE(openOrFail(temp.path()));
}

TEST(Database, MigratesAFileWrittenBySchemaVersion1) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  {
    // What the first release wrote: registrations and observations only.
    SQLite::Database v1(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    v1.exec(R"sql(
      PRAGMA journal_mode = WAL;
      CREATE TABLE registration (
        endpoint TEXT PRIMARY KEY NOT NULL, registration_id TEXT NOT NULL UNIQUE,
        address TEXT NOT NULL, lwm2m_version TEXT NOT NULL, binding TEXT NOT NULL,
        queue_mode INTEGER NOT NULL, lifetime_s INTEGER NOT NULL, sms_number TEXT NOT NULL,
        root_path TEXT NOT NULL, object_links TEXT NOT NULL, registered_at_ms INTEGER NOT NULL,
        last_update_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL);
      CREATE TABLE observation (
        endpoint TEXT NOT NULL REFERENCES registration(endpoint) ON DELETE CASCADE,
        paths TEXT NOT NULL, token BLOB NOT NULL, attributes TEXT NOT NULL,
        content_format INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (endpoint, paths));
      CREATE INDEX observation_token ON observation(token);
      INSERT INTO registration VALUES ('meter-7', 'r7', '198.51.100.4:56830', '1.0', 'U', 0,
        300, '', '/', '</3/0>', 1000, 2000, 302000);
      INSERT INTO observation VALUES ('meter-7', '/3/0/9', x'0a0b', '{}', 110, 1500);
      PRAGMA application_id = 1280127559;
      PRAGMA user_version = 1;
    )sql");
  }
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schemaVersionFound(), 1);
  auto registrations = db->registrations().loadAll();
  ASSERT_TRUE(registrations);
  ASSERT_EQ(registrations->size(), 1u);
  EXPECT_EQ(registrations->front().endpoint, "meter-7");
  EXPECT_EQ(registrations->front().lifetimeSeconds, 300u);
  EXPECT_EQ(registrations->front().expiresAtMs, 302000);
  // Version 3 columns of an older observation read as "unknown registration", single path.
  auto observations = db->observations().loadAll();
  ASSERT_TRUE(observations);
  ASSERT_EQ(observations->size(), 1u);
  EXPECT_EQ(observations->front().paths, "/3/0/9");
  EXPECT_EQ(observations->front().registrationId, "");
  EXPECT_FALSE(observations->front().composite);
  // The tables of version 2 are there and usable.
  ASSERT_TRUE(completed([&](auto done) {
    db->requestQueue().enqueue(testing::queuedRequest("q1", "meter-7"), done);
  }));
  EXPECT_EQ(db->requestQueue().countByEndpoint("meter-7").value(), 1u);
  db->close();
  EXPECT_EQ(pragmaInt(file, "PRAGMA user_version"), kSchemaVersion);
}

TEST(Database, RefusesAFileFromANewerGateway) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  ASSERT_TRUE(openOrFail(temp.path()));
  {
    SQLite::Database raw(file, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 99");
  }
  auto opened = Database::open(temp.path());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(file.string()), std::string::npos);
  EXPECT_NE(opened.error().message.find("schema version 99"), std::string::npos);
  EXPECT_NE(opened.error().message.find("newer gateway"), std::string::npos);
  // Refusing did not touch the file.
  EXPECT_EQ(pragmaInt(file, "PRAGMA user_version"), 99);
}

TEST(Database, RefusesASqliteFileOfAnotherApplication) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  {
    SQLite::Database raw(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE inventory (item TEXT); INSERT INTO inventory VALUES ('bolts')");
  }
  auto opened = Database::open(temp.path());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(file.string()), std::string::npos);
  EXPECT_NE(opened.error().message.find("not a gateway database"), std::string::npos);
}

TEST(Database, GarbageFileGivesAnErrorNamingTheFile) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  {
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "not a database, just bytes ";
  }
  auto opened = Database::open(temp.path());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(file.string()), std::string::npos);
  EXPECT_NE(opened.error().message.find("not a SQLite database"), std::string::npos)
      << opened.error().message;
}

TEST(Database, TruncatedFileGivesAnErrorNamingTheFile) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    for (int i = 0; i < 400; ++i) {
      RegistrationRecord r = registration("device-" + std::to_string(i), "r" + std::to_string(i));
      r.objectLinks = std::string(300, 'x');
      db->registrations().upsert(std::move(r), nullptr);
    }
  }  // closing checkpoints the WAL into the main file
  const auto size = fs::file_size(file);
  ASSERT_GT(size, 64u * 1024u);
  fs::resize_file(file, size / 3);
  auto opened = Database::open(temp.path());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(file.string()), std::string::npos);
  EXPECT_NE(opened.error().message.find("damaged"), std::string::npos) << opened.error().message;
}

TEST(Database, OverwrittenPagesGiveAnErrorNamingTheFile) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    for (int i = 0; i < 400; ++i) {
      RegistrationRecord r = registration("device-" + std::to_string(i), "r" + std::to_string(i));
      r.objectLinks = std::string(300, 'x');
      db->registrations().upsert(std::move(r), nullptr);
    }
  }
  {
    // A flash sector of garbage in the middle of the table's pages.
    std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
    for (int i = 0; i < 4096; ++i) io.put(static_cast<char>(0xA5 ^ i));
  }
  auto opened = Database::open(temp.path());
  ASSERT_FALSE(opened);
  const std::string& message = opened.error().message;
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("corrupted (quick_check: "), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(Database, DamageAnywhereInTheFileNeverCrashes) {
  TempDir temp;
  const fs::path file = temp.path() / "gateway.db";
  {
    auto db = openOrFail(temp.path());
    ASSERT_TRUE(db);
    for (int i = 0; i < 200; ++i) {
      const std::string n = std::to_string(i);
      db->registrations().upsert(registration("device-" + n, "r" + n), nullptr);
      db->requestQueue().enqueue(testing::queuedRequest("q" + n, "device-1"), nullptr);
    }
  }
  std::string pristine;
  {
    std::ifstream in(file, std::ios::binary);
    pristine.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::mt19937 random(20261122);  // fixed: the same damage on every run
  int refused = 0;
  for (int round = 0; round < 40; ++round) {
    std::string damaged = pristine;
    std::uniform_int_distribution<std::size_t> offset(0, damaged.size() - 64);
    const std::size_t at = offset(random);
    for (std::size_t i = 0; i < 64; ++i) damaged[at + i] = static_cast<char>(random());
    std::ofstream(file, std::ios::binary | std::ios::trunc) << damaged;

    auto opened = Database::open(temp.path());
    if (!opened) {
      ++refused;
      EXPECT_NE(opened.error().message.find(file.string()), std::string::npos)
          << opened.error().message;
      continue;
    }
    // Damage quick_check cannot see (inside a text value) may load; any
    // failure must still be an error, not a crash.
    auto registrations = opened.value()->registrations().loadAll();
    auto queued = opened.value()->requestQueue().loadAll();
    if (!registrations) {
      EXPECT_NE(registrations.error().message.find(file.string()), std::string::npos);
    }
    if (!queued) {
      EXPECT_NE(queued.error().message.find(file.string()), std::string::npos);
    }
  }
  EXPECT_GT(refused, 0);
}

TEST(Database, DataDirectoryUnderARegularFileGivesAnError) {
  TempDir temp;
  const fs::path plainFile = temp.path() / "config.yaml";
  std::ofstream(plainFile) << "storage: {}\n";
  const fs::path dir = plainFile / "data";
  auto opened = Database::open(dir);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(dir.string()), std::string::npos);
  EXPECT_NE(opened.error().message.find("Not a directory"), std::string::npos)
      << opened.error().message;
}

TEST(Database, ReadOnlyDataDirectoryGivesAnError) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root writes through directory permissions; see the regular-file case";
  }
  TempDir temp;
  const fs::path dir = temp.path() / "data";
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0500);
  auto opened = Database::open(dir);
  ::chmod(dir.c_str(), 0700);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(dir.string()), std::string::npos);
  EXPECT_NE(opened.error().message.find("not writable"), std::string::npos);
}

TEST(Database, NormalSynchronousModeOpensAndStores) {
  TempDir temp;
  DatabaseOptions options;
  options.synchronous = Synchronous::Normal;
  auto db = openOrFail(temp.path(), options);
  ASSERT_TRUE(db);
  EXPECT_TRUE(completed([&](auto done) {
    db->registrations().upsert(registration("sensor-1", "r1"), done);
  }));
  EXPECT_EQ(db->registrations().loadAll()->size(), 1u);
}

TEST(Database, AProbeCommitsARealWriteAndChangesNothing) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  const fs::path wal = db->file().string() + "-wal";
  const auto before = fs::exists(wal) ? fs::file_size(wal) : 0;
  const auto transactions = db->writerStats().transactions;
  ASSERT_TRUE(completed([&](auto done) { db->probe(done); }));
  EXPECT_GT(fs::file_size(wal), before) << "the probe must write a page, not only open a transaction";
  EXPECT_EQ(db->writerStats().transactions, transactions + 1);
  EXPECT_EQ(pragmaInt(db->file(), "PRAGMA user_version"), db->schemaVersion());
}

TEST(Database, AProbeAfterCloseReportsTheFailure) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  db->close();
  EXPECT_FALSE(completed([&](auto done) { db->probe(done); }));
}

// After many devices wrote and read, releaseMemory gives back what SQLite
// holds for them (page caches, and the statements prepared meanwhile, which
// are finalized) and the stores go on working: the statements are prepared
// again on next use.
TEST(Database, ReleasingMemoryGivesBackWhatSqliteHeldAndTheStoresGoOnWorking) {
  TempDir temp;
  auto db = openOrFail(temp.path());
  ASSERT_TRUE(db);
  for (int i = 0; i < 2000; ++i) {
    db->registrations().upsert(registration("sensor-" + std::to_string(i), "r" + std::to_string(i)), [](auto) {});
    db->observations().put(ObservationRecord{"sensor-" + std::to_string(i), {0x01, static_cast<std::uint8_t>(i)},
                                             "/3303/0/5700", "{}", 112, i},
                           [](auto) {});
  }
  ASSERT_TRUE(completed([&](auto done) { db->probe(done); }));  // after every write above
  ASSERT_EQ(db->registrations().loadAll()->size(), 2000u);
  const sqlite3_int64 held = sqlite3_memory_used();

  ASSERT_TRUE(completed([&](auto done) { db->releaseMemory(done); }));
  const sqlite3_int64 after = sqlite3_memory_used();
  EXPECT_LT(after, held / 2) << "SQLite held " << held << " bytes before, " << after << " after";

  ASSERT_TRUE(completed([&](auto done) { db->registrations().upsert(registration("sensor-new", "rn"), done); }));
  ASSERT_TRUE(completed([&](auto done) { db->registrations().remove("sensor-7", done); }));
  auto registrations = db->registrations().loadAll();
  ASSERT_TRUE(registrations);
  EXPECT_EQ(registrations->size(), 2000u);
  EXPECT_EQ(db->observations().loadAll()->size(), 1999u);  // sensor-7's went with it
}

// A connection's cached statements are finalized (what they held goes back)
// and prepared again when next used.
TEST(Connection, ReleasedStatementsAreFinalizedAndPreparedAgainOnNextUse) {
  TempDir temp;
  Connection connection(temp.path() / "c.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 1000);
  connection.db().exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  const std::string insert = "INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)";
  const auto put = [&](const std::string& key) {
    SQLite::Statement& statement = connection.prepare(insert);
    statement.bind(1, key);
    statement.bind(2, std::string(200, 'v'));
    statement.exec();
  };
  put("a");
  const sqlite3_int64 cached = sqlite3_memory_used();
  connection.releaseStatements();
  EXPECT_LT(sqlite3_memory_used(), cached) << "the statement and its bound values are still allocated";
  put("b");
  EXPECT_EQ(connection.db().execAndGet("SELECT count(*) FROM t").getInt(), 2);
}

}  // namespace
}  // namespace lwm2m::persistence
