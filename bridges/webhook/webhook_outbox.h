#pragma once
// WebhookOutbox: where the webhooks keep each event until its receiver took
// it, so that events survive a receiver outage and a gateway restart (also
// kill -9). The queues own the delivery logic; an outbox only stores.
//
// The gateway implements it over its database (gateway/daemon/webhook_outbox.h);
// tests may use an in-memory one.
//
// Threading contract: every call is made on the I/O thread. append() and
// remove() never block (they queue a write); `committed` may run on any
// thread, after the write is durable, and must only post. The loads and
// counts are synchronous reads, made at start-up and for small batches.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::bridges::webhook {

struct StoredEvent {
  std::int64_t id = 0;     // strictly increasing with append order (over every webhook)
  std::string kind;        // "notification", for the X-Lwm2m-Event header
  std::string body;        // the JSON POSTed
  std::int64_t createdAtMs = 0;  // unix ms, when the event happened
};

class WebhookOutbox {
 public:
  virtual ~WebhookOutbox() = default;

  // Stores the event for `webhook` and returns its id at once (event.id is
  // ignored). Appends commit in id order: once `committed` ran for an id,
  // every smaller id is durable too (or failed).
  virtual std::int64_t append(const std::string& webhook, const StoredEvent& event,
                              std::function<void(Result<void>)> committed) = 0;
  // Delivered, dead-lettered or dropped. Removing an unknown id is not an error.
  virtual void remove(std::int64_t id) = 0;
  // Up to `limit` committed events of `webhook` with an id above `afterId`, oldest first.
  virtual Result<std::vector<StoredEvent>> loadAfter(const std::string& webhook, std::int64_t afterId,
                                                     std::size_t limit) = 0;
  virtual Result<std::size_t> count(const std::string& webhook) = 0;
  // Start-up only, waits for the commit: keeps the newest `bound` events of
  // `webhook`; returns how many older ones it removed.
  virtual Result<std::size_t> dropOldestBeyond(const std::string& webhook, std::size_t bound) = 0;
  // Start-up only, waits for the commit: removes the events of every webhook
  // not in `kept` (no longer configured); returns how many.
  virtual Result<std::size_t> dropOtherWebhooks(const std::vector<std::string>& kept) = 0;
};

}  // namespace lwm2m::bridges::webhook
