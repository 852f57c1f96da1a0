#include "bridges/mqtt/delivery_window.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace lwm2m::bridges::mqtt {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kLoadBatch = 500;

}  // namespace

DeliveryWindow::DeliveryWindow(asio::io_context& io, const MqttSettings& settings, Outbox* outbox,
                               HandOffFunction handOff)
    : io_(io),
      outbox_(outbox),
      handOff_(std::move(handOff)),
      limit_(settings.outboxLimit),
      maxInflight_(std::max<std::size_t>(1, std::min(settings.maxInflight, settings.outboxLimit))),
      memoryWindow_(outbox ? std::max<std::size_t>(1, settings.memoryWindow)
                           : std::numeric_limits<std::size_t>::max()),
      uri_(settings.uri) {}

DeliveryCounts DeliveryWindow::counts() const {
  DeliveryCounts c;
  c.waiting = waiting_;
  c.acknowledged = acknowledged_;
  c.dropped = dropped_;
  c.rejected = rejected_;
  return c;
}

// What an earlier run left in the outbox, trimmed to the bound; the oldest
// memoryWindow_ in memory, the ids of the rest.
void DeliveryWindow::loadBacklog() {
  if (!outbox_) return;
  auto trimmed = outbox_->dropOldestBeyond(limit_);
  if (!trimmed) throw std::runtime_error("MQTT outbox: " + trimmed.error().message);
  if (*trimmed > 0) {
    dropped_ += *trimmed;
    spdlog::warn("MQTT outbox held more than mqtt.outbox_limit ({}) messages: dropped the {} oldest",
                 limit_, *trimmed);
  }
  std::int64_t after = 0;
  for (;;) {
    auto batch = outbox_->loadAfter(after, kLoadBatch);
    if (!batch) throw std::runtime_error("MQTT outbox: " + batch.error().message);
    for (StoredMessage& stored : *batch) {
      after = stored.id;
      if (diskOnly_.empty() && queue_.size() < memoryWindow_) {
        queue_.push_back(std::move(stored));
      } else {
        diskOnly_.push_back(stored.id);
      }
    }
    if (batch->size() < kLoadBatch) break;
  }
  lastCommitted_ = after;
  updateWaiting();
  if (waiting() > 0) {
    spdlog::info("MQTT outbox: {} messages from before the restart wait for the broker",
                 waiting());
  }
}

void DeliveryWindow::publish(mapping::OutboundMessage message) {
  if (!makeRoom()) {
    countDrop(1);
    return;
  }
  std::int64_t id = 0;
  if (outbox_) {
    // The completion runs on the writer thread, possibly before append()
    // returns: it only posts, and the posted handler reads the id on this
    // thread after publish() has stored it.
    auto assigned = std::make_shared<std::int64_t>(0);
    std::weak_ptr<DeliveryWindow> weak = weak_from_this();
    auto executor = io_.get_executor();
    id = outbox_->append(message, [weak, executor, assigned](Result<void> stored) {
      // Once the window is gone nothing is posted: the io_context may be going too.
      if (weak.expired()) return;
      asio::post(executor, [weak, assigned, stored = std::move(stored)] {
        if (auto self = weak.lock()) self->onCommitted(*assigned, stored);
      });
    });
    *assigned = id;
  } else {
    id = ++memoryIds_;
  }
  enqueue(id, std::move(message));
  pump();
}

void DeliveryWindow::onConnected(bool sessionPresent) {
  connected_ = true;
  if (!sessionPresent && !inflight_.empty()) {
    // The broker (and so the client) forgot the session: what was in flight
    // is sent again by us, before anything newer.
    spdlog::info("MQTT broker had no session for us: {} unacknowledged messages sent again",
                 inflight_.size());
    for (auto& [id, entry] : inflight_) requeue(id, std::move(entry.message));
    inflight_.clear();
    byToken_.clear();
  }
}

void DeliveryWindow::resume() {
  if (waiting() > 0) {
    spdlog::info("MQTT publishing {} waiting messages, oldest first", waiting());
  }
  pump();
}

void DeliveryWindow::onConnectionLost() { connected_ = false; }

void DeliveryWindow::stop() {
  stopped_ = true;
  connected_ = false;
  const std::size_t left = waiting();
  if (left > 0 && outbox_) {
    spdlog::info("MQTT outbox keeps {} unacknowledged messages for the next start", left);
  }
}

// Drops the oldest waiting message not yet handed off if the bound is
// reached. False if nothing can go (every kept message is in flight).
bool DeliveryWindow::makeRoom() {
  if (waiting() < limit_) {
    if (episodeDrops_ > 0) {
      spdlog::info("MQTT outbox has room again: {} messages were dropped while it was full ({} "
                   "since start)",
                   episodeDrops_, dropped_.load());
      episodeDrops_ = 0;
    }
    return true;
  }
  std::int64_t victim = 0;
  if (!queue_.empty()) {
    victim = queue_.front().id;
    queue_.pop_front();
  } else if (!diskOnly_.empty()) {
    victim = diskOnly_.front();
    diskOnly_.pop_front();
  } else {
    return false;
  }
  forget(victim);
  countDrop(1);
  return true;
}

