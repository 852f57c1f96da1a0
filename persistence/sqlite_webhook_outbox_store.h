#pragma once
// WebhookOutboxStore on the gateway database (see webhook_outbox_store.h).

#include <atomic>

#include "persistence/connection.h"
#include "persistence/store_writer.h"
#include "persistence/webhook_outbox_store.h"

namespace lwm2m::persistence {

class SqliteWebhookOutboxStore final : public WebhookOutboxStore {
 public:
  // `lastId`: the highest id ever assigned in this database (see lastAssignedId).
  SqliteWebhookOutboxStore(StoreWriter& writer, Reader& reader, std::int64_t lastId)
      : writer_(writer), reader_(reader), lastId_(lastId) {}

  static std::int64_t lastAssignedId(Connection& connection);

  std::int64_t append(WebhookOutboxRecord record, WriteCompletion done) override;
  void remove(std::int64_t id, WriteCompletion done) override;
  void dropOldestBeyond(const std::string& webhook, std::size_t bound, CountCompletion done) override;
  void dropOtherWebhooks(std::vector<std::string> kept, CountCompletion done) override;
  Result<std::vector<WebhookOutboxRecord>> loadAfter(const std::string& webhook, std::int64_t afterId,
                                                     std::size_t limit) override;
  Result<std::size_t> count(const std::string& webhook) override;

 private:
  // Runs a removal on the writer thread and reports the rows it removed.
  void removeCounting(std::string what, std::function<int(Connection&)> removal, CountCompletion done);

  StoreWriter& writer_;
  Reader& reader_;
  std::atomic<std::int64_t> lastId_;
};

}  // namespace lwm2m::persistence
