#pragma once
// RequestQueueStore: the requests accepted for sleeping (queue-mode) devices,
// kept until they are delivered, cancelled or expired. The gateway drives the
// queue (what to send, when, at most once); this store only keeps it durable.
//
// Writes are queued to the database's writer thread and never block; `done`
// runs on that thread after the COMMIT (see write.h): answer "queued" to the
// cloud only from there. Reads are synchronous on a separate connection and
// see committed data only: a write whose completion has not run may be absent.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lwm2m/result.h"
#include "persistence/write.h"

namespace lwm2m::persistence {

inline constexpr int kLegacyJsonRowFormat = 1;
inline constexpr int kCurrentRowFormat = 2;

struct QueuedRequestRecord {
  std::string requestId;  // unique
  std::string endpoint;
  std::int64_t sequence = 0;  // store-assigned, strictly increasing: delivery order
  std::string operation;  // operations::operationName() of the request, for listings
  // The request in the queue's row format (request_row.h); for rows stored
  // before schema 4 (rowFormat 1) the JSON command of that version.
  std::string body;
  int rowFormat = kCurrentRowFormat;
  std::int64_t acceptedAtMs = 0;  // unix ms
  std::int64_t expiresAtMs = 0;
  std::string state = "queued";  // "queued" or "in_flight"
  // The "queued" answer was written (in the same transaction as this flag).
  // Rows stored before schema 6 count as answered.
  bool answered = true;

  bool operator==(const QueuedRequestRecord&) const = default;
};

class RequestQueueStore {
 public:
  virtual ~RequestQueueStore() = default;

  // Appends the request and returns its sequence at once (record.sequence is
  // ignored). Sequences grow strictly across the whole store and are never
  // reused, also after removals and restarts. Fails (through `done`) on a
  // duplicate requestId or a state other than "queued"/"in_flight".
  virtual std::int64_t enqueue(QueuedRequestRecord record, WriteCompletion done) = 0;

  // Its "queued" answer is written (answered = true). Fails if the request is unknown.
  virtual void markAnswered(std::string requestId, WriteCompletion done) = 0;

  // The request was handed to the device. Fails if the request is unknown.
  virtual void markInFlight(std::string requestId, WriteCompletion done) = 0;

  // Delivered, cancelled or expired. Removing an unknown request succeeds.
  virtual void remove(std::string requestId, WriteCompletion done) = 0;

  // The endpoint's requests in delivery (sequence) order.
  virtual Result<std::vector<QueuedRequestRecord>> listByEndpoint(const std::string& endpoint) = 0;
  virtual Result<std::size_t> countByEndpoint(const std::string& endpoint) = 0;

  // Requests with expiresAtMs <= nowMs, in sequence order.
  virtual Result<std::vector<QueuedRequestRecord>> findExpired(std::int64_t nowMs) = 0;

  // Every stored request, in sequence order.
  virtual Result<std::vector<QueuedRequestRecord>> loadAll() = 0;

  // The writes submitted (by this thread, to this store or any other on the
  // same database) while `writes` runs commit together or not at all; see
  // StoreWriter::together. `name` names its crash points (crash_point.h).
  // Without a shared database, as here, they are simply submitted.
  virtual void together(const std::string& name, const std::function<void()>& writes) {
    (void)name;
    writes();
  }
  // `done` runs once every write submitted before (by this thread: those of
  // an open together() group included) is committed or failed.
  virtual void afterCommit(WriteCompletion done) {
    if (done) done(Result<void>());
  }
};

}  // namespace lwm2m::persistence
