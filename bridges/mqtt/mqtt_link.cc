// The link's session: one Paho async client, a reconnect timer with
// exponential back-off and jitter (bridges/backoff.h), subscriptions and the gateway status. QoS >= 1
// messages go through the DeliveryWindow, which hands them to the client
// here. Every Paho callback (and every outbox completion) is posted into the
// io_context, so all state below is touched on the I/O thread only; the
// counters are atomics for readers elsewhere.
#include "bridges/mqtt/mqtt_link.h"

#include <MQTTAsync.h>
#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <random>
#include <stdexcept>

#include "bridges/backoff.h"
#include "bridges/mqtt/broker_no_delay.h"
#include "bridges/mqtt/delivery_window.h"
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

// Paho C initialises OpenSSL at its first client (loading OpenSSL's
// configuration and providers: about 1.4 MB resident) unless the application
// says it does that itself. OpenSSL 1.1 and later initialise themselves at
// their first use, so telling Paho to leave it means a gateway that never
// speaks TLS (a tcp:// broker, no DTLS listener) never pays for it, and one
// that does gets the same initialisation from OpenSSL. Once per process,
// before the first client.
void leaveOpensslToItself() {
  static std::once_flag once;
  std::call_once(once, [] {
    MQTTAsync_init_options options = MQTTAsync_init_options_initializer;
    options.do_openssl_init = 0;
    MQTTAsync_global_init(&options);
  });
}

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
        delivery_(std::make_shared<DeliveryWindow>(
            io, settings_, outbox,
            [this](DeliveryToken token, const mapping::OutboundMessage& message) {
              return handOff(token, message);
            })),
        retryTimer_(io),
        random_(std::random_device{}()) {
    leaveOpensslToItself();
    ::mqtt::create_options create(pahoVersion(settings_.version));
    // Waiting messages stay in the link (and the outbox), never in Paho while
    // disconnected; queued-but-unsent ones count against Paho's buffer even
    // while connected, so leave room for the window plus QoS 0 bursts.
    create.set_send_while_disconnected(false, false);
    create.set_max_buffered_messages(static_cast<int>(std::min<std::size_t>(
        delivery_->maxInflight() * 2 + 10000, std::numeric_limits<int>::max())));
    try {
      client_ = std::make_unique<::mqtt::async_client>(pahoUri(settings_.uri), settings_.clientId,
                                                       create, nullptr);
    } catch (const ::mqtt::exception& e) {
      throw std::runtime_error("MQTT: cannot use broker URI '" + settings_.uri + "': " + e.what());
    }
    setConnectOptions(options_, settings_);
    if (settings_.tcpNoDelay) noDelay_ = std::make_shared<BrokerNoDelay>(io, pahoUri(settings_.uri));
  }

  void start() {
    if (started_) return;
    started_ = true;
    delivery_->loadBacklog();
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
    // Nothing reached the window while this blocked the I/O thread.
    delivery_->stop();
  }

  bool connected() const { return connected_; }

  LinkStats stats() const {
    const DeliveryCounts delivery = delivery_->counts();
    LinkStats s;
    s.waiting = delivery.waiting;
    s.published = delivery.acknowledged + sentBestEffort_;
    s.dropped = delivery.dropped;
    s.discarded = discarded_;
    s.rejected = delivery.rejected + badTopics_;
    s.connectFailures = connectFailures_;
    return s;
  }

  void publish(mapping::OutboundMessage message) {
    if (auto problem = checkTopicName(message.topic)) {
      ++badTopics_;
      spdlog::warn("MQTT cannot publish: {} (message dropped)", *problem);
      return;
    }
    message.qos = std::clamp(message.qos, 0, 2);
    if (message.qos == 0) {
      publishBestEffort(message);
      return;
    }
    delivery_->publish(std::move(message));
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
  // A listener that hands Paho's outcome to the session: it holds only a
  // weak pointer and posts into the io_context, never touching the session on
  // Paho's thread.
  class PostingListener : public ::mqtt::iaction_listener {
   public:
    PostingListener(std::weak_ptr<Session> session, asio::io_context& io)
        : session_(std::move(session)), io_(io) {}

   protected:
    template <class F>
    void post(F f) {
      if (session_.expired()) return;  // the io_context may be gone with the session
      asio::post(io_, [weak = session_, f = std::move(f)] {
        if (auto self = weak.lock()) f(*self);
      });
    }

   private:
    std::weak_ptr<Session> session_;
    asio::io_context& io_;
  };

  class ConnectListener : public PostingListener {
   public:
    using PostingListener::PostingListener;
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
  };

  class DeliveryListener : public PostingListener {
   public:
    using PostingListener::PostingListener;
    void on_success(const ::mqtt::token& token) override {
      const auto delivery = reinterpret_cast<DeliveryToken>(token.get_user_context());
      post([delivery](Session& s) { s.onDelivered(delivery); });
    }
    void on_failure(const ::mqtt::token& token) override {
      const auto delivery = reinterpret_cast<DeliveryToken>(token.get_user_context());
      const int rc = token.get_return_code();
      const int reason = static_cast<int>(token.get_reason_code());
      post([delivery, rc, reason](Session& s) { s.onDeliveryFailed(delivery, rc, reason); });
    }
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
    if (noDelay_) noDelay_->onConnected();
    if (failures_ > 0) {
      spdlog::info("MQTT connected to {}{} after {} failed attempts in {} s", settings_.uri,
                   sessionPresent ? " (session resumed)" : "", failures_, secondsSince(firstFailureAt_));
    } else {
      spdlog::info("MQTT connected to {}{}", settings_.uri, sessionPresent ? " (session resumed)" : "");
    }
    failures_ = 0;
    attempt_ = 0;
    delivery_->onConnected(sessionPresent);
    if (!settings_.statusTopic.empty()) {
      try {
        client_->publish(statusMessage("online"));
      } catch (const ::mqtt::exception& e) {
        spdlog::warn("MQTT cannot publish the gateway status to '{}': {}", settings_.statusTopic,
                     e.what());
      }
    }
    subscribeAll();
    delivery_->resume();
  }

  void onConnectionLost(const std::string& cause) {
    if (!connected_.exchange(false)) return;
    delivery_->onConnectionLost();
    if (stopped_) return;
    const auto delay = scheduleReconnect();
    spdlog::info("MQTT connection to {} lost{}; reconnecting in {} ms", settings_.uri,
                 cause.empty() ? "" : " (" + cause + ")", delay.count());
  }

  void onConnectFailed(int rc, int reason) {
    if (stopped_ || connected_) return;
    std::string why = describeConnectFailure(rc, reason);
    // Paho C++ 1.2 cannot safely report OpenSSL's reason (see paho_adapter.cc),
    // so a failed handshake looks like an unreachable broker: name both.
    if (rc == MQTTASYNC_FAILURE && reason < 0x80 && usesTls(pahoUri(settings_.uri))) {
      why = "broker unreachable, or the TLS handshake failed (is the broker's certificate "
            "signed by a CA in mqtt.ca_file and does it name the host? does the broker want a "
            "client certificate: mqtt.cert_file, mqtt.key_file?)";
    }
    ++connectFailures_;
    const auto now = std::chrono::steady_clock::now();
    const auto delay = scheduleReconnect();
    // Every failure is counted (connectFailures); the log tells the first,
    // then at most one line per kFailureLogInterval while the broker stays away.
    if (failures_++ == 0) {
      firstFailureAt_ = lastFailureLogAt_ = now;
      spdlog::warn("MQTT cannot connect to {}: {}; retrying with back-off up to {} ms (next in {} ms)",
                   settings_.uri, why, settings_.reconnectMax.count(), delay.count());
    } else if (now - lastFailureLogAt_ >= kFailureLogInterval) {
      lastFailureLogAt_ = now;
      spdlog::warn("MQTT still cannot connect to {}: {}; {} attempts failed in {} s, next in {} ms", settings_.uri,
                   why, failures_, secondsSince(firstFailureAt_), delay.count());
    } else {
      spdlog::debug("MQTT connect to {} failed again ({}): next try in {} ms", settings_.uri, why, delay.count());
    }
  }

  // Arms the retry timer with the next back-off delay and returns it.
  std::chrono::milliseconds scheduleReconnect() {
    const auto delay = retryDelay(++attempt_, settings_.reconnectMin, settings_.reconnectMax,
                                  std::uniform_real_distribution<double>(0.0, 1.0)(random_));
    retryTimer_.expires_after(delay);
    std::weak_ptr<Session> weak = weak_from_this();
    retryTimer_.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->connect();
    });
    return delay;
  }

  static long long secondsSince(std::chrono::steady_clock::time_point then) {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - then).count();
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

  // --- delivery ---------------------------------------------------------------

  void publishBestEffort(const mapping::OutboundMessage& message);
  HandOff handOff(DeliveryToken token, const mapping::OutboundMessage& message);
  void onDelivered(DeliveryToken token) { delivery_->onAcknowledged(token); }
  void onDeliveryFailed(DeliveryToken token, int rc, int reason) {
    if (reason >= 0x80) {  // MQTT 5: the broker answered and said no
      delivery_->onRefused(token, ::mqtt::exception::reason_code_str(reason));
    } else {
      delivery_->onInterrupted(token, ::mqtt::exception::error_str(rc));
    }
  }

  asio::io_context& io_;
  MqttSettings settings_;
  std::shared_ptr<DeliveryWindow> delivery_;  // QoS >= 1; hands off through handOff()
  asio::steady_timer retryTimer_;
  unsigned attempt_ = 0;  // reconnect attempts since the latest connection (back-off step)
  std::minstd_rand random_;  // jitter
  ConnectListener* connectListener_ = nullptr;    // never freed, see start()
  DeliveryListener* deliveryListener_ = nullptr;
  SubscribeListener* subscribeListener_ = nullptr;
  ::mqtt::connect_options options_;
  std::unique_ptr<::mqtt::async_client> client_;  // after the listeners: destroyed before them
  ::mqtt::token_ptr connectAttempt_;               // the latest connect()
  std::shared_ptr<BrokerNoDelay> noDelay_;         // null: mqtt.tcp_nodelay off

  std::vector<std::string> subscriptions_;
  int subscriptionQos_ = 1;
  std::function<void(mapping::InboundMessage)> inboundHandler_;

  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> sentBestEffort_{0};  // QoS 0 messages handed to the client
  std::atomic<std::uint64_t> discarded_{0};
  std::atomic<std::uint64_t> badTopics_{0};  // not a topic name: rejected before the window
  bool started_ = false;
  bool stopped_ = false;
  unsigned failures_ = 0;  // connect attempts failed in a row
  std::atomic<std::uint64_t> connectFailures_{0};  // all time
  std::chrono::steady_clock::time_point firstFailureAt_;
  std::chrono::steady_clock::time_point lastFailureLogAt_;
  static constexpr auto kFailureLogInterval = std::chrono::seconds(30);
};

