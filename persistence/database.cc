#include "persistence/database.h"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "persistence/connection.h"
#include "persistence/schema.h"
#include "persistence/sqlite_observation_store.h"
#include "persistence/sqlite_outbox_store.h"
#include "persistence/sqlite_registration_store.h"
#include "persistence/sqlite_request_queue_store.h"
#include "persistence/sqlite_webhook_outbox_store.h"
#include "persistence/store_writer.h"

namespace lwm2m::persistence {

namespace fs = std::filesystem;

namespace {

// An exclusive flock on "<file>.lock" for as long as the database is open: a
// second gateway on the same data directory would interleave its writes and
// sequences with ours. The kernel drops the lock when the process dies.
class DirectoryLock {
 public:
  static Result<DirectoryLock> acquire(const fs::path& lockFile) {
    const int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return fail("cannot create lock file " + lockFile.string() + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK) {
        return fail("data directory " + lockFile.parent_path().string() +
                    " is in use by another gateway process (" + lockFile.filename().string() +
                    " is locked)");
      }
      return fail("cannot lock " + lockFile.string() + ": " + std::strerror(error));
    }
    return DirectoryLock(fd);
  }

  DirectoryLock(DirectoryLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  DirectoryLock& operator=(DirectoryLock&&) = delete;
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace

struct Database::Parts {
  Parts(DirectoryLock lock, fs::path file, int found, std::unique_ptr<Connection> writerConnection,
        std::unique_ptr<Reader> readerConnection, std::size_t maxBatch, std::uint64_t maxSize)
      : lock(std::move(lock)),
        file(std::move(file)),
        maxSize(maxSize),
        schemaVersionFound(found),
        lastSequence(SqliteRequestQueueStore::lastAssignedSequence(*writerConnection)),
        lastOutboxId(SqliteOutboxStore::lastAssignedId(*writerConnection)),
        lastWebhookEventId(SqliteWebhookOutboxStore::lastAssignedId(*writerConnection)),
        reader(std::move(readerConnection)),
        writer(std::move(writerConnection), maxBatch),
        registrations(writer, *reader),
        observations(writer, *reader),
        requestQueue(writer, *reader, lastSequence),
        outbox(writer, *reader, lastOutboxId),
        webhookOutbox(writer, *reader, lastWebhookEventId) {}

  DirectoryLock lock;  // released last
  fs::path file;
  std::uint64_t maxSize;
  std::optional<MovedAside> movedAside;
  int schemaVersionFound;
  std::int64_t lastSequence;
  std::int64_t lastOutboxId;
  std::int64_t lastWebhookEventId;
  std::unique_ptr<Reader> reader;
  StoreWriter writer;
  SqliteRegistrationStore registrations;
  SqliteObservationStore observations;
  SqliteRequestQueueStore requestQueue;
  SqliteOutboxStore outbox;
  SqliteWebhookOutboxStore webhookOutbox;
};

namespace {

Result<void> prepareDirectory(const fs::path& dataDir) {
  std::error_code ec;
  fs::create_directories(dataDir, ec);
  if (ec) {
    return fail("cannot create data directory " + dataDir.string() + ": " + ec.message());
  }
  if (!fs::is_directory(dataDir, ec)) {
    return fail("data directory " + dataDir.string() + " is not a directory");
  }
  // SQLite also needs to create its -wal and -shm files next to the database.
  if (::access(dataDir.c_str(), W_OK | X_OK) != 0) {
    return fail("data directory " + dataDir.string() + " is not writable: " +
                std::strerror(errno));
  }
  return {};
}

// PRAGMA quick_check: page structure, record formats, NOT NULL and CHECK
// constraints; O(N) but without the index cross-checks of integrity_check.
// A damaged file is reported with StoreFailed, every other open error with Invalid.
Result<void> checkIntegrity(Connection& connection) {
  const std::string file = connection.file().string();
  std::string problems;
  try {
    SQLite::Statement check(connection.db(), "PRAGMA quick_check(5)");
    while (check.executeStep()) {
      std::string line = check.getColumn(0).getString();
      if (line == "ok") return {};
      for (char& c : line) c = c == '\n' ? ' ' : c;
      problems += (problems.empty() ? "" : "; ") + line;
    }
  } catch (const SQLite::Exception& e) {
    return fail(ErrorCode::StoreFailed,
                file + ": the file is damaged or is not a SQLite database (" + e.what() + ")");
  }
  return fail(ErrorCode::StoreFailed, file + ": the database is corrupted (quick_check: " + problems + ")");
}

Result<void> configure(Connection& connection, const DatabaseOptions& options) {
  const std::string file = connection.file().string();
  try {
    SQLite::Database& db = connection.db();
    const std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal") {
      return fail(file + ": cannot switch to write-ahead logging (journal mode stays '" + mode +
                  "')");
    }
    db.exec(options.synchronous == Synchronous::Full ? "PRAGMA synchronous = FULL"
                                                     : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    // A checkpoint every walLimitBytes of log (instead of SQLite's 1000 pages),
    // after which the log is cut back to that size instead of keeping its
    // largest size on the flash: it cannot take room a small volume lacks.
    const std::int64_t pageSize = db.execAndGet("PRAGMA page_size").getInt64();
    const std::uint64_t walPages =
        std::max<std::uint64_t>(16, options.walLimitBytes / static_cast<std::uint64_t>(pageSize));
    db.exec("PRAGMA wal_autocheckpoint = " + std::to_string(walPages));
    db.exec("PRAGMA journal_size_limit = " + std::to_string(options.walLimitBytes));
    if (options.maxSizeBytes > 0) {
      const std::uint64_t pages =
          std::max<std::uint64_t>(1, options.maxSizeBytes / static_cast<std::uint64_t>(pageSize));
      db.exec("PRAGMA max_page_count = " + std::to_string(pages));
    }
  } catch (const SQLite::Exception& e) {
    return fail(file + ": cannot configure the database: " + e.what());
  }
  return {};
}

// "gateway.db.damaged-20261206T143852Z", unused so far (a suffix when taken).
fs::path damagedName(const fs::path& file, std::chrono::system_clock::time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  fs::path name = fs::path(file) += std::string(".damaged-") + stamp;
  for (int n = 1; fs::exists(name); ++n) {
    name = fs::path(file) += std::string(".damaged-") + stamp + "-" + std::to_string(n);
  }
  return name;
}

// Renames the file and its -wal and -shm (so that SQLite still finds the log
// next to the moved copy).
Result<fs::path> moveAside(const fs::path& file, std::chrono::system_clock::time_point at) {
  const fs::path target = damagedName(file, at);
  std::error_code ec;
  fs::rename(file, target, ec);
  if (ec) return fail(file.string() + ": cannot move the damaged file to " + target.string() + ": " + ec.message());
  for (const char* suffix : {"-wal", "-shm"}) {
    const fs::path from = fs::path(file) += suffix;
    if (!fs::exists(from, ec)) continue;
    fs::rename(from, fs::path(target) += suffix, ec);
    if (ec) return fail(from.string() + ": cannot move it next to " + target.string() + ": " + ec.message());
  }
  return target;
}

Result<std::unique_ptr<Connection>> openWriter(const fs::path& file, int busyMs) {
  try {
    return std::make_unique<Connection>(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busyMs);
  } catch (const SQLite::Exception& e) {
    return fail(file.string() + ": cannot open the database: " + e.what());
  }
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const fs::path& dataDir,
                                                 const DatabaseOptions& options) {
  if (Result<void> ready = prepareDirectory(dataDir); !ready) return ready.error();
  const fs::path file = dataDir / options.fileName;
  Result<DirectoryLock> lock = DirectoryLock::acquire(fs::path(file) += ".lock");
  if (!lock) return lock.error();
  const int busyMs = static_cast<int>(options.busyTimeout.count());

  Result<std::unique_ptr<Connection>> opened = openWriter(file, busyMs);
  if (!opened) return opened.error();
  std::unique_ptr<Connection> writerConnection = std::move(opened).value();
  std::optional<MovedAside> movedAside;
  if (Result<void> intact = checkIntegrity(*writerConnection); !intact) {
    if (options.onDamaged == OnDamaged::Refuse) {
      return fail(ErrorCode::StoreFailed, intact.error().message + "; move it away to start with an empty state");
    }
    writerConnection.reset();
    const auto now = std::chrono::system_clock::now();
    Result<fs::path> moved = moveAside(file, now);
    if (!moved) return fail(intact.error().message + "; " + moved.error().message);
    movedAside = MovedAside{*moved, intact.error().message, now};
    opened = openWriter(file, busyMs);
    if (!opened) return opened.error();
    writerConnection = std::move(opened).value();
  }
  if (Result<void> set = configure(*writerConnection, options); !set) return set.error();
  Result<int> found = migrateSchema(*writerConnection);
  if (!found) return found.error();

  try {
    auto reader = std::make_unique<Reader>(file, busyMs);
    auto parts =
        std::make_unique<Parts>(std::move(lock).value(), file, *found, std::move(writerConnection),
                                std::move(reader), options.maxBatchWrites, options.maxSizeBytes);
    parts->movedAside = std::move(movedAside);
    return std::unique_ptr<Database>(new Database(std::move(parts)));
  } catch (const SQLite::Exception& e) {
    return fail(file.string() + ": cannot open the database for reading: " + e.what());
  }
}

Database::Database(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Database::~Database() { close(); }

const fs::path& Database::file() const { return parts_->file; }
int Database::schemaVersion() const { return kSchemaVersion; }
int Database::schemaVersionFound() const { return parts_->schemaVersionFound; }
const std::optional<MovedAside>& Database::movedAside() const { return parts_->movedAside; }

Result<DatabaseSpace> Database::space() const {
  DatabaseSpace space;
  space.limitBytes = parts_->maxSize;
  std::error_code ec;
  space.fileBytes = fs::file_size(parts_->file, ec);
  if (ec) space.fileBytes = 0;
  const std::uint64_t wal = fs::file_size(fs::path(parts_->file) += "-wal", ec);
  space.walBytes = ec ? 0 : wal;
  Result<std::uint64_t> used = parts_->reader->read<std::uint64_t>("read the page counts", [](Connection& c) {
    const auto pragma = [&c](const char* sql) {
      return static_cast<std::uint64_t>(c.db().execAndGet(sql).getInt64());
    };
    const std::uint64_t pages = pragma("PRAGMA page_count");
    const std::uint64_t unused = pragma("PRAGMA freelist_count");
    return (pages - std::min(pages, unused)) * pragma("PRAGMA page_size");
  });
  if (!used) return used.error();
  space.usedBytes = *used;
  return space;
}

void Database::checkpoint(WriteCompletion done) {
  parts_->writer.maintain(
      "checkpoint the write-ahead log",
      [](Connection& c) {
        SQLite::Statement checkpoint(c.db(), "PRAGMA wal_checkpoint(TRUNCATE)");
        if (checkpoint.executeStep() && checkpoint.getColumn(0).getInt() != 0) {
          throw std::runtime_error("incomplete: a reader still uses the write-ahead log");
        }
      },
      std::move(done));
}

void Database::releaseMemory(WriteCompletion done) {
  (void)parts_->reader->read<bool>("release the reader's page cache", [](Connection& c) {
    c.releaseStatements();
    return sqlite3_db_release_memory(c.db().getHandle()) == SQLITE_OK;
  });
  parts_->writer.maintain(
      "release the writer's page cache",
      [](Connection& c) {
        c.releaseStatements();
        if (sqlite3_db_release_memory(c.db().getHandle()) != SQLITE_OK) {
          throw std::runtime_error("sqlite3_db_release_memory failed");
        }
      },
      std::move(done));
}

RegistrationStore& Database::registrations() { return parts_->registrations; }
ObservationStore& Database::observations() { return parts_->observations; }
RequestQueueStore& Database::requestQueue() { return parts_->requestQueue; }
OutboxStore& Database::outbox() { return parts_->outbox; }
WebhookOutboxStore& Database::webhookOutbox() { return parts_->webhookOutbox; }

WriterStats Database::writerStats() const { return parts_->writer.stats(); }

void Database::probe(WriteCompletion done) {
  parts_->writer.submit(
      "storage probe",
      [](Connection& c) {
        const int version = c.db().execAndGet("PRAGMA user_version").getInt();
        c.db().exec("PRAGMA user_version = " + std::to_string(version));
      },
      std::move(done));
}

void Database::close() { parts_->writer.close(); }

}  // namespace lwm2m::persistence
