#pragma once
// OutboxStore on the gateway database (see outbox_store.h).

#include <atomic>

#include "persistence/connection.h"
#include "persistence/outbox_store.h"
#include "persistence/store_writer.h"

namespace lwm2m::persistence {

class SqliteOutboxStore final : public OutboxStore {
 public:
  // `lastId`: the highest id ever assigned in this database (see lastAssignedId).
  SqliteOutboxStore(StoreWriter& writer, Reader& reader, std::int64_t lastId)
      : writer_(writer), reader_(reader), lastId_(lastId) {}

  static std::int64_t lastAssignedId(Connection& connection);

  std::int64_t append(OutboxRecord record, WriteCompletion done) override;
  void remove(std::int64_t id, WriteCompletion done) override;
  void dropOldestBeyond(std::size_t bound,
                        std::function<void(Result<std::size_t>)> done) override;
  Result<std::vector<OutboxRecord>> loadOldest(std::size_t limit) override;
  Result<std::vector<OutboxRecord>> loadAfter(std::int64_t afterId, std::size_t limit) override;
  Result<std::size_t> count() override;

 private:
  StoreWriter& writer_;
  Reader& reader_;
  std::atomic<std::int64_t> lastId_;
};

}  // namespace lwm2m::persistence
