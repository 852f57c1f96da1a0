#pragma once
// RequestQueueStore on the gateway database (see request_queue_store.h).

#include <atomic>

#include "persistence/connection.h"
#include "persistence/request_queue_store.h"
#include "persistence/store_writer.h"

namespace lwm2m::persistence {

class SqliteRequestQueueStore final : public RequestQueueStore {
 public:
  // `lastSequence`: the highest sequence ever assigned in this database
  // (see lastAssignedSequence), so that sequences are never reused.
  SqliteRequestQueueStore(StoreWriter& writer, Reader& reader, std::int64_t lastSequence)
      : writer_(writer), reader_(reader), lastSequence_(lastSequence) {}

  // Reads the high-water mark kept by SQLite's AUTOINCREMENT (synchronous).
  static std::int64_t lastAssignedSequence(Connection& connection);

  std::int64_t enqueue(QueuedRequestRecord record, WriteCompletion done) override;
  void markAnswered(std::string requestId, WriteCompletion done) override;
  void markInFlight(std::string requestId, WriteCompletion done) override;
  void remove(std::string requestId, WriteCompletion done) override;
  Result<std::vector<QueuedRequestRecord>> listByEndpoint(const std::string& endpoint) override;
  Result<std::size_t> countByEndpoint(const std::string& endpoint) override;
  Result<std::vector<QueuedRequestRecord>> findExpired(std::int64_t nowMs) override;
  Result<std::vector<QueuedRequestRecord>> loadAll() override;
  void together(const std::string& name, const std::function<void()>& writes) override {
    writer_.together(name, writes);
  }
  void afterCommit(WriteCompletion done) override {
    writer_.submit("wait for the commit", [](Connection&) {}, std::move(done));
  }

 private:
  Result<std::vector<QueuedRequestRecord>> select(std::string_view what, const std::string& sql,
                                                  const std::string* text, std::int64_t number);

  StoreWriter& writer_;
  Reader& reader_;
  std::atomic<std::int64_t> lastSequence_;
};

}  // namespace lwm2m::persistence
