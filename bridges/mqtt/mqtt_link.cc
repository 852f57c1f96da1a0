// The link's session: one Paho async client, a reconnect timer with
// exponential back-off, and the store-and-forward queue. Every Paho callback
// (and every outbox completion) is posted into the io_context, so all state
// below is touched on the I/O thread only; the counters are atomics for
// readers elsewhere.
//
// Where a QoS >= 1 message is, by outbox id (ids grow with publish order):
//   inflight_  handed to Paho, not yet acknowledged (at most window_)
//   queue_     in memory, waiting for its turn (at most memoryWindow_)
//   diskOnly_  only in the outbox; read back in batches when queue_ runs dry
// Every id in inflight_ is smaller than every id in queue_, and those are
// smaller than every id in diskOnly_, except for messages put back after a
// failed delivery, which rejoin queue_ at their place.
#include "bridges/mqtt/mqtt_link.h"

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "bridges/mqtt/paho_adapter.h"

namespace lwm2m::bridges::mqtt {
namespace asio = boost::asio;

#if defined(__SANITIZE_ADDRESS__)
// The three Paho listeners of a link are never freed on purpose (see
// Session::start): LeakSanitizer is told so, and reports every other leak.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:lwm2m::bridges::mqtt::MqttLink::Session::start\n";
}
#endif

namespace {

constexpr std::size_t kLoadBatch = 500;

// Topic names a broker accepts for PUBLISH (MQTT 4.7): not empty, no wildcards, no NUL.
std::optional<std::string> checkTopicName(const std::string& topic) {
  if (topic.empty()) return "empty topic";
  if (topic.find_first_of("+#") != std::string::npos) return "wildcard in topic '" + topic + "'";
  if (topic.find('\0') != std::string::npos) return "NUL character in topic";
  if (topic.size() > 65535) return "topic longer than 65535 bytes";
  return std::nullopt;
}

}  // namespace

