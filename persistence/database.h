#pragma once
// Database: the gateway's durable state, one SQLite file (gateway.db) in the
// configured data directory, and the stores on top of it.
//
// Threads: open() and the store reads are synchronous (start-up, before the
// I/O loop runs). Store writes go through one writer thread that commits them
// in batches (group commit, see store_writer.h); their completions run on that
// thread after the COMMIT. close() drains every submitted write.
//
//   auto db = Database::open(config.dataDir);            // before the I/O loop
//   if (!db) { log(db.error().message); return 1; }
//   for (auto& r : (*db)->registrations().loadAll().value()) restore(r);
//   (*db)->requestQueue().enqueue(record, [&io](Result<void> stored) {
//     asio::post(io, [stored] { /* answer "queued", or the error */ });
//   });

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "lwm2m/result.h"
#include "persistence/observation_store.h"
#include "persistence/outbox_store.h"
#include "persistence/registration_store.h"
#include "persistence/request_queue_store.h"
#include "persistence/webhook_outbox_store.h"
#include "persistence/write.h"

namespace lwm2m::persistence {

enum class Synchronous {
  Full,    // a commit survives power loss (the default)
  Normal,  // a commit survives a gateway crash; the last ones may be lost on power loss
};

// What open() does with a file that is damaged or not a SQLite database.
enum class OnDamaged {
  Refuse,     // fail with a message naming the file and the cause
  MoveAside,  // rename it (and its -wal/-shm) to "<file>.damaged-<UTC time>", start empty
};

struct DatabaseOptions {
  Synchronous synchronous = Synchronous::Full;
  std::chrono::milliseconds busyTimeout{5000};
  std::size_t maxBatchWrites = 512;  // writes per transaction at most
  // Upper bound of the database file (0: none). A write that would grow the
  // file past it fails with "database or disk is full"; removals still work
  // and free room for later writes. Keeps a flood of queued requests or
  // outbox messages from filling the edge box's flash.
  std::uint64_t maxSizeBytes = 0;
  // The write-ahead log is checkpointed (and truncated to this size) once it
  // grows past about this many bytes, so it cannot take the room it once had.
  std::uint64_t walLimitBytes = 4ULL * 1024 * 1024;
  OnDamaged onDamaged = OnDamaged::Refuse;
  std::string fileName = "gateway.db";
};

// A damaged file open() moved aside (OnDamaged::MoveAside).
struct MovedAside {
  std::filesystem::path movedTo;  // the damaged file, kept for inspection
  std::string reason;             // what was wrong with it
  std::chrono::system_clock::time_point at;
};

// How much room the database has and takes, for free-space checks.
struct DatabaseSpace {
  std::uint64_t fileBytes = 0;  // the database file
  std::uint64_t usedBytes = 0;  // its pages in use (free pages are reused first)
  std::uint64_t walBytes = 0;   // the write-ahead log file
  std::uint64_t limitBytes = 0; // DatabaseOptions::maxSizeBytes (0: none)
};

class Database {
 public:
  // Creates `dataDir` and the database file when missing, checks the file
  // (PRAGMA quick_check), sets WAL, synchronous, foreign keys and the busy
  // timeout, and migrates the schema (see schema.h). Errors name the path and
  // the cause: unwritable directory, corrupted or foreign file, schema from a
  // newer gateway, data directory held by another gateway process (flock on
  // "<fileName>.lock", released when the process ends, also on kill -9).
  // A file that fails quick_check or is not a SQLite database is moved aside
  // instead when options.onDamaged says so (see movedAside()); a schema from a
  // newer gateway is never moved.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& dataDir,
                                                const DatabaseOptions& options = {});

  ~Database();  // close()
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::filesystem::path& file() const;
  int schemaVersion() const;
  // The schema version the file had before this open migrated it (0: new file).
  int schemaVersionFound() const;
  // Set when open() moved a damaged file aside and started empty.
  const std::optional<MovedAside>& movedAside() const;

  // The database's size and its limit, read now (synchronous, any thread).
  Result<DatabaseSpace> space() const;
  // Writes every page of the write-ahead log into the database and truncates
  // the log to zero bytes (PRAGMA wal_checkpoint(TRUNCATE)), through the
  // writer thread between two batches. `done` reports an incomplete
  // checkpoint (a reader still needs the log) as an error.
  void checkpoint(WriteCompletion done);
  // Gives back the memory SQLite keeps for pages no statement holds (the page
  // caches of the writer's and the reader's connections, which grow to
  // their limit while thousands of devices come and stay that large after
  // they left): sqlite3_db_release_memory on each connection, the writer's
  // through its thread between two batches. The connections' cached
  // statements are finalized first (see Connection::releaseStatements) and
  // prepared again when next used. `done` runs on the writer thread.
  void releaseMemory(WriteCompletion done);

  RegistrationStore& registrations();
  ObservationStore& observations();
  RequestQueueStore& requestQueue();
  OutboxStore& outbox();
  WebhookOutboxStore& webhookOutbox();

  // Counters of the writer; `pending` is the queue depth, for load shedding.
  WriterStats writerStats() const;

  // Proves the database can still commit, for readiness checks: one write
  // through the writer thread that rewrites the schema version it reads (one
  // page written, one COMMIT with its sync) and changes nothing. `done` runs
  // on the writer thread like every completion: with the error when the disk
  // is full, read-only or failing.
  void probe(WriteCompletion done);

  // Commits and completes every write submitted so far, then stops the writer.
  // Later writes complete at once with an error; reads keep working. Call it
  // from one thread, never from inside a completion, and before destroying
  // whatever the completions post into (the io_context). Idempotent.
  void close();

 private:
  struct Parts;
  explicit Database(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace lwm2m::persistence
