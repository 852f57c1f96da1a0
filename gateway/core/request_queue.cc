#include "gateway/core/request_queue.h"

#include <cstdio>

#include <spdlog/spdlog.h>

#include "gateway/core/unix_time.h"
#include "lwm2m/spare_buckets.h"

namespace lwm2m::gateway {
namespace {

// `answered`: its queued answer is told in the same step (the step of one
// commit, "accepted-in-flight"); else step 2 writes it.
persistence::QueuedRequestRecord toRecord(const QueuedRequest& r, bool answered) {
  persistence::QueuedRequestRecord record;
  record.requestId = r.id;
  record.endpoint = r.endpoint;
  record.operation = std::string(operations::operationName(r.request.operation));
  record.body = persistence::encodeRequestRow({r.request, r.reply});
  record.acceptedAtMs = unixMs(r.acceptedAt);
  record.expiresAtMs = unixMs(r.expiresAt);
  record.state = r.inFlight ? "in_flight" : "queued";
  record.answered = answered;
  return record;
}

// The stored request, and whether its body could be read (else `why`).
QueuedRequest fromRecord(const persistence::QueuedRequestRecord& record, const LegacyRowReader& legacy,
                         std::string& why) {
  QueuedRequest r;
  r.id = record.requestId;
  r.endpoint = record.endpoint;
  r.sequence = record.sequence;
  r.acceptedAt = fromUnixMs(record.acceptedAtMs);
  r.expiresAt = fromUnixMs(record.expiresAtMs);
  r.inFlight = record.state == "in_flight";
  Result<persistence::RequestRow> row = record.rowFormat == persistence::kLegacyJsonRowFormat
                                            ? (legacy ? legacy(record.body) : fail("no reader for old rows"))
                                            : persistence::decodeRequestRow(record.body);
  if (row) {
    r.request = std::move(row->request);
    r.reply = std::move(row->reply);
  } else {
    why = row.error().message;
  }
  return r;
}

persistence::WriteCompletion logQueueStoreFailure(std::string what, std::string requestId) {
  return [what = std::move(what), requestId = std::move(requestId)](Result<void> r) {
    if (!r) spdlog::error("queued request {}: cannot store {}: {}", requestId, what, r.error().message);
  };
}

}  // namespace

std::string_view toString(QueueEventKind kind) {
  switch (kind) {
    case QueueEventKind::Queued: return "queued";
    case QueueEventKind::Rejected: return "rejected";
    case QueueEventKind::Delivered: return "delivered";
    case QueueEventKind::Expired: return "expired-request";
    case QueueEventKind::Cancelled: return "cancelled";
  }
  return "unknown";
}

RequestQueue::RequestQueue(persistence::RequestQueueStore& store, coap::Scheduler& scheduler,
                           QueueSettings settings, Reachability reachable, Deliverer deliver, Post post,
                           std::function<std::uint32_t()> random)
    : store_(store),
      scheduler_(scheduler),
      settings_(settings),
      reachable_(std::move(reachable)),
      deliver_(std::move(deliver)),
      post_(std::move(post)),
      random_(std::move(random)) {}

RequestQueue::~RequestQueue() {
  *alive_ = false;
  for (auto& [endpoint, queue] : queues_) {
    for (auto& [sequence, entry] : queue) {
      if (entry.expiryTimer) scheduler_.cancel(entry.expiryTimer);
    }
  }
}

Result<std::size_t> RequestQueue::restore() {
  auto records = store_.loadAll();
  if (!records) return records.error();
  const auto now = scheduler_.wallNow();
  std::size_t kept = 0;
  for (const persistence::QueuedRequestRecord& record : *records) {
    std::string unreadable;
    QueuedRequest request = fromRecord(record, legacy_, unreadable);
    if (!unreadable.empty()) {
      endAtResume_.emplace_back(std::move(request), "the stored request cannot be read: " + unreadable);
      continue;
    }
    if (request.inFlight && !operations::isRepeatable(request.request)) {
      endAtResume_.emplace_back(
          std::move(request), std::string(kInterrupted) +
                                  ": the gateway restarted while it was being delivered; not sent again (at most once)");
      continue;
    }
    if (request.expiresAt <= now) {
      // Its queued answer may not have been stored yet (crash before step 2): told first, in the same step.
      if (!record.answered) unansweredAtResume_.insert(request.id);
      endAtResume_.emplace_back(std::move(request), "its time to live ran out while the gateway was down");
      continue;
    }
    Entry& entry = queues_[request.endpoint][request.sequence];
    entry.request = request;
    entry.committed = true;
    entry.answered = record.answered;
    endpointById_[request.id] = request.endpoint;
    ++kept;
  }
  return kept;
}

void RequestQueue::resume() {
  if (resumed_) return;
  resumed_ = true;
  for (auto& [request, why] : endAtResume_) {
    atomically("outcome", [&] {
      store_.remove(request.id, logQueueStoreFailure("removal", request.id));
      if (unansweredAtResume_.count(request.id)) emit(QueueEventKind::Queued, request);
      emit(QueueEventKind::Expired, request, why);
    });
  }
  endAtResume_.clear();
  unansweredAtResume_.clear();
  std::vector<std::string> endpoints;
  for (auto& [endpoint, queue] : queues_) {
    endpoints.push_back(endpoint);
    for (auto& [sequence, entry] : queue) {
      if (entry.request.inFlight) {
        requeue(entry, "the gateway restarted while it was being delivered");
      } else {
        armExpiry(entry);
      }
    }
  }
  // Queued answers first (in acceptance order per device), then deliveries.
  for (const std::string& endpoint : endpoints) {
    std::vector<std::int64_t> unanswered;
    for (auto& [sequence, entry] : queues_.at(endpoint)) {
      if (!entry.answered) unanswered.push_back(sequence);
    }
    for (std::int64_t sequence : unanswered) answerQueued(endpoint, sequence);
  }
  for (const std::string& endpoint : endpoints) drain(endpoint);
}

void RequestQueue::submit(const std::string& endpoint, operations::DeviceRequest deviceRequest,
                          api::ReplyRoute reply, std::function<void(Result<QueuedRequest>)> accepted) {
  const std::optional<std::chrono::seconds> ttl = deviceRequest.ttl;
  QueuedRequest request;
  request.id = newRequestId();
  request.endpoint = endpoint;
  request.request = std::move(deviceRequest);
  request.reply = std::move(reply);
  request.acceptedAt = scheduler_.wallNow();
  request.expiresAt = request.acceptedAt + ttl.value_or(settings_.defaultTtl);

  DeviceQueue& queue = queues_[endpoint];
  if (queue.size() >= settings_.perDeviceLimit) {
    std::string reason = "the queue of device " + endpoint + " is full (" +
                         std::to_string(settings_.perDeviceLimit) + " requests)";
    if (queue.empty()) queues_.erase(endpoint);
    emit(QueueEventKind::Rejected, request, reason);
    accepted(fail(ErrorCode::QueueFull, std::move(reason)));
    return;
  }
  if (ttl && ttl->count() <= 0) {
    std::string reason = "time to live must be positive";
    if (queue.empty()) queues_.erase(endpoint);
    emit(QueueEventKind::Rejected, request, reason);
    accepted(fail(std::move(reason)));
    return;
  }

  if (canSendAtOnce(endpoint)) {
    acceptInFlight(std::move(request), std::move(accepted));
    return;
  }
  auto sequence = std::make_shared<std::int64_t>(0);
  auto onStored = [this, alive = alive_, endpoint, sequence, accepted = std::move(accepted)](Result<void> stored) mutable {
    post_([this, alive, endpoint, sequence, accepted = std::move(accepted), stored = std::move(stored)] {
      if (!*alive) return;
      auto q = queues_.find(endpoint);
      if (q == queues_.end() || !q->second.count(*sequence)) return;
      Entry& entry = q->second.at(*sequence);
      if (!stored) {
        refuseUnstored(q, *sequence, stored.error(), accepted);
        return;
      }
      entry.committed = true;
      armExpiry(entry);
      accepted(QueuedRequest(entry.request));
      answerQueued(endpoint, *sequence);
    });
  };
  // Step 1 (a step of one write: its crash points).
  atomically("accepted", [&] { *sequence = store_.enqueue(toRecord(request, false), std::move(onStored)); });
  request.sequence = *sequence;
  Entry& entry = queue[request.sequence];
  entry.request = std::move(request);
  endpointById_[entry.request.id] = endpoint;
}

// A request whose first write failed: forgotten, and refused to its submitter.
void RequestQueue::refuseUnstored(Queues::iterator q, std::int64_t sequence,
                                  const Error& error, const std::function<void(Result<QueuedRequest>)>& accepted) {
  QueuedRequest refused = std::move(q->second.at(sequence).request);
  endpointById_.erase(refused.id);
  q->second.erase(sequence);
  if (q->second.empty()) queues_.erase(q);
  std::string reason = "cannot store the request: " + error.message;
  emit(QueueEventKind::Rejected, refused, reason);
  accepted(fail(ErrorCode::StoreFailed, std::move(reason)));
}

bool RequestQueue::canSendAtOnce(const std::string& endpoint) const {
  if (!resumed_ || busy_.count(endpoint)) return false;  // not started, or a delivery in progress or paced
  auto q = queues_.find(endpoint);
  if (q != queues_.end() && !q->second.empty()) return false;  // something ahead of it
  return reachable_(endpoint);
}

// Steps 1-3 as one: the row stored in flight and answered, with its queued
// answer. Until the commit the device's queue is busy (its next requests wait
// behind this one); then the request is acknowledged and handed to the device.
// A failed commit stored nothing, not even the queued answer: refused as a
// failed step 1 is, and the non-storing listeners hear nothing of it.
void RequestQueue::acceptInFlight(QueuedRequest request, std::function<void(Result<QueuedRequest>)> accepted) {
  const std::string endpoint = request.endpoint;
  request.inFlight = true;
  busy_.insert(endpoint);
  auto sequence = std::make_shared<std::int64_t>(0);
  auto onStored = [this, alive = alive_, endpoint, sequence, accepted = std::move(accepted)](Result<void> stored) mutable {
    post_([this, alive, endpoint, sequence, accepted = std::move(accepted), stored = std::move(stored)] {
      if (!*alive) return;
      auto q = queues_.find(endpoint);
      if (q == queues_.end() || !q->second.count(*sequence)) return;  // nothing else ends it before the commit
      Entry& entry = q->second.at(*sequence);
      if (!stored) {
        busy_.erase(endpoint);
        refuseUnstored(q, *sequence, stored.error(), accepted);
        drain(endpoint);  // what was submitted behind it meanwhile
        return;
      }
      entry.committed = true;
      entry.answered = true;
      accepted(QueuedRequest(entry.request));
      deliver(endpoint, *sequence);
    });
  };
  atomically("accepted-in-flight", [&] {
    *sequence = store_.enqueue(toRecord(request, true), std::move(onStored));
    request.sequence = *sequence;
    Entry& entry = queues_[endpoint][request.sequence];
    entry.request = std::move(request);
    endpointById_[entry.request.id] = endpoint;
    tellingOnlyIfStored_ = true;
    emit(QueueEventKind::Queued, entry.request);
    tellingOnlyIfStored_ = false;
  });
}

// Step 2: the queued answer and the row's answered flag, together. The request
// is delivered only once this committed (a failure is logged and delivery goes
// on: the answer may then be repeated after a restart, never missing).
void RequestQueue::answerQueued(const std::string& endpoint, std::int64_t sequence) {
  auto q = queues_.find(endpoint);
  if (q == queues_.end() || !q->second.count(sequence)) return;
  const QueuedRequest request = q->second.at(sequence).request;
  atomically("queued-answer", [&] {
    store_.markAnswered(request.id, [this, alive = alive_, endpoint, sequence, id = request.id](Result<void> stored) {
      if (!stored) spdlog::error("queued request {}: cannot store its queued answer: {}", id, stored.error().message);
      post_([this, alive, endpoint, sequence] {
        if (!*alive) return;
        auto q = queues_.find(endpoint);
        if (q == queues_.end() || !q->second.count(sequence)) return;
        q->second.at(sequence).answered = true;
        drain(endpoint);
      });
    });
    emit(QueueEventKind::Queued, request);
  });
}

void RequestQueue::deviceReachable(const std::string& endpoint) { drain(endpoint); }

void RequestQueue::whenStored(std::function<void()> then) {
  store_.afterCommit([post = post_, alive = alive_, then = std::move(then),
                      onlyIfStored = tellingOnlyIfStored_](Result<void> stored) {
    if (!stored && onlyIfStored) return;
    post([alive, then] {
      if (*alive) then();
    });
  });
}

void RequestQueue::drain(const std::string& endpoint) {
  if (!resumed_ || busy_.count(endpoint)) return;
  auto q = queues_.find(endpoint);
  if (q == queues_.end() || q->second.empty() || !reachable_(endpoint)) return;
  Entry& first = q->second.begin()->second;
  if (!first.committed || !first.answered) return;  // step 1 or 2 still to commit: its completion drains
  busy_.insert(endpoint);
  first.request.inFlight = true;
  if (first.expiryTimer) {
    scheduler_.cancel(first.expiryTimer);
    first.expiryTimer = 0;
  }
  const std::int64_t sequence = first.request.sequence;
  // Durably in flight before the device sees it: never delivered twice.
  auto onMarked = [this, alive = alive_, endpoint, sequence](Result<void> stored) {
    post_([this, alive, endpoint, sequence, stored = std::move(stored)] {
      if (!*alive) return;
      if (!stored) {
        busy_.erase(endpoint);
        finish(endpoint, sequence, QueueEventKind::Expired,
               "cannot record the delivery: " + stored.error().message);
        return;
      }
      deliver(endpoint, sequence);
    });
  };
  // Step 3 (a step of one write: its crash points).
  atomically("in-flight", [&] { store_.markInFlight(first.request.id, std::move(onMarked)); });
}

void RequestQueue::deliver(const std::string& endpoint, std::int64_t sequence) {
  auto q = queues_.find(endpoint);
  if (q == queues_.end() || !q->second.count(sequence)) {
    busy_.erase(endpoint);
    return;
  }
  deliver_(q->second.at(sequence).request, [this, alive = alive_, endpoint, sequence](DeliveryResult result) {
    if (*alive) delivered(endpoint, sequence, result);
  });
}

void RequestQueue::delivered(const std::string& endpoint, std::int64_t sequence, DeliveryResult result) {
  Entry* entry = nullptr;
  if (auto q = queues_.find(endpoint); q != queues_.end()) {
    if (auto it = q->second.find(sequence); it != q->second.end()) entry = &it->second;
  }
  if (entry && result == DeliveryResult::NoAnswer && operations::isRepeatable(entry->request.request)) {
    requeue(*entry, "the device did not answer");
  } else if (entry && result == DeliveryResult::NoAnswer) {
    finish(endpoint, sequence, QueueEventKind::Expired,
           std::string(kInterrupted) +
               ": the device did not answer, so whether it was carried out is unknown; not sent again (at most "
               "once)");
  } else {
    finish(endpoint, sequence, QueueEventKind::Delivered, {});
  }
  auto next = [this, alive = alive_, endpoint] {
    if (!*alive) return;
    busy_.erase(endpoint);
    drain(endpoint);
  };
  if (settings_.pacing.count() > 0) {
    scheduler_.schedule(settings_.pacing, next);
  } else {
    post_(next);
  }
}

// At least once: the request waits at the head of its queue (its place by
// sequence) for the device's next wake-up. Its row may still say in_flight;
// that is harmless for this class (restore() queues it again).
void RequestQueue::requeue(Entry& entry, std::string_view why) {
  entry.request.inFlight = false;
  spdlog::info("request {} for {} ({} {}) queued again: {}; it goes out again when the device wakes up",
               entry.request.id, entry.request.endpoint, operations::operationName(entry.request.request.operation),
               entry.request.request.path.toString(), why);
  armExpiry(entry);
}

void RequestQueue::finish(const std::string& endpoint, std::int64_t sequence, QueueEventKind kind,
                          std::string reason) {
  auto q = queues_.find(endpoint);
  if (q == queues_.end()) return;
  auto it = q->second.find(sequence);
  if (it == q->second.end()) return;
  QueuedRequest request = std::move(it->second.request);
  if (it->second.expiryTimer) scheduler_.cancel(it->second.expiryTimer);
  q->second.erase(it);
  if (q->second.empty()) queues_.erase(q);
  endpointById_.erase(request.id);
  releaseSpareBuckets(queues_);
  releaseSpareBuckets(endpointById_);
  releaseSpareBuckets(busy_);
  // Step 4: the row's removal and the final outcome the listeners store, together.
  atomically("outcome", [&] {
    store_.remove(request.id, [this, alive = alive_, id = request.id](Result<void> removed) {
      if (removed) return;
      spdlog::error("queued request {}: cannot store its removal: {}; trying once more", id, removed.error().message);
      post_([this, alive, id] {
        if (*alive) store_.remove(id, logQueueStoreFailure("removal", id));
      });
    });
    emit(kind, request, std::move(reason));
  });
}

void RequestQueue::armExpiry(Entry& entry) {
  auto delay = std::chrono::duration_cast<std::chrono::steady_clock::duration>(entry.request.expiresAt -
                                                                               scheduler_.wallNow());
  if (delay < std::chrono::steady_clock::duration::zero()) delay = {};
  const std::string endpoint = entry.request.endpoint;
  const std::int64_t sequence = entry.request.sequence;
  const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(entry.request.expiresAt - entry.request.acceptedAt);
  entry.expiryTimer = scheduler_.schedule(delay, [this, endpoint, sequence, ttl] {
    auto q = queues_.find(endpoint);
    if (q == queues_.end() || !q->second.count(sequence)) return;
    Entry& e = q->second.at(sequence);
    e.expiryTimer = 0;
    if (e.request.inFlight) return;
    finish(endpoint, sequence, QueueEventKind::Expired,
           "not delivered within its time to live of " + std::to_string(ttl.count()) +
               " s: the device did not wake up");
  });
}

std::vector<QueuedRequest> RequestQueue::list(const std::string& endpoint) const {
  std::vector<QueuedRequest> out;
  auto q = queues_.find(endpoint);
  if (q == queues_.end()) return out;
  for (const auto& [sequence, entry] : q->second) {
    if (entry.committed) out.push_back(entry.request);
  }
  return out;
}

bool RequestQueue::isFull(const std::string& endpoint) const {
  auto q = queues_.find(endpoint);
  return q != queues_.end() && q->second.size() >= settings_.perDeviceLimit;
}

std::size_t RequestQueue::size() const { return endpointById_.size(); }

std::optional<std::chrono::system_clock::time_point> RequestQueue::oldestAcceptedAt() const {
  std::optional<std::chrono::system_clock::time_point> oldest;
  for (const auto& [endpoint, queue] : queues_) {
    if (queue.empty()) continue;
    const auto at = queue.begin()->second.request.acceptedAt;  // first by sequence: the device's oldest
    if (!oldest || at < *oldest) oldest = at;
  }
  return oldest;
}

Result<QueuedRequest> RequestQueue::cancel(const std::string& requestId) {
  auto id = endpointById_.find(requestId);
  if (id == endpointById_.end()) return fail(ErrorCode::NotFound, "no queued request " + requestId);
  const std::string endpoint = id->second;
  auto& queue = queues_.at(endpoint);
  for (auto& [sequence, entry] : queue) {
    if (entry.request.id != requestId) continue;
    if (entry.request.inFlight) {
      return fail(ErrorCode::InFlight,
                  "request " + requestId + " is being delivered to " + endpoint + "; it can no longer be cancelled");
    }
    if (!entry.committed) return fail(ErrorCode::InFlight, "request " + requestId + " is not stored yet");
    QueuedRequest copy = entry.request;
    finish(endpoint, sequence, QueueEventKind::Cancelled, {});
    return copy;
  }
  return fail(ErrorCode::NotFound, "no queued request " + requestId);
}

void RequestQueue::emit(QueueEventKind kind, const QueuedRequest& request, std::string reason) {
  if (kind == QueueEventKind::Rejected || kind == QueueEventKind::Expired) {
    spdlog::warn("request {} for {} {}: {}", request.id, request.endpoint, toString(kind), reason);
  }
  if (listener_) listener_(QueueEvent{kind, request, std::move(reason)});
}

std::string RequestQueue::newRequestId() {
  for (;;) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "q%08x%04x", static_cast<unsigned>(random_()),
                  static_cast<unsigned>(random_() & 0xffff));
    if (!endpointById_.count(buf)) return buf;
  }
}

}  // namespace lwm2m::gateway
