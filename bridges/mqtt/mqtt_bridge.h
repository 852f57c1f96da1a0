#pragma once
// The gateway's MQTT side: one MqttLink to the broker, the messages the
// mapping rules produce (publish), the command subscriptions, and each
// device's retained status.
//
// Unless settings.deviceStatusTopic is empty, the device's retained status
// follows the device events: "online" on registered/updated/awake, "asleep"
// on asleep, "offline" on deregistered and expired; only changes are
// published (QoS settings.qos). Device events themselves become messages
// through the mapping rules, not here. Delivery, the outbox, the bound and
// the gateway status are the link's (see mqtt_link.h).
//
// Threading contract: construct, call and destroy on the gateway's I/O thread;
// the io_context must outlive the bridge. No call blocks the I/O thread except
// start() (reads the outbox backlog) and stop() (bounded by disconnectTimeout).

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include <unordered_map>

#include "bridges/mqtt/mqtt_link.h"
#include "bridges/mqtt/mqtt_settings.h"
#include "bridges/mqtt/outbox.h"
#include "gateway/api/device_events.h"

namespace lwm2m::bridges::mqtt {

class MqttBridge : public gateway::api::DeviceEventListener {
 public:
  // Throws std::runtime_error if the settings cannot make a client (bad URI).
  // `outbox` may be null (messages then wait in memory only).
  MqttBridge(boost::asio::io_context& io, MqttSettings settings, Outbox* outbox = nullptr);
  ~MqttBridge() override;  // stop()
  MqttBridge(const MqttBridge&) = delete;
  MqttBridge& operator=(const MqttBridge&) = delete;

  // Begins connecting; returns at once (after reading the outbox backlog).
  void start();
  // See MqttLink::stop(). Safe to call twice.
  void stop();
  // A broker session is up (for GET /health).
  bool connected() const;
  // The link's counters (for GET /health).
  LinkStats stats() const;
  // Messages dropped because the outbox was full, since start.
  std::uint64_t droppedEvents() const { return stats().dropped; }

  // The broker session, for publishers and subscribers beyond device events.
  MqttLink& link() { return link_; }

  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;

  // Publishes one mapped message (see MqttLink::publish).
  void publish(mapping::OutboundMessage message);
  // The topic filters to subscribe to (QoS settings.qos); (re)subscribed on every connect.
  void setSubscriptions(std::vector<std::string> filters);
  // Messages arriving on the subscriptions, delivered on the I/O thread.
  void setInboundHandler(std::function<void(const mapping::InboundMessage&)> handler);

 private:
  void publishDeviceStatus(const std::string& endpoint, const char* status);

  MqttSettings settings_;
  MqttLink link_;
  std::unordered_map<std::string, const char*> deviceStatus_;  // last published, by endpoint
};

}  // namespace lwm2m::bridges::mqtt
