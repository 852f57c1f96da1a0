#pragma once
// WebhookQueue: the events of one webhook on their way to its receiver.
//
// Contract:
//  - Durable: an event is stored in the outbox before it is sent, and leaves
//    it only when the receiver answered 2xx, refused it for good, or the bound
//    dropped it. What waits survives a receiver outage and a restart.
//  - Ordered: one POST at a time, oldest first (a backlog from before a
//    restart before anything newer); a failed POST is retried before any
//    later event goes. At least once: a POST answered after the gateway died
//    is sent again after the restart (X-Lwm2m-Delivery names it).
//  - Retries: no answer, 408, 429, 3xx and 5xx are retried after
//    retryDelay() (bridges/backoff.h), attempt after attempt, without end.
//  - Dead letters: any other 4xx is final: the event is removed, counted as
//    dead-lettered and logged, and the next one goes.
//  - Bound: at most `limit` events wait (the one in flight included). A new
//    one beyond it drops the oldest waiting one (the new one when only the one
//    in flight waits); drops are counted and logged once per episode.
//  - Memory: at most memoryWindow waiting events are held in memory; the
//    rest stay in the outbox and are read back in batches.
//
// Threading contract: construct, call and destroy on the I/O thread; the
// outbox's commit completions come back through `post`. counts() may be read
// from any thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bridges/webhook/webhook_outbox.h"
#include "bridges/webhook/webhook_poster.h"
#include "lwm2m/coap/scheduler.h"

namespace lwm2m::bridges::webhook {

struct QueueSettings {
  std::string name;  // the webhook's name: outbox key and logs
  std::size_t limit = 10000;
  std::chrono::milliseconds retryMin{1000};
  std::chrono::milliseconds retryMax{300000};
  std::size_t memoryWindow = 1000;
};

// For /metrics and /health; since start, depth now.
struct WebhookCounts {
  std::uint64_t delivered = 0;     // answered 2xx
  std::uint64_t retries = 0;       // POSTs that failed and were tried again
  std::uint64_t dropped = 0;       // dropped by the bound, or lost by a failing outbox
  std::uint64_t deadLettered = 0;  // refused with a final 4xx
  std::size_t depth = 0;           // waiting, in flight included
};

class WebhookQueue : public std::enable_shared_from_this<WebhookQueue> {
 public:
  // Runs a function later on the I/O thread (asio::post in the gateway).
  using Post = std::function<void(std::function<void()>)>;

  WebhookQueue(QueueSettings settings, WebhookOutbox& outbox, std::unique_ptr<WebhookPoster> poster,
               coap::Scheduler& scheduler, Post post, std::function<double()> random01);
  WebhookQueue(const WebhookQueue&) = delete;
  WebhookQueue& operator=(const WebhookQueue&) = delete;

  // Start-up: takes over what an earlier run left in the outbox, trimmed to
  // the bound, and starts sending it. Throws std::runtime_error naming the
  // webhook if the outbox cannot be read.
  void loadBacklog();
  // A new event for this webhook. Must be owned by a std::shared_ptr.
  void append(std::string kind, std::string body, std::int64_t atMs);
  // No more POSTs; what waits stays in the outbox for the next start.
  void stop();

  const std::string& name() const { return settings_.name; }
  WebhookCounts counts() const;

 private:
  void onCommitted(StoredEvent event, const Result<void>& stored);
  bool makeRoom();
  void countDrop(std::uint64_t n);
  void pump();
  void refill();
  void onPosted(PostOutcome outcome);
  void finish();  // the event in flight is done with: removed, next one
  void updateDepth() { depth_ = waiting(); }
  std::size_t waiting() const {
    return (inflight_ ? 1 : 0) + memory_.size() + diskOnly_ + uncommitted_;
  }

  const QueueSettings settings_;
  WebhookOutbox& outbox_;
  std::unique_ptr<WebhookPoster> poster_;
  coap::Scheduler& scheduler_;
  Post post_;
  std::function<double()> random01_;

  // Where an event is (ids grow with append order):
  //   inflight_     being POSTed, or waiting for its retry
  //   memory_       committed, waiting for its turn (at most memoryWindow)
  //   diskOnly_     committed, only in the outbox (ids above lastInMemory_)
  //   uncommitted_  appended, commit not yet reported
  std::optional<StoredEvent> inflight_;
  std::deque<StoredEvent> memory_;
  std::size_t diskOnly_ = 0;
  std::size_t uncommitted_ = 0;
  std::int64_t lastInMemory_ = 0;

  unsigned attempt_ = 0;  // failed POSTs of the event in flight
  coap::Scheduler::TimerId retryTimer_ = 0;
  bool posting_ = false;
  bool stopped_ = false;
  bool storeFailing_ = false;
  std::uint64_t episodeDrops_ = 0;

  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> deadLettered_{0};
  std::atomic<std::size_t> depth_{0};
};

}  // namespace lwm2m::bridges::webhook
