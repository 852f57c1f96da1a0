#pragma once
// The mapping rules applied to the MQTT side of the gateway.
//
// Uplink: every device event becomes the messages the uplink rules make of
// it (and a command's result goes to the reply route it came with).
// Downlink: a message on a downlink rule's topic becomes a device command,
// submitted to the gateway, which stores it before it counts as accepted; its
// life comes back as events (queued, response, expired-request) and so as
// replies. A message that is not a valid command is answered on its reply
// route with what was wrong (bad JSON, unknown device, path not in the
// model, value of the wrong type, queue full) and logged; nothing else happens.
//
// Contract: I/O thread only. Rules are swapped whole by setRules(); messages
// already decoded keep the route they were decoded with.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/api/device_ops.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/device_events.h"
#include "lwm2m/model/object_model.h"
#include "mapping/device_command.h"
#include "mapping/outbound_message.h"
#include "mapping/rule_set.h"

namespace lwm2m::bridges::mqtt {

class MqttMapping : public gateway::api::DeviceEventListener {
 public:
  using Publish = std::function<void(mapping::OutboundMessage)>;

  // Every reference must outlive this object.
  MqttMapping(const model::ObjectModel& model, gateway::api::DeviceOps& commands,
              const gateway::api::DeviceDirectory& devices, std::string gatewayId, Publish publish);

  void setRules(std::shared_ptr<const mapping::RuleSet> rules);
  const mapping::RuleSet& rules() const { return *rules_; }

  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;
  // A message that arrived on one of rules().subscriptions().
  void onInbound(const mapping::InboundMessage& message);

 private:
  void refuse(const mapping::Command& command, const Error& error);

  const model::ObjectModel& model_;
  gateway::api::DeviceOps& commands_;
  const gateway::api::DeviceDirectory& devices_;
  std::string gatewayId_;
  Publish publish_;
  std::shared_ptr<const mapping::RuleSet> rules_;
};

}  // namespace lwm2m::bridges::mqtt
