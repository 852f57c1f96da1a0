#pragma once
// Publishes device events to an MQTT broker with the Paho async client.
//
// The gateway starts even if the broker is down: the bridge connects in the
// background, reconnects with back-off when the broker goes away, and keeps
// events published meanwhile (up to maxBuffered, then drops new ones and logs
// it once per episode). Connection changes are logged at info.
//
// Threading contract: construct, call and destroy on the gateway's I/O thread
// (the io_context's one thread). Paho's callbacks arrive on its own threads and
// are posted into the io_context; the io_context must outlive the bridge.
// No call blocks the I/O thread except stop(), bounded by disconnectTimeout.

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bridges/mqtt/mqtt_settings.h"
#include "gateway/api/device_events.h"
#include "mapping/device_command.h"
#include "mapping/outbound_message.h"

namespace lwm2m::bridges::mqtt {

class MqttConnection;

class MqttBridge : public gateway::api::DeviceEventListener {
 public:
  // Throws std::runtime_error if the settings cannot make a client (bad URI).
  MqttBridge(boost::asio::io_context& io, MqttSettings settings);
  ~MqttBridge() override;  // stop()
  MqttBridge(const MqttBridge&) = delete;
  MqttBridge& operator=(const MqttBridge&) = delete;

  // Begins connecting; returns at once.
  void start();
  // Disconnects cleanly, waiting at most disconnectTimeout for in-flight
  // messages; no reconnect afterwards. Safe to call twice.
  void stop();
  // A broker session is up (for GET /health).
  bool connected() const;
  // Events dropped because the buffer was full, since start.
  std::uint64_t droppedEvents() const;

  // Publishes api::toJson(event) to the expanded event topic (buffered while offline).
  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;

  // Publishes one mapped message (buffered while offline, like events).
  void publish(mapping::OutboundMessage message);
  // The topic filters to subscribe to; (re)subscribed on every connect.
  void setSubscriptions(std::vector<std::string> filters);
  // Messages arriving on the subscriptions, delivered on the I/O thread.
  void setInboundHandler(std::function<void(const mapping::InboundMessage&)> handler);

 private:
  std::shared_ptr<MqttConnection> connection_;
};

}  // namespace lwm2m::bridges::mqtt