void MqttLink::Session::publishBestEffort(const mapping::OutboundMessage& message) {
  if (!connected_) {
    ++discarded_;
    return;
  }
  try {
    client_->publish(toPahoMessage(message, settings_.version));
    ++sentBestEffort_;
  } catch (const ::mqtt::exception& e) {
    ++discarded_;
    spdlog::debug("MQTT QoS 0 message on '{}' not sent: {}", message.topic, e.what());
  }
}

// Gives one QoS >= 1 message to Paho; the DeliveryListener reports the
// broker's answer with `token` as the user context.
HandOff MqttLink::Session::handOff(DeliveryToken token, const mapping::OutboundMessage& message) {
  try {
    client_->publish(toPahoMessage(message, settings_.version), reinterpret_cast<void*>(token),
                     *deliveryListener_);
  } catch (const ::mqtt::exception& e) {
    const int rc = e.get_return_code();
    if (rc == MQTTASYNC_DISCONNECTED || rc == MQTTASYNC_MAX_BUFFERED_MESSAGES ||
        rc == MQTTASYNC_MAX_MESSAGES_INFLIGHT || rc == MQTTASYNC_MAX_BUFFERED) {
      return HandOff::Later;  // the connection-lost callback or a delivery comes next
    }
    spdlog::warn("MQTT cannot publish to '{}': {} (message dropped)", message.topic, e.what());
    return HandOff::Refused;
  }
  return HandOff::Sent;
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
