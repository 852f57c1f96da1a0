#include "gateway/daemon/webhook_outbox.h"

#include <spdlog/spdlog.h>

#include <future>
#include <memory>

namespace lwm2m::gateway {
namespace {

// Start-up removals: submits with `submit(done)` and waits for the count.
template <class Submit>
Result<std::size_t> awaitRemoval(const std::string& what, Submit submit) {
  auto promise = std::make_shared<std::promise<Result<std::size_t>>>();
  auto future = promise->get_future();
  submit([promise](Result<std::size_t> removed) { promise->set_value(std::move(removed)); });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return fail(what + " did not finish within 30 s");
  }
  return future.get();
}

}  // namespace

std::int64_t WebhookOutbox::append(const std::string& webhook, const bridges::webhook::StoredEvent& event,
                                   std::function<void(Result<void>)> committed) {
  return store_.append(persistence::WebhookOutboxRecord{0, webhook, event.kind, event.body, event.createdAtMs},
                       std::move(committed));
}

void WebhookOutbox::remove(std::int64_t id) {
  store_.remove(id, [id](Result<void> done) {
    if (!done) spdlog::warn("webhook outbox: cannot remove event {}: {}", id, done.error().message);
  });
}

Result<std::vector<bridges::webhook::StoredEvent>> WebhookOutbox::loadAfter(const std::string& webhook,
                                                                            std::int64_t afterId,
                                                                            std::size_t limit) {
  auto records = store_.loadAfter(webhook, afterId, limit);
  if (!records) return records.error();
  std::vector<bridges::webhook::StoredEvent> events;
  events.reserve(records->size());
  for (persistence::WebhookOutboxRecord& r : *records) {
    events.push_back({r.id, std::move(r.kind), std::move(r.body), r.createdAtMs});
  }
  return events;
}

Result<std::size_t> WebhookOutbox::count(const std::string& webhook) { return store_.count(webhook); }

Result<std::size_t> WebhookOutbox::dropOldestBeyond(const std::string& webhook, std::size_t bound) {
  return awaitRemoval("trimming the events of webhook " + webhook + " to " + std::to_string(bound),
                      [&](persistence::CountCompletion done) { store_.dropOldestBeyond(webhook, bound, std::move(done)); });
}

Result<std::size_t> WebhookOutbox::dropOtherWebhooks(const std::vector<std::string>& kept) {
  return awaitRemoval("dropping the events of webhooks no longer configured",
                      [&](persistence::CountCompletion done) { store_.dropOtherWebhooks(kept, std::move(done)); });
}

}  // namespace lwm2m::gateway
