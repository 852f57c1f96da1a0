#include "persistence/store_writer.h"

#include "persistence/crash_point.h"

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace lwm2m::persistence {

namespace {

void runCompletion(WriteCompletion& done, Result<void> result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (...) {
    // A caller's completion must not stop the writer (see write.h).
  }
}

}  // namespace

StoreWriter::StoreWriter(std::unique_ptr<Connection> connection, std::size_t maxBatch,
                         std::chrono::milliseconds unhurriedDelay)
    : connection_(std::move(connection)),
      maxBatch_(std::max<std::size_t>(1, maxBatch)),
      unhurriedDelay_(unhurriedDelay) {
  thread_ = std::thread([this] { run(); });
}

StoreWriter::~StoreWriter() { close(); }

void StoreWriter::submit(std::string what, WriteOperation operation, WriteCompletion done) {
  enqueue(Pending{std::move(what), std::move(operation), std::move(done)});
}

void StoreWriter::submitUnhurried(std::string what, WriteOperation operation, WriteCompletion done) {
  Pending pending{std::move(what), std::move(operation), std::move(done)};
  pending.unhurried = true;
  enqueue(std::move(pending));
}

void StoreWriter::maintain(std::string what, WriteOperation operation, WriteCompletion done) {
  enqueue(Pending{std::move(what), std::move(operation), std::move(done), true});
}

void StoreWriter::enqueue(Pending pending) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      // Inside an open group of this thread, a write joins the group; a
      // maintenance operation still goes alone.
      if (!pending.alone && groupDepth_ > 0 && groupThread_ == std::this_thread::get_id()) {
        group_.push_back(std::move(pending));
      } else {
        enqueueLocked(std::move(pending));
      }
      return;
    }
  }
  runCompletion(pending.done, fail(connection_->file().string() + ": " + pending.what +
                                   ": the database is closed"));
}

void StoreWriter::enqueueLocked(Pending pending) {
  ++stats_.submitted;
  ++stats_.pending;
  // The thread sleeps only on an empty queue: wake it on the first write.
  const bool wasEmpty = queue_.empty();
  if (pending.unhurried && wasEmpty) {
    // Nothing to join now: wait for a write to come (the thread wakes to time the wait).
    if (unhurried_.empty()) {
      unhurriedSince_ = std::chrono::steady_clock::now();
      wake_.notify_one();
    }
    unhurried_.push_back(std::move(pending));
    return;
  }
  releaseUnhurriedLocked();  // submitted before this one: they go first, in the same batch
  queue_.push_back(std::move(pending));
  if (wasEmpty) wake_.notify_one();
}

void StoreWriter::releaseUnhurriedLocked() {
  while (!unhurried_.empty()) {
    queue_.push_back(std::move(unhurried_.front()));
    unhurried_.pop_front();
  }
}

void StoreWriter::together(const std::string& name, const std::function<void()>& writes) {
  bool joined = false;
  {
    std::lock_guard lock(mutex_);
    if (groupDepth_ == 0) {
      groupThread_ = std::this_thread::get_id();
      groupName_ = name;
    }
    // Another thread's group is open: this thread's writes stay single (see the contract).
    joined = groupThread_ == std::this_thread::get_id();
    if (joined) ++groupDepth_;
  }
  struct Close {
    StoreWriter& writer;
    bool joined;
    ~Close() {
      if (!joined) return;
      std::string name;
      {
        std::lock_guard lock(writer.mutex_);
        if (--writer.groupDepth_ > 0) return;
        name = std::move(writer.groupName_);
      }
      writer.closeGroup(name);
    }
  } close{*this, joined};
  writes();
}

// The group's writes become one: its statements in order, then the
// "uncommitted" crash point; its completions in order after the
// "committed" one.
void StoreWriter::closeGroup(const std::string& name) {
  std::vector<Pending> writes;
  std::unique_lock lock(mutex_);
  writes.swap(group_);
  if (writes.empty()) return;
  if (closed_) {
    lock.unlock();
    for (Pending& w : writes) {
      runCompletion(w.done, fail(connection_->file().string() + ": " + w.what + ": the database is closed"));
    }
    return;
  }
  std::string what = writes.front().what;
  for (std::size_t i = 1; i < writes.size(); ++i) what += ", " + writes[i].what;
  auto shared = std::make_shared<std::vector<Pending>>(std::move(writes));
  WriteOperation operation = [shared, name](Connection& connection) {
    for (Pending& w : *shared) {
      if (w.operation) w.operation(connection);
    }
    if (crashPointsArmed()) crashPoint(name + ":uncommitted");
  };
  WriteCompletion done = [shared, name](Result<void> result) {
    if (result.ok() && crashPointsArmed()) crashPoint(name + ":committed");
    for (Pending& w : *shared) runCompletion(w.done, result);
  };
  enqueueLocked(Pending{std::move(what), std::move(operation), std::move(done)});
}

