#pragma once
// WebhookOutbox: the webhooks' outbox (bridges/webhook/webhook_outbox.h) on
// the gateway database (persistence::WebhookOutboxStore).
//
// Threading: see webhook_outbox.h. `committed` runs on the database's writer thread.

#include "bridges/webhook/webhook_outbox.h"
#include "persistence/webhook_outbox_store.h"

namespace lwm2m::gateway {

class WebhookOutbox final : public bridges::webhook::WebhookOutbox {
 public:
  explicit WebhookOutbox(persistence::WebhookOutboxStore& store) : store_(store) {}

  std::int64_t append(const std::string& webhook, const bridges::webhook::StoredEvent& event,
                      std::function<void(Result<void>)> committed) override;
  void remove(std::int64_t id) override;
  Result<std::vector<bridges::webhook::StoredEvent>> loadAfter(const std::string& webhook, std::int64_t afterId,
                                                               std::size_t limit) override;
  Result<std::size_t> count(const std::string& webhook) override;
  // Both wait at most 30 s for the commit.
  Result<std::size_t> dropOldestBeyond(const std::string& webhook, std::size_t bound) override;
  Result<std::size_t> dropOtherWebhooks(const std::vector<std::string>& kept) override;

 private:
  persistence::WebhookOutboxStore& store_;
};

}  // namespace lwm2m::gateway
