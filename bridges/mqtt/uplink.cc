#include "bridges/mqtt/uplink.h"

#include "mapping/device_event.h"
#include "mapping/router.h"

namespace lwm2m::bridges::mqtt {

MqttUplink::MqttUplink(const model::ModelSource& models, std::string gatewayId, coap::Scheduler& scheduler,
                       Publish publish)
    : models_(models),
      gatewayId_(std::move(gatewayId)),
      publish_(std::move(publish)),
      rules_(std::make_shared<mapping::RuleSet>()),
      batches_(scheduler, [this](mapping::OutboundMessage m) { publish_(std::move(m)); }) {}

void MqttUplink::setRules(std::shared_ptr<const mapping::RuleSet> rules) {
  batches_.flush();  // gathered under the rules in force until now
  rules_ = rules ? std::move(rules) : std::make_shared<mapping::RuleSet>();
}

void MqttUplink::onDeviceEvent(const gateway::api::DeviceEvent& event) {
  // Only a command's answer goes out without a rule (to its reply topic).
  if (!event.command && !mapping::anyUplinkRule(*rules_, event.kind, event.device.endpoint)) return;
  for (auto& message : mapping::routeEvent(*rules_, mapping::viewOf(event, gatewayId_), *models_.current())) {
    batches_.add(std::move(message));
  }
}

}  // namespace lwm2m::bridges::mqtt
