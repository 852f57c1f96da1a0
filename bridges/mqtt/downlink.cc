#include "bridges/mqtt/downlink.h"

#include <spdlog/spdlog.h>

#include "mapping/commands.h"

namespace lwm2m::bridges::mqtt {
namespace api = gateway::api;

MqttDownlink::MqttDownlink(const model::ModelSource& models, api::DeviceOps& commands, Publish publish)
    : models_(models),
      commands_(commands),
      publish_(std::move(publish)),
      rules_(std::make_shared<mapping::RuleSet>()) {}

void MqttDownlink::setRules(std::shared_ptr<const mapping::RuleSet> rules) {
  rules_ = rules ? std::move(rules) : std::make_shared<mapping::RuleSet>();
}

void MqttDownlink::onInbound(const mapping::InboundMessage& message) {
  auto outcome = mapping::decodeCommand(*rules_, message, *models_.current(), limits_);
  if (!outcome) {
    spdlog::debug("MQTT message on '{}' matches no downlink rule", message.topic);
    return;
  }
  if (!outcome->command) {
    spdlog::warn("MQTT command on '{}' refused: {}", message.topic, outcome->problem);
    if (outcome->reply) publish_(std::move(*outcome->reply));
    return;
  }
  mapping::Command command = std::move(*outcome->command);
  const std::string endpoint = command.endpoint;
  const auto operation = command.request.operation;
  // The answer to a refusal needs the reply route; the command itself moves on.
  mapping::Command refusal{command.endpoint, {}, command.reply};
  commands_.submit(std::move(command), [this, endpoint, operation, refusal](Result<std::string> id) {
    if (id) {
      spdlog::debug("MQTT command {} for {} accepted as {}", operations::operationName(operation), endpoint, *id);
      return;  // the Queued event, then the Response event, answer it
    }
    refuse(refusal, id.error());
  });
}

std::pair<std::string_view, std::string_view> replyCodeOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::Invalid: return {"4.00", "bad_request"};
    case ErrorCode::NotFound: return {"4.04", "not_found"};
    case ErrorCode::QueueFull: return {"5.03", "queue_full"};
    case ErrorCode::StoreFailed: return {"5.00", "store_failed"};
    case ErrorCode::InFlight: return {"4.09", "in_flight"};
    case ErrorCode::Timeout: return {"5.04", "timeout"};
    case ErrorCode::DeviceError: return {"5.02", "device_error"};
    case ErrorCode::Unauthorized: return {"4.03", "forbidden"};
    case ErrorCode::Unavailable: return {"5.03", "unavailable"};
    case ErrorCode::StorageFull: return {"5.03", "storage_full"};
  }
  return {"5.00", "internal_error"};
}

void MqttDownlink::refuse(const mapping::Command& command, const Error& error) {
  spdlog::warn("MQTT command for {} refused: {}", command.endpoint, error.message);
  const auto [code, status] = replyCodeOf(error.code);
  if (auto reply = mapping::rejectionReply(command, std::string(code), std::string(status), error.message)) {
    publish_(std::move(*reply));
  }
}

}  // namespace lwm2m::bridges::mqtt