class MqttLink::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::io_context& io, MqttSettings settings, Outbox* outbox)
      : io_(io),
        settings_(std::move(settings)),
        outbox_(outbox),
        window_(std::max<std::size_t>(1, std::min(settings_.maxInflight, settings_.outboxLimit))),
        memoryWindow_(outbox ? std::max<std::size_t>(1, settings_.memoryWindow)
                             : std::numeric_limits<std::size_t>::max()),
        retryTimer_(io),
        backoff_(settings_.reconnectMin) {
    ::mqtt::create_options create(pahoVersion(settings_.version));
    // Waiting messages stay in the link (and the outbox), never in Paho while
    // disconnected; queued-but-unsent ones count against Paho's buffer even
    // while connected, so leave room for the window plus QoS 0 bursts.
    create.set_send_while_disconnected(false, false);
    create.set_max_buffered_messages(static_cast<int>(std::min<std::size_t>(
        window_ * 2 + 10000, std::numeric_limits<int>::max())));
    try {
      client_ = std::make_unique<::mqtt::async_client>(pahoUri(settings_.uri), settings_.clientId,
                                                       create, nullptr);
    } catch (const ::mqtt::exception& e) {
      throw std::runtime_error("MQTT: cannot use broker URI '" + settings_.uri + "': " + e.what());
    }
    // Paho reports TLS errors on its threads, possibly late: the handler
    // owns what it writes to.
    setConnectOptions(options_, settings_, [errors = tlsErrors_](const std::string& error) {
      std::lock_guard lock(errors->mutex);
      errors->last = error;
    });
  }

  void start() {
    if (started_) return;
    started_ = true;
    loadBacklog();
    std::weak_ptr<Session> weak = shared_from_this();
    // Paho may still call a listener while (or after) the session is
    // destroyed, from its own threads: the listeners hold only a weak pointer
    // and are never freed (three small objects per link).
    connectListener_ = new ConnectListener(weak, io_);
    deliveryListener_ = new DeliveryListener(weak, io_);
    subscribeListener_ = new SubscribeListener();
    auto executor = io_.get_executor();
    client_->set_connection_lost_handler([weak, executor](const std::string& cause) {
      asio::post(executor, [weak, cause] {
        if (auto self = weak.lock()) self->onConnectionLost(cause);
      });
    });
    client_->set_disconnected_handler(
        [weak, executor](const ::mqtt::properties&, ::mqtt::ReasonCode reason) {
          asio::post(executor, [weak, reason] {
            if (auto self = weak.lock()) {
              self->onConnectionLost("broker disconnected: " +
                                     ::mqtt::exception::reason_code_str(reason));
            }
          });
        });
    client_->set_message_callback([weak, executor](::mqtt::const_message_ptr message) {
      if (!message) return;
      asio::post(executor, [weak, message] {
        if (auto self = weak.lock()) self->onInbound(*message);
      });
    });
    spdlog::info("MQTT connecting to {} as '{}' (MQTT {})", settings_.uri, settings_.clientId,
                 settings_.version == MqttVersion::V5 ? "5" : "3.1.1");
    connect();
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    retryTimer_.cancel();
    if (!started_) return;
    const auto timeout = settings_.disconnectTimeout;
    try {
      if (client_->is_connected()) {
        if (!settings_.statusTopic.empty()) {
          client_->publish(statusMessage("offline"))->wait_for(timeout);
        }
        client_->disconnect(static_cast<int>(timeout.count()))
            ->wait_for(timeout + std::chrono::milliseconds(500));
      }
    } catch (const ::mqtt::exception& e) {
      spdlog::debug("MQTT disconnect: {}", e.what());
    }
    settleConnectAttempt(timeout);
    if (connected_.exchange(false)) spdlog::info("MQTT disconnected from {}", settings_.uri);
    const std::size_t left = waitingCount();
    if (left > 0 && outbox_) {
      spdlog::info("MQTT outbox keeps {} unacknowledged messages for the next start", left);
    }
  }

  bool connected() const { return connected_; }

  LinkStats stats() const {
    LinkStats s;
    s.waiting = waiting_;
    s.published = published_;
    s.dropped = dropped_;
    s.discarded = discarded_;
    s.rejected = rejected_;
    return s;
  }

  void publish(mapping::OutboundMessage message) {
    if (auto problem = checkTopicName(message.topic)) {
      ++rejected_;
      spdlog::warn("MQTT cannot publish: {} (message dropped)", *problem);
      return;
    }
    message.qos = std::clamp(message.qos, 0, 2);
    if (message.qos == 0) {
      publishBestEffort(message);
      return;
    }
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
      std::weak_ptr<Session> weak = weak_from_this();
      auto executor = io_.get_executor();
      id = outbox_->append(message, [weak, executor, assigned](Result<void> stored) {
        // Once the link is gone nothing is posted: the io_context may be going too.
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

  void setSubscriptions(std::vector<std::string> filters, int qos) {
    std::vector<std::string> previous = std::move(subscriptions_);
    subscriptions_ = std::move(filters);
    subscriptionQos_ = std::clamp(qos, 0, 2);
    if (!connected_) return;
    for (const std::string& filter : previous) {
      if (std::find(subscriptions_.begin(), subscriptions_.end(), filter) == subscriptions_.end()) {
        try {
          client_->unsubscribe(filter);
        } catch (const ::mqtt::exception& e) {
          spdlog::warn("MQTT cannot unsubscribe from '{}': {}", filter, e.what());
        }
      }
    }
    subscribeAll();
  }

  void setInboundHandler(std::function<void(mapping::InboundMessage)> handler) {
    inboundHandler_ = std::move(handler);
  }

 private:
  // Paho listeners: they run on Paho's threads and only post.
  class ConnectListener : public ::mqtt::iaction_listener {
   public:
    ConnectListener(std::weak_ptr<Session> session, asio::io_context& io)
        : session_(std::move(session)), io_(io) {}
    void on_success(const ::mqtt::token& token) override {
      bool sessionPresent = false;
      try {
        sessionPresent = token.get_connect_response().is_session_present();
      } catch (const std::exception&) {
      }
      post([sessionPresent](Session& s) { s.onConnected(sessionPresent); });
    }
    void on_failure(const ::mqtt::token& token) override {
      const int rc = token.get_return_code();
      const int reason = static_cast<int>(token.get_reason_code());
      post([rc, reason](Session& s) { s.onConnectFailed(rc, reason); });
    }

   private:
    template <class F>
    void post(F f) {
      if (session_.expired()) return;  // the io_context may be gone with the session
      asio::post(io_, [weak = session_, f = std::move(f)] {
        if (auto self = weak.lock()) f(*self);
      });
    }
    std::weak_ptr<Session> session_;
    asio::io_context& io_;
  };

  class DeliveryListener : public ::mqtt::iaction_listener {
   public:
    DeliveryListener(std::weak_ptr<Session> session, asio::io_context& io)
        : session_(std::move(session)), io_(io) {}
    void on_success(const ::mqtt::token& token) override {
      const auto seq = reinterpret_cast<std::uintptr_t>(token.get_user_context());
      post([seq](Session& s) { s.onDelivered(seq); });
    }
    void on_failure(const ::mqtt::token& token) override {
      const auto seq = reinterpret_cast<std::uintptr_t>(token.get_user_context());
      const int rc = token.get_return_code();
      const int reason = static_cast<int>(token.get_reason_code());
      post([seq, rc, reason](Session& s) { s.onDeliveryFailed(seq, rc, reason); });
    }

   private:
    template <class F>
    void post(F f) {
      if (session_.expired()) return;  // the io_context may be gone with the session
      asio::post(io_, [weak = session_, f = std::move(f)] {
        if (auto self = weak.lock()) f(*self);
      });
    }
    std::weak_ptr<Session> session_;
    asio::io_context& io_;
  };

  class SubscribeListener : public ::mqtt::iaction_listener {
   public:
    SubscribeListener() = default;
    // One line per topic filter: granted QoS, or the broker's refusal (reason code >= 0x80).
    void on_success(const ::mqtt::token& token) override {
      auto topics = token.get_topics();
      if (!topics) return;
      std::vector<::mqtt::ReasonCode> codes;
      try {
        codes = token.get_subscribe_response().get_reason_codes();
      } catch (const std::exception&) {
        // No SUBACK details (should not happen): report the filters as subscribed.
      }
      for (std::size_t i = 0; i < topics->size(); ++i) {
        const int code = i < codes.size() ? static_cast<int>(codes[i]) : 0;
        if (code >= 0x80) {
          spdlog::warn("MQTT broker refused the subscription to '{}' (reason code {:#04x})",
                       (*topics)[i], code);
        } else {
          spdlog::info("MQTT subscribed to '{}' (QoS {})", (*topics)[i], code);
        }
      }
    }
    void on_failure(const ::mqtt::token& token) override {
      std::string filters;
      if (auto topics = token.get_topics()) {
        for (std::size_t i = 0; i < topics->size(); ++i) {
          filters += (filters.empty() ? "'" : ", '") + (*topics)[i] + "'";
        }
      }
      spdlog::warn("MQTT broker refused the subscription to {}: {}", filters,
                   describeConnectFailure(token.get_return_code(),
                                          static_cast<int>(token.get_reason_code())));
    }

  };

  struct Inflight {
    std::uintptr_t seq = 0;
    mapping::OutboundMessage message;
  };

  template <class F>
  void post(F f) {
    std::weak_ptr<Session> weak = weak_from_this();
    asio::post(io_, [weak, f = std::move(f)] {
      if (auto self = weak.lock()) f(*self);
    });
  }

  ::mqtt::message_ptr statusMessage(const char* status) const {
    mapping::OutboundMessage m;
    m.topic = settings_.statusTopic;
    m.payload = status;
    m.qos = 1;
    m.retain = true;
    return toPahoMessage(m, settings_.version);
  }

  // --- connection -------------------------------------------------------------

  void connect() {
    if (stopped_) return;
    try {
      connectAttempt_ = client_->connect(options_, nullptr, *connectListener_);
    } catch (const ::mqtt::exception& e) {
      onConnectFailed(e.get_return_code(), static_cast<int>(e.get_reason_code()));
    }
  }

  // Paho C must not destroy a client whose connect attempt is still running
  // (it frees what its threads still use). Waits for the attempt to end; if it
  // outlives `timeout` (an unreachable host), the client is left to the
  // process's end instead of being destroyed.
  void settleConnectAttempt(std::chrono::milliseconds timeout) {
    if (!connectAttempt_ || connectAttempt_->is_complete()) return;
    try {
      if (connectAttempt_->wait_for(timeout)) return;
    } catch (const ::mqtt::exception&) {
      return;  // the attempt ended (failed): nothing runs any more
    }
    if (!connectAttempt_->is_complete()) {
      spdlog::debug("MQTT connect to {} still in progress at stop: client left running",
                    settings_.uri);
      (void)client_.release();
    }
  }

  void onConnected(bool sessionPresent) {
    if (stopped_) {  // a connection that completed after stop(): end it
      if (!client_) return;
      try {
        client_->disconnect(0);
      } catch (const ::mqtt::exception&) {
      }
      return;
    }
    connected_ = true;
    failures_ = 0;
    backoff_ = settings_.reconnectMin;
    {
      std::lock_guard lock(tlsErrors_->mutex);
      tlsErrors_->last.clear();
    }
    spdlog::info("MQTT connected to {}{}", settings_.uri,
                 sessionPresent ? " (session resumed)" : "");
    if (!sessionPresent && !inflight_.empty()) {
      // The broker (and so Paho) forgot the session: what was in flight is
      // sent again by us, before anything newer.
      spdlog::info("MQTT broker had no session for us: {} unacknowledged messages sent again",
                   inflight_.size());
      for (auto& [id, entry] : inflight_) requeue(id, std::move(entry.message));
      inflight_.clear();
      bySeq_.clear();
    }
    if (!settings_.statusTopic.empty()) {
      try {
        client_->publish(statusMessage("online"));
      } catch (const ::mqtt::exception& e) {
        spdlog::warn("MQTT cannot publish the gateway status to '{}': {}", settings_.statusTopic,
                     e.what());
      }
    }
    subscribeAll();
    if (waitingCount() > 0) {
      spdlog::info("MQTT publishing {} waiting messages, oldest first", waitingCount());
    }
    pump();
  }

  void onConnectionLost(const std::string& cause) {
    if (!connected_.exchange(false)) return;
    if (stopped_) return;
    spdlog::info("MQTT connection to {} lost{}; reconnecting in {} ms", settings_.uri,
                 cause.empty() ? "" : " (" + cause + ")", backoff_.count());
    scheduleReconnect();
  }

  void onConnectFailed(int rc, int reason) {
    if (stopped_ || connected_) return;
    std::string why = describeConnectFailure(rc, reason);
    {
      std::lock_guard lock(tlsErrors_->mutex);
      if (!tlsErrors_->last.empty()) why = "TLS handshake failed: " + tlsErrors_->last;
      if (rc == MQTTASYNC_FAILURE && reason < 0x80 && usesTls(pahoUri(settings_.uri))) {
        why = "broker unreachable, or the TLS handshake failed (is the broker's certificate "
              "signed by a CA in mqtt.ca_file and does it name the host? does the broker want a "
              "client certificate: mqtt.cert_file, mqtt.key_file?)";
      }
      tlsErrors_->last.clear();
    }
    if (failures_++ == 0) {
      spdlog::warn("MQTT cannot connect to {}: {}; retrying with back-off up to {} ms",
                   settings_.uri, why, settings_.reconnectMax.count());
    } else {
      spdlog::debug("MQTT connect to {} failed again ({}): next try in {} ms", settings_.uri, why,
                    backoff_.count());
    }
    scheduleReconnect();
  }

  void scheduleReconnect() {
    retryTimer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, settings_.reconnectMax);
    std::weak_ptr<Session> weak = weak_from_this();
    retryTimer_.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->connect();
    });
  }

  void subscribeAll() {
    for (const std::string& filter : subscriptions_) {
      try {
        client_->subscribe(filter, subscriptionQos_, nullptr, *subscribeListener_);
      } catch (const ::mqtt::exception& e) {
        spdlog::warn("MQTT cannot subscribe to '{}': {}", filter, e.what());
      }
    }
  }

  void onInbound(const ::mqtt::message& message) {
    if (inboundHandler_) inboundHandler_(fromPahoMessage(message));
  }

  // --- outbox and delivery -----------------------------------------------------

  void loadBacklog();
  bool makeRoom();
  void countDrop(std::uint64_t n);
  void publishBestEffort(const mapping::OutboundMessage& message);
  void enqueue(std::int64_t id, mapping::OutboundMessage message);
  void requeue(std::int64_t id, mapping::OutboundMessage message);
  void onCommitted(std::int64_t id, const Result<void>& stored);
  void pump();
  bool refill();
  enum class HandOff { Sent, Later, Refused };
  HandOff handOff(std::int64_t id, const mapping::OutboundMessage& message);
  void onDelivered(std::uintptr_t seq);
  void onDeliveryFailed(std::uintptr_t seq, int rc, int reason);
  void forget(std::int64_t id) {
    if (outbox_) outbox_->remove(id);
  }
  std::size_t waitingCount() const { return inflight_.size() + queue_.size() + diskOnly_.size(); }
  void updateWaiting() { waiting_ = waitingCount(); }

  asio::io_context& io_;
  MqttSettings settings_;
  Outbox* outbox_;
  const std::size_t window_;
  const std::size_t memoryWindow_;
  asio::steady_timer retryTimer_;
  std::chrono::milliseconds backoff_;
  ConnectListener* connectListener_ = nullptr;    // never freed, see start()
  DeliveryListener* deliveryListener_ = nullptr;
  SubscribeListener* subscribeListener_ = nullptr;
  ::mqtt::connect_options options_;
  std::unique_ptr<::mqtt::async_client> client_;  // after the listeners: destroyed before them
  ::mqtt::token_ptr connectAttempt_;               // the latest connect()

  std::map<std::int64_t, Inflight> inflight_;
  std::unordered_map<std::uintptr_t, std::int64_t> bySeq_;
  std::deque<StoredMessage> queue_;
  std::deque<std::int64_t> diskOnly_;
  std::int64_t lastCommitted_ = 0;
  std::int64_t memoryIds_ = 0;
  std::uintptr_t nextSeq_ = 0;

  std::vector<std::string> subscriptions_;
  int subscriptionQos_ = 1;
  std::function<void(mapping::InboundMessage)> inboundHandler_;

  struct TlsErrors {
    std::mutex mutex;
    std::string last;  // the last TLS error Paho reported, guarded by mutex
  };
  std::shared_ptr<TlsErrors> tlsErrors_ = std::make_shared<TlsErrors>();

  std::atomic<bool> connected_{false};
  std::atomic<std::size_t> waiting_{0};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> discarded_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::uint64_t episodeDrops_ = 0;  // drops since the outbox became full; 0: not full
  bool storeFailing_ = false;
  bool started_ = false;
  bool stopped_ = false;
  unsigned failures_ = 0;
};

