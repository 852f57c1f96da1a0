#pragma once
// WebhookPoster: sends one POST of a webhook and reports how it ended. The
// delivery queue (webhook_queue.h) calls it one event at a time; the HTTP
// client (http_poster.h) implements it, tests use a fake.
//
// Threading contract: post() and cancel() are called on the I/O thread and
// `done` runs there, exactly once per post() unless cancel() came first.

#include <functional>
#include <string>

#include "bridges/webhook/webhook_outbox.h"

namespace lwm2m::bridges::webhook {

struct PostOutcome {
  int status = 0;     // HTTP status; 0: no answer (cannot connect, TLS refused, timeout)
  std::string error;  // status 0: why, in words
};

class WebhookPoster {
 public:
  virtual ~WebhookPoster() = default;
  virtual void post(const StoredEvent& event, std::function<void(PostOutcome)> done) = 0;
  // Abandons the POST in progress (its `done` does not run) and the connection.
  virtual void cancel() = 0;
};

}  // namespace lwm2m::bridges::webhook
