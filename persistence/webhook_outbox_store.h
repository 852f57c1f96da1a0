#pragma once
// WebhookOutboxStore: events on their way to webhooks. An event stays until
// its webhook's receiver took it (or refused it for good, or the bound
// dropped it), so it survives a receiver outage and a gateway restart; each
// webhook reads its own events oldest first.
//
// Writes are queued to the database's writer thread and never block; `done`
// runs on that thread after the COMMIT (see write.h). Reads are synchronous on
// a separate connection and see committed data only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lwm2m/result.h"
#include "persistence/write.h"

namespace lwm2m::persistence {

struct WebhookOutboxRecord {
  std::int64_t id = 0;  // store-assigned, strictly increasing over every webhook: delivery order
  std::string webhook;  // the webhook's name
  std::string kind;     // event kind, "notification"
  std::string body;     // the JSON to POST
  std::int64_t createdAtMs = 0;

  bool operator==(const WebhookOutboxRecord&) const = default;
};

using CountCompletion = std::function<void(Result<std::size_t>)>;

class WebhookOutboxStore {
 public:
  virtual ~WebhookOutboxStore() = default;

  // Appends the event and returns its id at once (record.id is ignored). Ids
  // grow strictly and are never reused.
  virtual std::int64_t append(WebhookOutboxRecord record, WriteCompletion done) = 0;
  // Removing an unknown id succeeds.
  virtual void remove(std::int64_t id, WriteCompletion done) = 0;
  // Keeps the newest `bound` events of `webhook`; `done` gets how many were removed.
  virtual void dropOldestBeyond(const std::string& webhook, std::size_t bound, CountCompletion done) = 0;
  // Removes the events of every webhook not named in `kept`; `done` gets how many.
  virtual void dropOtherWebhooks(std::vector<std::string> kept, CountCompletion done) = 0;

  // The `limit` oldest events of `webhook` with an id above `afterId`, oldest first.
  virtual Result<std::vector<WebhookOutboxRecord>> loadAfter(const std::string& webhook, std::int64_t afterId,
                                                             std::size_t limit) = 0;
  virtual Result<std::size_t> count(const std::string& webhook) = 0;
};

}  // namespace lwm2m::persistence