void StoreWriter::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

WriterStats StoreWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void StoreWriter::run() {
  std::deque<Pending> batch;
  std::vector<Result<void>> results;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      while (queue_.empty()) {
        if (!unhurried_.empty() &&
            (closed_ || std::chrono::steady_clock::now() >= unhurriedSince_ + unhurriedDelay_)) {
          releaseUnhurriedLocked();  // no write came to join: they commit alone
          break;
        }
        if (closed_) return;  // drained
        if (unhurried_.empty()) {
          wake_.wait(lock);
        } else {
          wake_.wait_until(lock, unhurriedSince_ + unhurriedDelay_);
        }
      }
      // A maintenance operation goes alone; a batch stops before the next one.
      // Under crash tests, one write per transaction: no pair of writes may
      // count on happening to share a batch (crash_point.h).
      const std::size_t take =
          queue_.front().alone || crashPointsArmed() ? 1 : std::min(maxBatch_, queue_.size());
      for (std::size_t i = 0; i < take && (i == 0 || !queue_.front().alone); ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }

    if (batch.front().alone) {
      results.assign(1, applyDirect(batch.front()));
    } else {
      commitBatch(batch, results);
    }

    std::uint64_t failures = 0;
    for (const Result<void>& result : results) failures += result.ok() ? 0 : 1;
    {
      std::lock_guard lock(mutex_);
      if (!batch.front().alone) ++stats_.transactions;
      stats_.largestBatch = std::max<std::uint64_t>(stats_.largestBatch, batch.size());
      stats_.completed += batch.size();
      stats_.failed += failures;
      stats_.pending -= batch.size();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      runCompletion(batch[i].done, std::move(results[i]));
    }
    batch.clear();
    results.clear();
  }
}

void StoreWriter::commitBatch(std::deque<Pending>& batch, std::vector<Result<void>>& results) {
  results.assign(batch.size(), Result<void>());
  std::vector<bool> excluded(batch.size(), false);
  // First without savepoints: a savepoint makes SQLite copy every page a write
  // touches into the statement journal, which costs more than the write. When
  // a write fails, the batch is replayed without it, each write in its own
  // savepoint. Every replay excludes one more write, so this ends.
  bool isolate = false;
  for (;;) {
    const std::optional<std::size_t> failed = runBatch(batch, excluded, results, isolate);
    if (!failed) return;
    excluded[*failed] = true;
    isolate = true;
  }
}

std::optional<std::size_t> StoreWriter::runBatch(std::deque<Pending>& batch,
                                                 const std::vector<bool>& excluded,
                                                 std::vector<Result<void>>& results,
                                                 bool isolate) {
  const auto failAll = [&](const Error& error) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!excluded[i]) results[i] = error;
    }
  };
  try {
    connection_->run("BEGIN IMMEDIATE");
  } catch (const std::exception& e) {
    failAll(fail(connection_->file().string() + ": cannot begin a transaction: " + e.what()));
    return std::nullopt;
  }
  sqlite3* handle = connection_->db().getHandle();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (excluded[i]) continue;
    results[i] = isolate ? applyIsolated(batch[i]) : applyDirect(batch[i]);
    // SQLite rolls the whole transaction back on some errors (disk full,
    // I/O error), even inside a savepoint.
    const bool aborted = sqlite3_get_autocommit(handle) != 0;
    if (!results[i].ok() && (aborted || !isolate)) {
      if (!aborted) connection_->db().tryExec("ROLLBACK");
      return i;
    }
    if (aborted) {
      failAll(fail(connection_->file().string() + ": transaction aborted"));
      return std::nullopt;
    }
  }
  try {
    connection_->run("COMMIT");
  } catch (const std::exception& e) {
    connection_->db().tryExec("ROLLBACK");
    failAll(fail(connection_->file().string() + ": commit failed: " + e.what()));
  }
  return std::nullopt;
}

Result<void> StoreWriter::applyDirect(Pending& pending) {
  try {
    pending.operation(*connection_);
    return {};
  } catch (const std::exception& e) {
    return describe(pending.what, e);
  }
}

Result<void> StoreWriter::applyIsolated(Pending& pending) {
  try {
    connection_->run("SAVEPOINT write_op");
  } catch (const std::exception& e) {
    return describe(pending.what, e);
  }
  try {
    pending.operation(*connection_);
    connection_->run("RELEASE write_op");
    return {};
  } catch (const std::exception& e) {
    Error error = describe(pending.what, e);
    // Undo this write only; the rest of the batch goes on.
    connection_->db().tryExec("ROLLBACK TO write_op");
    connection_->db().tryExec("RELEASE write_op");
    return error;
  }
}

Error StoreWriter::describe(const std::string& what, const std::exception& e) const {
  return fail(connection_->file().string() + ": " + what + ": " + e.what());
}

}  // namespace lwm2m::persistence
