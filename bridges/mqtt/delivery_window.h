#pragma once
// DeliveryWindow: the store-and-forward path of QoS >= 1 messages, from
// publish() until the broker acknowledged them. It keeps them in the outbox
// (or in memory without one) and gives them to the broker connection through
// an injected hand-off; it knows nothing of the MQTT client.
//
// Contract:
//  - Durable first: with an outbox, a message is handed off only once its
//    append committed, so the broker never sees what a crash took back (the
//    append may be one transaction with the change it tells, e.g. a
//    command's outcome: gateway/core/request_queue.h).
//  - Order: messages are handed off oldest first (publish order, a backlog
//    from before a restart before anything newer), at most maxInflight of them
//    unacknowledged at a time, and only while the connection is up.
//  - At least once: a message leaves the outbox when the broker acknowledged
//    it, refused it for good, or the bound dropped it. A delivery interrupted
//    by a lost connection, and what was in flight when the broker had no
//    session for us, is handed off again before anything newer.
//  - Bound: at most outboxLimit messages wait (in flight included). A new one
//    beyond it drops the oldest not yet handed off; when everything kept is
//    in flight, the new one is dropped. Drops are counted and logged once per
//    episode, with counts when it ends.
//  - Memory: at most memoryWindow waiting messages are held in memory; the
//    rest stay in the outbox and are read back in batches.
//
// Threading contract: construct, call and destroy on the I/O thread, which
// runs `io`; the outbox's commit completions are posted there, and not at all
// once the window is gone. counts() may be read from any thread.

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "bridges/mqtt/mqtt_settings.h"
#include "bridges/mqtt/outbox.h"
#include "lwm2m/result.h"
#include "mapping/outbound_message.h"

namespace lwm2m::bridges::mqtt {

// Names one hand-off; the connection reports the broker's answer with it.
using DeliveryToken = std::uintptr_t;

enum class HandOff {
  Sent,     // the connection took it: onAcknowledged/onRefused/onInterrupted follows
  Later,    // the connection cannot take it now (lost, or its buffer is full): kept, in order
  Refused,  // the connection will never take it (logged there): dropped, counted as rejected
};

// Gives one message to the broker connection; must not call back into the window.
using HandOffFunction = std::function<HandOff(DeliveryToken, const mapping::OutboundMessage&)>;

struct DeliveryCounts {
  std::size_t waiting = 0;         // not yet acknowledged (in flight included)
  std::uint64_t acknowledged = 0;  // taken by the broker
  std::uint64_t dropped = 0;       // dropped by the bound, or lost by a failing outbox
  std::uint64_t rejected = 0;      // refused by the connection or the broker
};

class DeliveryWindow : public std::enable_shared_from_this<DeliveryWindow> {
 public:
  // Uses outboxLimit, maxInflight, memoryWindow and uri (for logs) of
  // `settings`. `outbox` may be null (messages then wait in memory only); it
  // must outlive the window.
  DeliveryWindow(boost::asio::io_context& io, const MqttSettings& settings, Outbox* outbox,
                 HandOffFunction handOff);
  DeliveryWindow(const DeliveryWindow&) = delete;
  DeliveryWindow& operator=(const DeliveryWindow&) = delete;

  // At most this many messages are handed off and not yet answered.
  std::size_t maxInflight() const { return maxInflight_; }

  // Start-up: takes over what an earlier run left in the outbox, trimmed to
  // the bound. Throws std::runtime_error if the outbox cannot be read.
  void loadBacklog();

  // Stores a QoS >= 1 message (topic already checked) and hands it off when
  // its turn comes. Must be owned by a std::shared_ptr when there is an outbox.
  void publish(mapping::OutboundMessage message);

  // The connection is up. Without a session on the broker, what was in
  // flight is put back to be handed off again first. Hands nothing off yet.
  void onConnected(bool sessionPresent);
  // Hands off what waits, oldest first, up to the window; then keeps doing so
  // as acknowledgements come, until onConnectionLost() or stop().
  void resume();
  // No more hand-offs until onConnected(); what is in flight stays there.
  void onConnectionLost();
  // No more hand-offs at all; logs what the outbox keeps for the next start.
  void stop();

  // The broker's answers to a hand-off; unknown tokens are ignored.
  void onAcknowledged(DeliveryToken token);
  void onRefused(DeliveryToken token, const std::string& reason);      // dropped for good
  void onInterrupted(DeliveryToken token, const std::string& reason);  // handed off again

  std::size_t waiting() const { return inflight_.size() + queue_.size() + diskOnly_.size(); }
  DeliveryCounts counts() const;

 private:
  struct Inflight {
    DeliveryToken token = 0;
    mapping::OutboundMessage message;
  };

  bool makeRoom();
  void countDrop(std::uint64_t n);
  void enqueue(std::int64_t id, mapping::OutboundMessage message);
  void requeue(std::int64_t id, mapping::OutboundMessage message);
  void onCommitted(std::int64_t id, const Result<void>& stored);
  void pump();
  bool refill();
  // The in-flight message a token names, taken out of the window.
  std::optional<StoredMessage> takeInflight(DeliveryToken token);
  void forget(std::int64_t id) {
    if (outbox_) outbox_->remove(id);
  }
  void updateWaiting() { waiting_ = waiting(); }

  boost::asio::io_context& io_;
  Outbox* outbox_;
  HandOffFunction handOff_;
  const std::size_t limit_;
  const std::size_t maxInflight_;
  const std::size_t memoryWindow_;
  const std::string uri_;

  // Where a message is, by outbox id (ids grow with publish order):
  //   inflight_  handed off, not yet answered (at most maxInflight_)
  //   queue_     in memory, waiting for its turn (at most memoryWindow_)
  //   diskOnly_  only in the outbox; read back in batches when queue_ runs dry
  // Every id in inflight_ is smaller than every id in queue_, and those are
  // smaller than every id in diskOnly_, except for messages put back after a
  // failed delivery, which rejoin queue_ at their place.
  std::map<std::int64_t, Inflight> inflight_;
  std::unordered_map<DeliveryToken, std::int64_t> byToken_;
  std::deque<StoredMessage> queue_;
  std::deque<std::int64_t> diskOnly_;
  std::int64_t lastCommitted_ = 0;
  std::int64_t memoryIds_ = 0;
  DeliveryToken nextToken_ = 0;

  bool connected_ = false;
  bool stopped_ = false;
  bool storeFailing_ = false;
  std::uint64_t episodeDrops_ = 0;  // drops since the outbox became full; 0: not full
  std::atomic<std::size_t> waiting_{0};
  std::atomic<std::uint64_t> acknowledged_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> rejected_{0};
};

}  // namespace lwm2m::bridges::mqtt
