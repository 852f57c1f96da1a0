#pragma once
// StoreWriter: the one thread that writes the gateway database.
//
// Contract:
// - submit() never blocks on disk: it appends to an in-memory queue and returns.
//   Writes run in submission order.
// - The thread takes everything queued (at most `maxBatch` writes) and runs it
//   in ONE transaction (group commit): BEGIN IMMEDIATE, the writes, COMMIT.
// - A write that throws (constraint, missing row, no room left) fails alone:
//   the batch is rolled back and replayed without it, each write now in its
//   own SAVEPOINT, until it commits; only the failing writes get an error.
//   (Savepoints only on replay: they copy every touched page, which costs more
//   than the writes themselves.) If BEGIN or COMMIT fails, every write of the
//   batch gets the error and none of them is stored.
// - Completions run on the writer thread, in submission order, after the COMMIT.
// - maintain() queues an operation that runs alone, outside any transaction,
//   between the batches before and after it (a WAL checkpoint cannot run inside
//   one). Its failure is its own; it is never replayed.
// - close() (and the destructor) drains the queue: every write submitted before
//   it is committed and completed. A write submitted after close() completes at
//   once, on the caller's thread, with an error.
// - together(): the writes one thread submits while its function runs become
//   ONE write: they commit in the same transaction or not at all, and their
//   completions run in submission order with the group's result. This is how
//   a state change and the messages that tell it are made one (see
//   gateway/core/request_queue.h). A group opened inside a group joins it.
//   Groups are opened by one thread at a time (the gateway's I/O thread);
//   other threads' writes meanwhile are queued as usual, before the group.
// - submitUnhurried(): a write whose durability can wait (a removal that a
//   crash would only undo, e.g. of an acknowledged outbox message). Rather
//   than costing a commit (an fsync) of its own, it joins the next
//   transaction: the batch of the next write submitted, or, when none comes
//   within `unhurriedDelay`, a transaction of its own. Submission order holds
//   (an unhurried write runs before every write submitted after it).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "persistence/connection.h"
#include "persistence/write.h"

namespace lwm2m::persistence {

// A write: runs on the writer thread inside the batch transaction. Throws to
// report failure (SQLite::Exception, or std::runtime_error with a message).
// It may run more than once (see the replay above): it must touch nothing but the
// connection, or only keep what its last run produced.
using WriteOperation = std::function<void(Connection&)>;

class StoreWriter {
 public:
  // Takes ownership of the read-write connection; starts the thread.
  StoreWriter(std::unique_ptr<Connection> connection, std::size_t maxBatch,
              std::chrono::milliseconds unhurriedDelay = std::chrono::milliseconds(100));
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // `what` names the write in error messages ("upsert registration 'dev-1'").
  void submit(std::string what, WriteOperation operation, WriteCompletion done);
  // As submit(), committed with the next transaction (see the contract).
  void submitUnhurried(std::string what, WriteOperation operation, WriteCompletion done);
  // Runs `operation` alone, outside a transaction, in submission order.
  void maintain(std::string what, WriteOperation operation, WriteCompletion done);

  // Runs `writes` (on the caller's thread); what this thread submits meanwhile
  // commits as one write, placed after everything submitted before. `name`
  // names the group's crash points (crash_point.h): "<name>:uncommitted" and
  // "<name>:committed". A group with no writes submits nothing.
  void together(const std::string& name, const std::function<void()>& writes);

  void close();
  WriterStats stats() const;

 private:
  struct Pending {
    std::string what;
    WriteOperation operation;
    WriteCompletion done;
    bool alone = false;  // maintain(): outside any transaction
    bool unhurried = false;  // submitUnhurried()
  };

  void enqueue(Pending pending);

  void run();
  void enqueueLocked(Pending pending);
  void releaseUnhurriedLocked();  // unhurried_ to the end of queue_
  void closeGroup(const std::string& name);
  void commitBatch(std::deque<Pending>& batch, std::vector<Result<void>>& results);
  // Runs the writes not excluded in one transaction. Returns the index of a
  // write that failed and took the transaction down with it (replay without
  // it); nullopt once the batch is committed or has failed as a whole.
  std::optional<std::size_t> runBatch(std::deque<Pending>& batch, const std::vector<bool>& excluded,
                                      std::vector<Result<void>>& results, bool isolate);
  Result<void> applyDirect(Pending& pending);
  Result<void> applyIsolated(Pending& pending);
  Error describe(const std::string& what, const std::exception& e) const;

  std::unique_ptr<Connection> connection_;
  const std::size_t maxBatch_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  // Unhurried writes waiting for a transaction to join, submitted before
  // everything in queue_; the first of them since unhurriedSince_.
  std::deque<Pending> unhurried_;
  std::chrono::steady_clock::time_point unhurriedSince_;
  const std::chrono::milliseconds unhurriedDelay_;
  bool closed_ = false;  // no more submissions; the thread drains and ends
  WriterStats stats_;
  // The open write group: its thread, nesting depth and the writes so far.
  std::thread::id groupThread_;
  int groupDepth_ = 0;
  std::string groupName_;  // the outermost group's
  std::vector<Pending> group_;

  std::thread thread_;
};

}  // namespace lwm2m::persistence
