#pragma once
// DeviceCommand: a device operation decoded from a cloud message, typed by
// the ObjectModel, ready for the gateway to turn into an LwM2M request.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/model/path.h"
#include "mapping/device_event.h"
#include "mapping/outbound_message.h"
#include "mapping/reply_route.h"

namespace lwm2m::mapping {

// Write-Attributes parameters (LwM2M 1.1 §5.1.2); absent ones are not sent.
struct NotificationAttributes {
  std::optional<std::uint32_t> pmin;
  std::optional<std::uint32_t> pmax;
  std::optional<double> gt;
  std::optional<double> lt;
  std::optional<double> st;
  std::optional<std::uint32_t> epmin;
  std::optional<std::uint32_t> epmax;
  bool empty() const { return !pmin && !pmax && !gt && !lt && !st && !epmin && !epmax; }
  friend bool operator==(const NotificationAttributes&, const NotificationAttributes&) = default;
};

struct DeviceCommand {
  std::string endpoint;
  Operation operation = Operation::Read;
  // Target paths: one for single-path operations, several for composites.
  std::vector<model::Path> paths;
  // Write, Write-Composite, Create: values typed as the model declares.
  std::vector<ValueRecord> values;
  bool partialUpdate = false;  // Write on an instance: POST (true) or PUT (false)
  NotificationAttributes attributes;
  std::string executeArgs;
  std::optional<std::uint32_t> ttlSeconds;  // how long it may wait for a sleeping device
  ReplyRoute reply;
};

// One message received from the cloud.
struct InboundMessage {
  std::string topic;
  std::string payload;
  std::string responseTopic;    // MQTT 5 Response Topic, "" when absent
  std::string correlationData;  // MQTT 5 Correlation Data, "" when absent
};

}  // namespace lwm2m::mapping