void DeliveryWindow::countDrop(std::uint64_t n) {
  dropped_ += n;
  if (episodeDrops_ == 0) {
    spdlog::warn("MQTT outbox full ({} messages waiting for {}): dropping the oldest to make room",
                 limit_, uri_);
  }
  episodeDrops_ += n;
  updateWaiting();
}

void DeliveryWindow::enqueue(std::int64_t id, mapping::OutboundMessage message) {
  if (diskOnly_.empty() && queue_.size() < memoryWindow_) {
    queue_.push_back(StoredMessage{id, std::move(message)});
  } else {
    diskOnly_.push_back(id);  // read back from the outbox when its turn comes
  }
  updateWaiting();
}

void DeliveryWindow::requeue(std::int64_t id, mapping::OutboundMessage message) {
  auto at = std::lower_bound(queue_.begin(), queue_.end(), id,
                             [](const StoredMessage& m, std::int64_t v) { return m.id < v; });
  queue_.insert(at, StoredMessage{id, std::move(message)});
}

void DeliveryWindow::onCommitted(std::int64_t id, const Result<void>& stored) {
  lastCommitted_ = std::max(lastCommitted_, id);
  if (!stored) {
    if (!storeFailing_) {
      storeFailing_ = true;
      spdlog::error("MQTT outbox cannot store messages ({}): they are kept in memory only, or lost "
                    "if they had to wait on disk",
                    stored.error().message);
    }
    auto at = std::find(diskOnly_.begin(), diskOnly_.end(), id);
    if (at != diskOnly_.end()) {  // it was only on disk, which never had it
      diskOnly_.erase(at);
      ++dropped_;
      updateWaiting();
    }
  } else if (storeFailing_) {
    storeFailing_ = false;
    spdlog::info("MQTT outbox stores messages again");
  }
  pump();  // it may go to the broker now
}

// Hands waiting messages off, oldest first, while the window has room.
void DeliveryWindow::pump() {
  if (!connected_ || stopped_) return;
  while (inflight_.size() < maxInflight_) {
    if (queue_.empty() && !refill()) break;
    StoredMessage& next = queue_.front();
    // Only what is durable goes out: a message stored together with a state
    // change (a command's answer) is never seen by the broker when a crash
    // undid that change. Appends commit in id order.
    if (outbox_ && next.id > lastCommitted_) break;
    const DeliveryToken token = ++nextToken_;
    const HandOff result = handOff_(token, next.message);
    if (result == HandOff::Later) break;
    if (result == HandOff::Sent) {
      byToken_.emplace(token, next.id);
      inflight_.emplace(next.id, Inflight{token, std::move(next.message)});
    } else {
      ++rejected_;
      forget(next.id);
    }
    queue_.pop_front();
  }
  updateWaiting();
}

// Reads the next batch of disk-only messages back into memory.
bool DeliveryWindow::refill() {
  if (!outbox_ || diskOnly_.empty() || diskOnly_.front() > lastCommitted_) return false;
  const std::size_t limit = std::min(memoryWindow_, kLoadBatch);
  auto batch = outbox_->loadAfter(diskOnly_.front() - 1, limit);
  if (!batch) {
    spdlog::error("MQTT outbox cannot be read: {}", batch.error().message);
    return false;
  }
  for (StoredMessage& stored : *batch) {
    // A tracked id the outbox does not have was lost (its append failed).
    while (!diskOnly_.empty() && diskOnly_.front() < stored.id) {
      diskOnly_.pop_front();
      ++dropped_;
    }
    if (diskOnly_.empty() || diskOnly_.front() != stored.id) break;
    diskOnly_.pop_front();
    queue_.push_back(std::move(stored));
  }
  if (batch->empty()) {
    while (!diskOnly_.empty() && diskOnly_.front() <= lastCommitted_) {
      diskOnly_.pop_front();
      ++dropped_;
    }
  }
  updateWaiting();
  return !queue_.empty();
}

void DeliveryWindow::onAcknowledged(DeliveryToken token) {
  auto taken = takeInflight(token);
  if (!taken) return;  // already put back after a session loss
  if (outbox_) outbox_->acknowledged(taken->id);
  forget(taken->id);
  ++acknowledged_;
  pump();
}

std::optional<StoredMessage> DeliveryWindow::takeInflight(DeliveryToken token) {
  auto found = byToken_.find(token);
  if (found == byToken_.end()) return std::nullopt;
  const std::int64_t id = found->second;
  byToken_.erase(found);
  auto entry = inflight_.find(id);
  if (entry == inflight_.end()) return std::nullopt;
  StoredMessage taken{id, std::move(entry->second.message)};
  inflight_.erase(entry);
  return taken;
}

// MQTT 5: the broker answered and said no; sending again would not help.
void DeliveryWindow::onRefused(DeliveryToken token, const std::string& reason) {
  auto taken = takeInflight(token);
  if (!taken) return;
  ++rejected_;
  forget(taken->id);
  spdlog::warn("MQTT broker refused the message on '{}': {}", taken->message.topic, reason);
  updateWaiting();
  pump();
}

void DeliveryWindow::onInterrupted(DeliveryToken token, const std::string& reason) {
  auto taken = takeInflight(token);
  if (!taken) return;
  spdlog::debug("MQTT delivery of message {} interrupted ({}): sent again later", taken->id,
                reason);
  requeue(taken->id, std::move(taken->message));
  updateWaiting();
  pump();
}

}  // namespace lwm2m::bridges::mqtt
