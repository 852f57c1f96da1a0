// The MQTT bridge's connection: one Paho async client, a reconnect timer with
// exponential back-off on the io_context, and the event publisher. Every Paho
// callback is posted into the io_context, so all state below is touched on the
// I/O thread only (connected_ and dropped_ are atomics for readers elsewhere).
#include "bridges/mqtt/mqtt_bridge.h"

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <stdexcept>

#include "bridges/mqtt/event_topic.h"
#include "gateway/api/device_json.h"

namespace lwm2m::bridges::mqtt {
namespace asio = boost::asio;
namespace api = gateway::api;

namespace {

// Paho knows tcp:// and ssl://; mqtt:// and mqtts:// are their common aliases.
std::string pahoUri(const std::string& uri) {
  if (uri.rfind("mqtt://", 0) == 0) return "tcp://" + uri.substr(7);
  if (uri.rfind("mqtts://", 0) == 0) return "ssl://" + uri.substr(8);
  return uri;
}

// Why a connection attempt failed, in words an operator can act on. Positive
// codes are the broker's CONNACK refusals (MQTT 3.1.1, 3.2.2.3).
std::string describeConnectFailure(int rc) {
  switch (rc) {
    case MQTTASYNC_FAILURE:
      return "broker unreachable or connection refused";
    case 1:
      return "broker refused the connection: unacceptable protocol version";
    case 2:
      return "broker refused the connection: client id rejected";
    case 3:
      return "broker refused the connection: server unavailable";
    case 4:
      return "broker refused the connection: bad user name or password";
    case 5:
      return "broker refused the connection: not authorized";
    default: {
      const std::string text = ::mqtt::exception::error_str(rc);
      return text.empty() ? "error " + std::to_string(rc) : text;
    }
  }
}

bool usesTls(const std::string& uri) {
  return uri.rfind("ssl://", 0) == 0 || uri.rfind("wss://", 0) == 0;
}

::mqtt::ssl_options tlsOptions(const MqttSettings& settings) {
  ::mqtt::ssl_options tls;
  tls.set_enable_server_cert_auth(true);
  tls.set_verify(true);  // the certificate must name the host we connect to
  if (!settings.caFile.empty()) tls.set_trust_store(settings.caFile);
  if (!settings.certFile.empty()) tls.set_key_store(settings.certFile);
  if (!settings.keyFile.empty()) tls.set_private_key(settings.keyFile);
  return tls;
}

// Runs a callback when a Paho action ends (on a Paho thread).
class ActionCallback : public ::mqtt::iaction_listener {
 public:
  explicit ActionCallback(std::function<void(bool ok, int rc)> done) : done_(std::move(done)) {}
  void on_success(const ::mqtt::token&) override { done_(true, 0); }
  void on_failure(const ::mqtt::token& t) override { done_(false, t.get_return_code()); }

