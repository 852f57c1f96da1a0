#include "persistence/database.h"

#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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
        std::unique_ptr<Reader> readerConnection, std::size_t maxBatch)
      : lock(std::move(lock)),
        file(std::move(file)),
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
    return fail(file + ": the file is damaged or is not a SQLite database (" + e.what() +
                "); move it away to start with an empty state");
  }
  return fail(file + ": the database is corrupted (quick_check: " + problems +
              "); move it away to start with an empty state");
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
    // After a burst the WAL is truncated back to this size at checkpoints
    // instead of keeping its largest size on the flash.
    db.exec("PRAGMA journal_size_limit = 8388608");
    if (options.maxSizeBytes > 0) {
      const std::int64_t pageSize = db.execAndGet("PRAGMA page_size").getInt64();
      const std::uint64_t pages =
          std::max<std::uint64_t>(1, options.maxSizeBytes / static_cast<std::uint64_t>(pageSize));
      db.exec("PRAGMA max_page_count = " + std::to_string(pages));
    }
  } catch (const SQLite::Exception& e) {
    return fail(file + ": cannot configure the database: " + e.what());
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const fs::path& dataDir,
                                                 const DatabaseOptions& options) {
  if (Result<void> ready = prepareDirectory(dataDir); !ready) return ready.error();
  const fs::path file = dataDir / options.fileName;
  Result<DirectoryLock> lock = DirectoryLock::acquire(fs::path(file) += ".lock");
  if (!lock) return lock.error();
  const int busyMs = static_cast<int>(options.busyTimeout.count());

  std::unique_ptr<Connection> writerConnection;
  try {
    writerConnection = std::make_unique<Connection>(
        file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busyMs);
  } catch (const SQLite::Exception& e) {
    return fail(file.string() + ": cannot open the database: " + e.what());
  }
  if (Result<void> intact = checkIntegrity(*writerConnection); !intact) return intact.error();
  if (Result<void> set = configure(*writerConnection, options); !set) return set.error();
  Result<int> found = migrateSchema(*writerConnection);
  if (!found) return found.error();

  try {
    auto reader = std::make_unique<Reader>(file, busyMs);
    auto parts =
        std::make_unique<Parts>(std::move(lock).value(), file, *found, std::move(writerConnection),
                                std::move(reader), options.maxBatchWrites);
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
