// Rows per second for durable queued-request writes (synchronous=FULL, WAL):
//
//   OneRowPerTransaction  the baseline: the same INSERT on its own connection,
//                         each row committed on its own, as a store without
//                         a writer thread would do per accepted request.
//   GroupCommit/N         the gateway's path: N requests submitted at once to
//                         RequestQueueStore::enqueue, timed until the last
//                         completion has run (after its COMMIT).
//
// Compare items_per_second of the two; the ratio is what group commit buys.
// Both keep the queue at a realistic size: every kQueueBound rows the table
// is emptied with the clock stopped (a queue of sleeping devices holds
// thousands of requests, not millions; a table growing without bound would
// measure B-tree growth instead of commits).
// The files live in the temporary directory ($TMPDIR): put it on the storage
// you want to measure, not on a tmpfs.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>

#include "persistence/database.h"

namespace lwm2m::persistence {
namespace {

namespace fs = std::filesystem;

class BenchDir {
 public:
  explicit BenchDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("lwm2m-bench-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
  }
  ~BenchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// About 200 bytes stored per row, like a small Write request.
QueuedRequestRecord request(std::int64_t n) {
  QueuedRequestRecord r;
  r.requestId = "req-" + std::to_string(n);
  r.endpoint = "urn:dev:ops:32473-IoT_Device-" + std::to_string(n % 1000);
  r.operation = "write";
  r.body = R"({"path":"/3311/0/5850","value":true,"contentFormat":"senml+json","ttl":600})";
  r.acceptedAtMs = 1'700'000'000'000 + n;
  r.expiresAtMs = r.acceptedAtMs + 600'000;
  return r;
}

constexpr std::int64_t kQueueBound = 4096;

// Empties the queue from a separate connection while the writer is idle.
void emptyQueue(const fs::path& file) {
  SQLite::Database db(file, SQLite::OPEN_READWRITE, 5000);
  db.exec("DELETE FROM queued_request");
}

std::unique_ptr<Database> openDatabase(const fs::path& dir) {
  auto opened = Database::open(dir);
  if (!opened) throw std::runtime_error(opened.error().message);
  return std::move(opened).value();
}

void OneRowPerTransaction(benchmark::State& state) {
  BenchDir dir("baseline");
  openDatabase(dir.path())->close();  // the gateway's schema, then a plain connection
  SQLite::Database db(dir.path() / "gateway.db", SQLite::OPEN_READWRITE);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  SQLite::Statement insert(db,
                           "INSERT INTO queued_request (sequence, request_id, endpoint, "
                           "operation, body, accepted_at_ms, expires_at_ms, state) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')");
  std::int64_t n = 0;
  for (auto _ : state) {
    const QueuedRequestRecord r = request(++n);
    insert.bind(1, n);
    insert.bind(2, r.requestId);
    insert.bind(3, r.endpoint);
    insert.bind(4, r.operation);
    insert.bind(5, r.body);
    insert.bind(6, r.acceptedAtMs);
    insert.bind(7, r.expiresAtMs);
    insert.exec();  // autocommit: one transaction, one fsync of the WAL
    insert.reset();
    if (n % kQueueBound == 0) {
      state.PauseTiming();
      db.exec("DELETE FROM queued_request");
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void GroupCommit(benchmark::State& state) {
  BenchDir dir("group");
  auto db = openDatabase(dir.path());
  const auto burst = static_cast<std::int64_t>(state.range(0));
  std::mutex mutex;
  std::condition_variable finished;
  std::int64_t completed = 0;
  std::int64_t failed = 0;
  std::int64_t n = 0;
  std::int64_t emptiedAt = 0;
  const WriteCompletion done = [&](Result<void> result) {
    std::lock_guard lock(mutex);
    failed += result.ok() ? 0 : 1;
    if (++completed == burst) finished.notify_one();
  };
  for (auto _ : state) {
    {
      std::lock_guard lock(mutex);
      completed = 0;
    }
    for (std::int64_t i = 0; i < burst; ++i) db->requestQueue().enqueue(request(++n), done);
    {
      std::unique_lock lock(mutex);
      finished.wait(lock, [&] { return completed == burst; });
    }
    if (n - emptiedAt >= kQueueBound) {
      state.PauseTiming();
      emptyQueue(db->file());
      emptiedAt = n;
      state.ResumeTiming();
    }
  }
  const WriterStats stats = db->writerStats();
  if (failed != 0) state.SkipWithError("some writes failed");
  state.SetItemsProcessed(state.iterations() * burst);
  state.counters["rows_per_txn"] =
      static_cast<double>(stats.completed) / static_cast<double>(stats.transactions);
}

BENCHMARK(OneRowPerTransaction)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(GroupCommit)
    ->Arg(1)
    ->Arg(16)
    ->Arg(256)
    ->Arg(1024)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace lwm2m::persistence
