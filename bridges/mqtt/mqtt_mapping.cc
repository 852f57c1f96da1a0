#include "bridges/mqtt/mqtt_mapping.h"

#include <spdlog/spdlog.h>

#include "bridges/mqtt/mapped_event.h"
#include "mapping/command_encoding.h"
#include "mapping/commands.h"
#include "mapping/router.h"

namespace lwm2m::bridges::mqtt {
namespace api = gateway::api;

MqttMapping::MqttMapping(const model::ObjectModel& model, api::DeviceCommands& commands,
                         const api::DeviceDirectory& devices, std::string gatewayId, Publish publish)
    : model_(model),
      commands_(commands),
      devices_(devices),
      gatewayId_(std::move(gatewayId)),
      publish_(std::move(publish)),
      rules_(std::make_shared<mapping::RuleSet>()) {}

void MqttMapping::setRules(std::shared_ptr<const mapping::RuleSet> rules) {
  rules_ = rules ? std::move(rules) : std::make_shared<mapping::RuleSet>();
}

void MqttMapping::onDeviceEvent(const api::DeviceEvent& event) {
  auto mapped = toMappingEvent(event, gatewayId_);
  if (!mapped) return;
  for (auto& message : mapping::routeEvent(*rules_, *mapped, model_)) {
    ++counters_.messagesMade;
    publish_(std::move(message));
  }
}

void MqttMapping::onInbound(const mapping::InboundMessage& message) {
  auto outcome = mapping::decodeCommand(*rules_, message, model_);
  if (!outcome) {
    spdlog::debug("MQTT message on '{}' matches no downlink rule", message.topic);
    return;
  }
  if (!outcome->command) {
    ++counters_.commandsRefused;
    spdlog::warn("MQTT command on '{}' refused: {}", message.topic, outcome->problem);
    if (outcome->reply) publish_(std::move(*outcome->reply));
    return;
  }
  mapping::DeviceCommand command = std::move(*outcome->command);
  if (!devices_.find(command.endpoint)) {
    refuse(command, "4.04", "unknown_device", "unknown device '" + command.endpoint + "': it is not registered");
    return;
  }
  const std::string json = mapping::toCommandJson(command);
  commands_.submit(command.endpoint, json, [this, command](api::CommandAcceptance acceptance) {
    using Status = api::CommandAcceptance::Status;
    switch (acceptance.status) {
      case Status::Queued:
        ++counters_.commandsAccepted;
        spdlog::debug("MQTT command {} for {} accepted as {}", toString(command.operation), command.endpoint,
                      acceptance.requestId);
        return;  // the Queued event, then the Response event, answer it
      case Status::Invalid:
        refuse(command, "4.00", "bad_request", acceptance.error);
        return;
      case Status::QueueFull:
        refuse(command, "5.03", "queue_full", acceptance.error);
        return;
      case Status::StoreFailed:
        refuse(command, "5.00", "store_failed", acceptance.error);
        return;
    }
  });
}

void MqttMapping::refuse(const mapping::DeviceCommand& command, const std::string& code, const std::string& status,
                         const std::string& problem) {
  ++counters_.commandsRefused;
  spdlog::warn("MQTT command {} for {} refused: {}", toString(command.operation), command.endpoint, problem);
  if (auto reply = mapping::rejectionReply(command, code, status, problem)) publish_(std::move(*reply));
}

}  // namespace lwm2m::bridges::mqtt