 private:
  std::function<void(bool, int)> done_;
};

}  // namespace

class MqttConnection : public std::enable_shared_from_this<MqttConnection>,
                       private ::mqtt::iaction_listener {
 public:
  MqttConnection(asio::io_context& io, MqttSettings settings)
      : io_(io), settings_(std::move(settings)), retryTimer_(io), backoff_(settings_.reconnectMin) {
    ::mqtt::create_options create(MQTTVERSION_3_1_1);
    create.set_send_while_disconnected(true, true);  // buffer before the first connection too
    create.set_max_buffered_messages(static_cast<int>(
        std::min<std::size_t>(settings_.maxBuffered, std::numeric_limits<int>::max())));
    create.set_delete_oldest_messages(false);
    try {
      client_ = std::make_unique<::mqtt::async_client>(pahoUri(settings_.uri), settings_.clientId,
                                                       create, nullptr);
    } catch (const ::mqtt::exception& e) {
      throw std::runtime_error("MQTT: cannot use broker URI '" + settings_.uri + "': " + e.what());
    }
    options_.set_keep_alive_interval(static_cast<int>(settings_.keepalive.count()));
    // Keep the session: QoS 1/2 messages the broker has not acknowledged are
    // sent again after a reconnect.
    options_.set_clean_session(false);
    options_.set_automatic_reconnect(false);  // our timer reconnects, first connection included
    options_.set_connect_timeout(std::chrono::seconds(10));
    if (!settings_.username.empty()) {
      options_.set_user_name(settings_.username);
      options_.set_password(settings_.password);
    }
    if (usesTls(pahoUri(settings_.uri))) options_.set_ssl(tlsOptions(settings_));
  }

  // Paho's handlers hold only weak pointers: once this is gone they do nothing.
  ~MqttConnection() override = default;

  void start() {
    if (started_) return;
    started_ = true;
    std::weak_ptr<MqttConnection> weak = shared_from_this();
    auto executor = io_.get_executor();
    client_->set_connected_handler([weak, executor](const std::string&) {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->onConnected();
      });
    });
    client_->set_message_callback([weak, executor](::mqtt::const_message_ptr message) {
      mapping::InboundMessage in;
      in.topic = message->get_topic();
      in.payload = message->to_string();
      asio::post(executor, [weak, in = std::move(in)] {
        if (auto self = weak.lock()) self->onMessage(in);
      });
    });
    client_->set_connection_lost_handler([weak, executor](const std::string& cause) {
      asio::post(executor, [weak, cause] {
        if (auto self = weak.lock()) self->onConnectionLost(cause);
      });
    });
    spdlog::info("MQTT connecting to {} as '{}'", settings_.uri, settings_.clientId);
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
        client_->disconnect(static_cast<int>(timeout.count()))
            ->wait_for(timeout + std::chrono::milliseconds(500));
      }
    } catch (const ::mqtt::exception& e) {
      spdlog::debug("MQTT disconnect: {}", e.what());
    }
    if (connected_.exchange(false)) spdlog::info("MQTT disconnected from {}", settings_.uri);
  }

  bool connected() const { return connected_; }

  void publishMessage(const mapping::OutboundMessage& m) {
    try {
      client_->publish(m.topic, m.payload.data(), m.payload.size(), m.qos, m.retain);
    } catch (const ::mqtt::exception& e) {
      ++dropped_;
      spdlog::warn("MQTT cannot publish to '{}': {}", m.topic, e.what());
    }
  }

  void setSubscriptions(std::vector<std::string> filters) {
    if (filters == subscriptions_) return;
    if (connected_) {
      try {
        if (!subscriptions_.empty()) client_->unsubscribe(::mqtt::string_collection::create(subscriptions_));
      } catch (const ::mqtt::exception& e) {
        spdlog::warn("MQTT unsubscribe: {}", e.what());
      }
    }
    subscriptions_ = std::move(filters);
    if (connected_) subscribe();
  }

  void setInboundHandler(std::function<void(const mapping::InboundMessage&)> handler) {
    inbound_ = std::move(handler);
  }
  std::uint64_t dropped() const { return dropped_; }

  void publish(const api::DeviceEvent& event) {
    const std::string topic =
        expandEventTopic(settings_.eventTopic, event.device.endpoint, api::toString(event.kind));
    const std::string payload = api::toJson(event);
    try {
      client_->publish(topic, payload.data(), payload.size(), settings_.qos, false);
      if (dropping_) {
        dropping_ = false;
        spdlog::info("MQTT buffer has room again; {} events were dropped so far",
                     dropped_.load());
      }
    } catch (const ::mqtt::exception& e) {
      ++dropped_;
      if (e.get_return_code() == MQTTASYNC_MAX_BUFFERED_MESSAGES) {
        if (!dropping_) {
          dropping_ = true;
          spdlog::warn(
              "MQTT buffer full ({} messages waiting for {}): dropping device events until the "
              "broker takes them",
              settings_.maxBuffered, settings_.uri);
        }
      } else {
        spdlog::warn("MQTT cannot publish to '{}': {}", topic, e.what());
      }
    }
  }

 private:
  void connect() {
    if (stopped_) return;
    try {
      client_->connect(options_, nullptr, *this);
    } catch (const ::mqtt::exception& e) {
      onConnectFailed(e.get_return_code());
    }
  }

  // iaction_listener, on a Paho thread: only the failure matters here, success
  // arrives through the connected handler.
  void on_failure(const ::mqtt::token& token) override {
    const int rc = token.get_return_code();
    std::weak_ptr<MqttConnection> weak = weak_from_this();
    asio::post(io_, [weak, rc] {
      if (auto self = weak.lock()) self->onConnectFailed(rc);
    });
  }
  void on_success(const ::mqtt::token&) override {}

  void onConnected() {
    if (stopped_) {  // a connection that completed after stop(): end it
      try {
        client_->disconnect(0);
      } catch (const ::mqtt::exception&) {
      }
      return;
    }
    connected_ = true;
    failures_ = 0;
    subscribe();
    backoff_ = settings_.reconnectMin;
    spdlog::info("MQTT connected to {}", settings_.uri);
  }

  void onConnectionLost(const std::string& cause) {
    connected_ = false;
    if (stopped_) return;
    spdlog::info("MQTT connection to {} lost{}; reconnecting in {} ms", settings_.uri,
                 cause.empty() ? "" : " (" + cause + ")", backoff_.count());
    scheduleReconnect();
  }

  void onConnectFailed(int rc) {
    if (stopped_) return;
    const std::string reason = describeConnectFailure(rc);
    if (failures_++ == 0) {
      spdlog::warn("MQTT cannot connect to {}: {}; retrying with back-off up to {} ms",
                   settings_.uri, reason, settings_.reconnectMax.count());
    } else {
      spdlog::debug("MQTT connect to {} failed again ({}): next try in {} ms", settings_.uri,
                    reason, backoff_.count());
    }
    scheduleReconnect();
  }

  void subscribe() {
    if (subscriptions_.empty()) return;
    try {
      std::vector<int> qos(subscriptions_.size(), 1);
      const std::size_t count = subscriptions_.size();
      std::weak_ptr<MqttConnection> weak = weak_from_this();
      subscribed_ = std::make_shared<ActionCallback>([weak, executor = io_.get_executor(), count](bool ok, int rc) {
        asio::post(executor, [weak, ok, rc, count] {
          if (!weak.lock()) return;
          if (ok) {
            spdlog::info("MQTT subscribed to {} command topic filter(s)", count);
          } else {
            spdlog::warn("MQTT subscription refused: {}", describeConnectFailure(rc));
          }
        });
      });
      client_->subscribe(::mqtt::string_collection::create(subscriptions_), qos, nullptr, *subscribed_);
    } catch (const ::mqtt::exception& e) {
      spdlog::warn("MQTT cannot subscribe: {}", e.what());
    }
  }

  void onMessage(const mapping::InboundMessage& message) {
    if (inbound_ && !stopped_) inbound_(message);
  }

  void scheduleReconnect() {
    retryTimer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, settings_.reconnectMax);
    std::weak_ptr<MqttConnection> weak = shared_from_this();
    retryTimer_.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->connect();
    });
  }

  asio::io_context& io_;
  MqttSettings settings_;
  std::unique_ptr<::mqtt::async_client> client_;
  ::mqtt::connect_options options_;
  asio::steady_timer retryTimer_;
  std::chrono::milliseconds backoff_;
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> dropped_{0};
  std::vector<std::string> subscriptions_;
  std::shared_ptr<ActionCallback> subscribed_;  // kept until the next subscribe
  std::function<void(const mapping::InboundMessage&)> inbound_;
  bool started_ = false;
  bool stopped_ = false;
  bool dropping_ = false;
  unsigned failures_ = 0;
};

MqttBridge::MqttBridge(asio::io_context& io, MqttSettings settings)
    : connection_(std::make_shared<MqttConnection>(io, std::move(settings))) {}

MqttBridge::~MqttBridge() { stop(); }

void MqttBridge::start() { connection_->start(); }
void MqttBridge::stop() { connection_->stop(); }
bool MqttBridge::connected() const { return connection_->connected(); }
std::uint64_t MqttBridge::droppedEvents() const { return connection_->dropped(); }

void MqttBridge::onDeviceEvent(const api::DeviceEvent& event) { connection_->publish(event); }
void MqttBridge::publish(mapping::OutboundMessage message) { connection_->publishMessage(message); }
void MqttBridge::setSubscriptions(std::vector<std::string> filters) {
  connection_->setSubscriptions(std::move(filters));
}
void MqttBridge::setInboundHandler(std::function<void(const mapping::InboundMessage&)> handler) {
  connection_->setInboundHandler(std::move(handler));
}

}  // namespace lwm2m::bridges::mqtt
