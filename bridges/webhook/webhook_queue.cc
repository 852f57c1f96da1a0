#include "bridges/webhook/webhook_queue.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "bridges/backoff.h"

namespace lwm2m::bridges::webhook {
namespace {

// A retry is final only for a refusal of the event itself.
bool deadLetter(int status) { return status >= 400 && status < 500 && status != 408 && status != 429; }

}  // namespace

WebhookQueue::WebhookQueue(QueueSettings settings, WebhookOutbox& outbox, std::unique_ptr<WebhookPoster> poster,
                           coap::Scheduler& scheduler, Post post, std::function<double()> random01)
    : settings_(std::move(settings)),
      outbox_(outbox),
      poster_(std::move(poster)),
      scheduler_(scheduler),
      post_(std::move(post)),
      random01_(std::move(random01)) {}

void WebhookQueue::loadBacklog() {
  auto trimmed = outbox_.dropOldestBeyond(settings_.name, settings_.limit);
  if (!trimmed) throw std::runtime_error("webhook " + settings_.name + ": " + trimmed.error().message);
  if (*trimmed > 0) {
    dropped_ += *trimmed;
    spdlog::warn("webhook {}: {} stored events dropped, the oldest beyond webhooks.outbox_limit ({})",
                 settings_.name, *trimmed, settings_.limit);
  }
  auto stored = outbox_.count(settings_.name);
  if (!stored) throw std::runtime_error("webhook " + settings_.name + ": " + stored.error().message);
  diskOnly_ = *stored;
  lastInMemory_ = 0;
  refill();
  if (*stored > 0) spdlog::info("webhook {}: {} events from before the restart to deliver", settings_.name, *stored);
  updateDepth();
  pump();
}

void WebhookQueue::append(std::string kind, std::string body, std::int64_t atMs) {
  if (stopped_) return;
  if (waiting() >= settings_.limit && !makeRoom()) {
    countDrop(1);  // everything kept is in flight or not yet stored: the new one goes
    return;
  }
  StoredEvent event{0, std::move(kind), std::move(body), atMs};
  ++uncommitted_;
  std::weak_ptr<WebhookQueue> weak = weak_from_this();
  auto shared = std::make_shared<StoredEvent>(std::move(event));
  shared->id = outbox_.append(settings_.name, *shared, [weak, post = post_, shared](Result<void> stored) {
    post([weak, shared, stored = std::move(stored)] {
      if (auto self = weak.lock()) self->onCommitted(std::move(*shared), stored);
    });
  });
  updateDepth();
}

void WebhookQueue::onCommitted(StoredEvent event, const Result<void>& stored) {
  --uncommitted_;
  if (!stored) {
    countDrop(1);
    if (!storeFailing_) {
      spdlog::warn("webhook {}: event not stored, so not delivered: {}", settings_.name, stored.error().message);
      storeFailing_ = true;
    }
  } else {
    storeFailing_ = false;
    if (diskOnly_ == 0 && memory_.size() < settings_.memoryWindow) {
      lastInMemory_ = event.id;
      memory_.push_back(std::move(event));
    } else {
      ++diskOnly_;
    }
  }
  updateDepth();
  pump();
}

// Drops the oldest event that waits and is not in flight.
bool WebhookQueue::makeRoom() {
  if (memory_.empty()) refill();
  if (memory_.empty()) return false;
  outbox_.remove(memory_.front().id);
  memory_.pop_front();
  countDrop(1);
  return true;
}

void WebhookQueue::countDrop(std::uint64_t n) {
  dropped_ += n;
  if (episodeDrops_ == 0) {
    spdlog::warn("webhook {}: {} events wait, the limit (webhooks.outbox_limit): dropping the oldest",
                 settings_.name, settings_.limit);
  }
  episodeDrops_ += n;
}

void WebhookQueue::refill() {
  if (diskOnly_ == 0 || memory_.size() >= settings_.memoryWindow / 2) return;
  auto batch = outbox_.loadAfter(settings_.name, lastInMemory_, settings_.memoryWindow - memory_.size());
  if (!batch) {
    spdlog::warn("webhook {}: cannot read stored events: {}", settings_.name, batch.error().message);
    return;
  }
  for (StoredEvent& e : *batch) {
    lastInMemory_ = e.id;
    memory_.push_back(std::move(e));
  }
  diskOnly_ = batch->size() >= diskOnly_ ? 0 : diskOnly_ - batch->size();
  if (batch->empty()) diskOnly_ = 0;  // counted ones were removed meanwhile
}

void WebhookQueue::pump() {
  if (stopped_ || posting_ || retryTimer_ != 0) return;
  if (!inflight_) {
    refill();
    if (memory_.empty()) {
      if (episodeDrops_ > 0 && waiting() == 0) {
        spdlog::info("webhook {}: caught up; {} events were dropped meanwhile", settings_.name, episodeDrops_);
        episodeDrops_ = 0;
      }
      return;
    }
    inflight_ = std::move(memory_.front());
    memory_.pop_front();
  }
  posting_ = true;
  poster_->post(*inflight_, [weak = weak_from_this()](PostOutcome outcome) {
    if (auto self = weak.lock()) self->onPosted(std::move(outcome));
  });
}

void WebhookQueue::onPosted(PostOutcome outcome) {
  posting_ = false;
  if (stopped_ || !inflight_) return;
  if (outcome.status >= 200 && outcome.status < 300) {
    ++delivered_;
    if (attempt_ > 0) spdlog::info("webhook {}: delivering again after {} failed attempts", settings_.name, attempt_);
    return finish();
  }
  if (deadLetter(outcome.status)) {
    ++deadLettered_;
    spdlog::warn("webhook {}: event {} ({}) refused with HTTP {}: dead-lettered, going on with the next",
                 settings_.name, inflight_->id, inflight_->kind, outcome.status);
    return finish();
  }
  ++retries_;
  ++attempt_;
  const auto delay = retryDelay(attempt_, settings_.retryMin, settings_.retryMax, random01_());
  const std::string why = outcome.status == 0 ? outcome.error : "HTTP " + std::to_string(outcome.status);
  if (attempt_ == 1) {
    spdlog::warn("webhook {}: delivery failed ({}); retrying in {} ms, then with back-off", settings_.name, why,
                 delay.count());
  } else {
    spdlog::debug("webhook {}: attempt {} failed ({}); retrying in {} ms", settings_.name, attempt_, why,
                  delay.count());
  }
  retryTimer_ = scheduler_.schedule(delay, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->retryTimer_ = 0;
      self->pump();
    }
  });
}

void WebhookQueue::finish() {
  outbox_.remove(inflight_->id);
  inflight_.reset();
  attempt_ = 0;
  updateDepth();
  pump();
}

void WebhookQueue::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (retryTimer_ != 0) scheduler_.cancel(retryTimer_);
  retryTimer_ = 0;
  poster_->cancel();
  posting_ = false;
  const std::size_t left = waiting();
  if (left > 0) spdlog::info("webhook {}: {} events kept for the next start", settings_.name, left);
}

WebhookCounts WebhookQueue::counts() const {
  return WebhookCounts{delivered_.load(), retries_.load(), dropped_.load(), deadLettered_.load(), depth_.load()};
}

}  // namespace lwm2m::bridges::webhook
