#include "bridges/mqtt/mqtt_bridge.h"

#include <string_view>

#include "bridges/mqtt/status_topics.h"
#include "lwm2m/spare_buckets.h"

namespace lwm2m::bridges::mqtt {
namespace api = gateway::api;

namespace {

// The retained status a device event implies; nullptr: the event says nothing about it.
const char* deviceStatusOf(api::DeviceEventKind kind) {
  switch (kind) {
    case api::DeviceEventKind::Registered:
    case api::DeviceEventKind::Updated:
    case api::DeviceEventKind::Awake:
      return "online";
    case api::DeviceEventKind::Asleep:
      return "asleep";
    case api::DeviceEventKind::Deregistered:
    case api::DeviceEventKind::Expired:
      return "offline";
    default:
      return nullptr;
  }
}

}  // namespace

MqttBridge::MqttBridge(boost::asio::io_context& io, MqttSettings settings, Outbox* outbox)
    : settings_(settings), link_(io, std::move(settings), outbox) {}

MqttBridge::~MqttBridge() { stop(); }

void MqttBridge::start() { link_.start(); }
void MqttBridge::stop() { link_.stop(); }
bool MqttBridge::connected() const { return link_.connected(); }
LinkStats MqttBridge::stats() const { return link_.stats(); }

void MqttBridge::onDeviceEvent(const api::DeviceEvent& event) {
  if (const char* status = deviceStatusOf(event.kind)) {
    publishDeviceStatus(event.device.endpoint, status);
  }
}

void MqttBridge::publish(mapping::OutboundMessage message) { link_.publish(std::move(message)); }

void MqttBridge::setSubscriptions(std::vector<std::string> filters) {
  link_.setSubscriptions(std::move(filters), settings_.qos);
}

void MqttBridge::setInboundHandler(
    std::function<void(const mapping::InboundMessage&)> handler) {
  link_.setInboundHandler(
      [handler = std::move(handler)](mapping::InboundMessage message) { handler(message); });
}

void MqttBridge::publishDeviceStatus(const std::string& endpoint, const char* status) {
  if (settings_.deviceStatusTopic.empty()) return;
  auto [known, inserted] = deviceStatus_.try_emplace(endpoint, status);
  if (!inserted && std::string_view(known->second) == status) return;
  known->second = status;
  mapping::OutboundMessage message;
  message.topic = expandDeviceStatusTopic(settings_.deviceStatusTopic, endpoint);
  message.payload = status;
  message.qos = settings_.qos;
  message.retain = true;
  link_.publish(std::move(message));
  if (known->second == std::string_view("offline")) {
    deviceStatus_.erase(known);
    releaseSpareBuckets(deviceStatus_);
  }
}

}  // namespace lwm2m::bridges::mqtt
