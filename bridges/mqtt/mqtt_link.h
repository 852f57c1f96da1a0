#pragma once
// MqttLink: one broker session (Paho MQTT C++ async client) with
// store-and-forward for QoS >= 1 messages, subscriptions, and the gateway's
// retained status with a Last Will.
//
// Delivery: QoS >= 1 messages go through the DeliveryWindow, whose header
// states the store-and-forward contract (order, at least once, bound) once;
// the link adds the broker session: MQTT 5 refusals (reason code >= 0x80) are
// final and counted as rejected, and a reconnect resumes the window. QoS 0 is
// best effort: handed over at once while connected, discarded (counted) while
// not, and may overtake a QoS >= 1 backlog.
//
// Latency: with settings.tcpNoDelay the connection gets TCP_NODELAY after
// every connect (broker_no_delay.h), so answers do not wait for delayed ACKs.
//
// Status: when settings.statusTopic is set, the link connects with a retained
// Last Will "offline" (QoS 1) on it, publishes retained "online" after every
// connect and retained "offline" on stop().
//
// Threading contract: construct, call and destroy on the I/O thread (the
// io_context's one thread); the io_context must outlive the link. Paho's
// callbacks are posted into the io_context. connected() and stats() may be
// read from any thread. No call blocks the I/O thread except start() (reads the
// outbox backlog: call it before the I/O loop runs) and stop() (bounded by
// disconnectTimeout).

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bridges/mqtt/mqtt_settings.h"
#include "bridges/mqtt/outbox.h"
#include "mapping/device_command.h"
#include "mapping/outbound_message.h"

namespace lwm2m::bridges::mqtt {

struct LinkStats {
  std::size_t waiting = 0;     // QoS >= 1 messages not yet acknowledged (in flight included)
  std::uint64_t published = 0; // acknowledged by the broker (QoS >= 1) or sent (QoS 0)
  std::uint64_t dropped = 0;   // dropped by the outbox bound (oldest first)
  std::uint64_t discarded = 0; // QoS 0 messages not sent because the broker was away
  std::uint64_t rejected = 0;  // refused by the broker (MQTT 5 reason code >= 0x80)
  std::uint64_t connectFailures = 0;  // connection attempts that failed, first connection included
};

class MqttLink {
 public:
  // Throws std::runtime_error if the settings cannot make a client (bad URI).
  // `outbox` may be null (messages then wait in memory only); it must
  // outlive the link.
  MqttLink(boost::asio::io_context& io, MqttSettings settings, Outbox* outbox);
  ~MqttLink();  // stop()
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  // Reads the outbox backlog (trimmed to outboxLimit) and begins connecting;
  // returns without waiting for the broker. Throws std::runtime_error if the
  // outbox cannot be read.
  void start();
  // Publishes "offline" on the status topic, disconnects cleanly (waiting at
  // most disconnectTimeout), no reconnect afterwards. Unacknowledged messages
  // stay in the outbox. Safe to call twice.
  void stop();
  // A broker session is up.
  bool connected() const;

  // See the delivery contract above. The topic must be a valid topic name.
  void publish(mapping::OutboundMessage message);

  // Replaces the subscriptions (topic filters, one QoS for all); subscribed
  // now if connected, and again after every connect.
  void setSubscriptions(std::vector<std::string> filters, int qos);

  // Called on the I/O thread for each message arriving on a subscription,
  // with MQTT 5 Response Topic and Correlation Data when present.
  void setInboundHandler(std::function<void(mapping::InboundMessage)> handler);

  LinkStats stats() const;

  class Session;

 private:
  std::shared_ptr<Session> session_;
};

}  // namespace lwm2m::bridges::mqtt