// Start-up: what an earlier run left in the outbox, trimmed to the bound;
// the oldest memoryWindow_ in memory, the ids of the rest.
void MqttLink::Session::loadBacklog() {
  if (!outbox_) return;
  auto trimmed = outbox_->dropOldestBeyond(settings_.outboxLimit);
  if (!trimmed) throw std::runtime_error("MQTT outbox: " + trimmed.error().message);
  if (*trimmed > 0) {
    dropped_ += *trimmed;
    spdlog::warn("MQTT outbox held more than mqtt.outbox_limit ({}) messages: dropped the {} oldest",
                 settings_.outboxLimit, *trimmed);
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
  if (waitingCount() > 0) {
    spdlog::info("MQTT outbox: {} messages from before the restart wait for the broker",
                 waitingCount());
  }
}

// Drops the oldest waiting message not yet handed to Paho if the bound is
// reached. False if nothing can go (every kept message is in flight).
bool MqttLink::Session::makeRoom() {
  if (waitingCount() < settings_.outboxLimit) {
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

void MqttLink::Session::countDrop(std::uint64_t n) {
  dropped_ += n;
  if (episodeDrops_ == 0) {
    spdlog::warn("MQTT outbox full ({} messages waiting for {}): dropping the oldest to make room",
                 settings_.outboxLimit, settings_.uri);
  }
  episodeDrops_ += n;
  updateWaiting();
}

void MqttLink::Session::publishBestEffort(const mapping::OutboundMessage& message) {
  if (!connected_) {
    ++discarded_;
    return;
  }
  try {
    client_->publish(toPahoMessage(message, settings_.version));
    ++published_;
  } catch (const ::mqtt::exception& e) {
    ++discarded_;
    spdlog::debug("MQTT QoS 0 message on '{}' not sent: {}", message.topic, e.what());
  }
}

void MqttLink::Session::enqueue(std::int64_t id, mapping::OutboundMessage message) {
  if (diskOnly_.empty() && queue_.size() < memoryWindow_) {
    queue_.push_back(StoredMessage{id, std::move(message)});
  } else {
    diskOnly_.push_back(id);  // read back from the outbox when its turn comes
  }
  updateWaiting();
}

void MqttLink::Session::requeue(std::int64_t id, mapping::OutboundMessage message) {
  auto at = std::lower_bound(queue_.begin(), queue_.end(), id,
                             [](const StoredMessage& m, std::int64_t v) { return m.id < v; });
  queue_.insert(at, StoredMessage{id, std::move(message)});
}

void MqttLink::Session::onCommitted(std::int64_t id, const Result<void>& stored) {
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
  if (queue_.empty() && !diskOnly_.empty()) pump();
}

// Hands waiting messages to Paho, oldest first, while the window has room.
void MqttLink::Session::pump() {
  if (!connected_ || stopped_) return;
  while (inflight_.size() < window_) {
    if (queue_.empty() && !refill()) break;
    StoredMessage& next = queue_.front();
    const HandOff result = handOff(next.id, next.message);
    if (result == HandOff::Later) break;
    if (result == HandOff::Sent) {
      const std::uintptr_t seq = nextSeq_;  // handOff() registered it
      inflight_.emplace(next.id, Inflight{seq, std::move(next.message)});
    }
    queue_.pop_front();
  }
  updateWaiting();
}

// Reads the next batch of disk-only messages back into memory.
bool MqttLink::Session::refill() {
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

MqttLink::Session::HandOff MqttLink::Session::handOff(std::int64_t id,
                                                      const mapping::OutboundMessage& message) {
  const std::uintptr_t seq = ++nextSeq_;
  try {
    client_->publish(toPahoMessage(message, settings_.version),
                     reinterpret_cast<void*>(seq), *deliveryListener_);
  } catch (const ::mqtt::exception& e) {
    const int rc = e.get_return_code();
    if (rc == MQTTASYNC_DISCONNECTED || rc == MQTTASYNC_MAX_BUFFERED_MESSAGES ||
        rc == MQTTASYNC_MAX_MESSAGES_INFLIGHT || rc == MQTTASYNC_MAX_BUFFERED) {
      return HandOff::Later;  // the connection-lost callback or a delivery comes next
    }
    ++rejected_;
    forget(id);
    spdlog::warn("MQTT cannot publish to '{}': {} (message dropped)", message.topic, e.what());
    return HandOff::Refused;
  }
  bySeq_.emplace(seq, id);
  return HandOff::Sent;
}

void MqttLink::Session::onDelivered(std::uintptr_t seq) {
  auto found = bySeq_.find(seq);
  if (found == bySeq_.end()) return;  // already put back after a session loss
  const std::int64_t id = found->second;
  bySeq_.erase(found);
  inflight_.erase(id);
  forget(id);
  ++published_;
  pump();
}

void MqttLink::Session::onDeliveryFailed(std::uintptr_t seq, int rc, int reason) {
  auto found = bySeq_.find(seq);
  if (found == bySeq_.end()) return;
  const std::int64_t id = found->second;
  bySeq_.erase(found);
  auto entry = inflight_.find(id);
  if (entry == inflight_.end()) return;
  mapping::OutboundMessage message = std::move(entry->second.message);
  inflight_.erase(entry);
  if (reason >= 0x80) {  // MQTT 5: the broker answered and said no; sending again would not help
    ++rejected_;
    forget(id);
    spdlog::warn("MQTT broker refused the message on '{}': {}", message.topic,
                 ::mqtt::exception::reason_code_str(reason));
  } else {
    spdlog::debug("MQTT delivery of message {} interrupted ({}): sent again later", id,
                  ::mqtt::exception::error_str(rc));
    requeue(id, std::move(message));
  }
  updateWaiting();
  pump();
}

MqttLink::MqttLink(asio::io_context& io, MqttSettings settings, Outbox* outbox)
    // Not make_shared: the never-freed Paho listeners keep weak pointers, which
    // would keep the whole Session's memory, not just the control block.
    : session_(new Session(io, std::move(settings), outbox)) {}

MqttLink::~MqttLink() { stop(); }

void MqttLink::start() { session_->start(); }
void MqttLink::stop() { session_->stop(); }
bool MqttLink::connected() const { return session_->connected(); }
void MqttLink::publish(mapping::OutboundMessage message) { session_->publish(std::move(message)); }
void MqttLink::setSubscriptions(std::vector<std::string> filters, int qos) {
  session_->setSubscriptions(std::move(filters), qos);
}
void MqttLink::setInboundHandler(std::function<void(mapping::InboundMessage)> handler) {
  session_->setInboundHandler(std::move(handler));
}
LinkStats MqttLink::stats() const { return session_->stats(); }

}  // namespace lwm2m::bridges::mqtt
