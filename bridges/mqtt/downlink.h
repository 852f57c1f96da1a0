#pragma once
// MqttDownlink: a message on a downlink rule's topic becomes a device
// command (mapping/commands.h, decoded once), submitted through
// api::DeviceOps, which stores it before it counts as accepted; its life
// comes back as events, which MqttUplink turns into replies. A message that is
// not a valid command, or that the gateway refuses, is answered at once on its
// reply route with the reason (one table from the error vocabulary to the
// reply's code and status, replyCodeOf) and logged; nothing else happens.
//
// Contract: I/O thread only. Rules are swapped whole by setRules(); commands
// already decoded keep the route they were decoded with.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "gateway/api/device_ops.h"
#include "lwm2m/model/model_source.h"
#include "lwm2m/result.h"
#include "mapping/command_limits.h"
#include "mapping/device_command.h"
#include "mapping/outbound_message.h"
#include "mapping/rule_set.h"

namespace lwm2m::bridges::mqtt {

// The reply's "code" and "status" for an error: ("4.00", "bad_request"), ...
std::pair<std::string_view, std::string_view> replyCodeOf(ErrorCode code);

class MqttDownlink {
 public:
  using Publish = std::function<void(mapping::OutboundMessage)>;

  // Every reference must outlive this object.
  MqttDownlink(const model::ModelSource& models, gateway::api::DeviceOps& commands, Publish publish);

  void setRules(std::shared_ptr<const mapping::RuleSet> rules);
  // Ids and correlations of commands (mapping::decodeCommand).
  void setLimits(const mapping::CommandLimits& limits) { limits_ = limits; }
  // A message that arrived on one of the rules' subscriptions.
  void onInbound(const mapping::InboundMessage& message);

 private:
  void refuse(const mapping::Command& command, const Error& error);

  const model::ModelSource& models_;
  gateway::api::DeviceOps& commands_;
  Publish publish_;
  std::shared_ptr<const mapping::RuleSet> rules_;
  mapping::CommandLimits limits_;
};

}  // namespace lwm2m::bridges::mqtt
