#pragma once
// MqttUplink: device events become MQTT messages through the mapping rules
// (mapping/router.h), and a command's answers (queued, result, expiry) go to
// the reply route it came with. Delivery of what it publishes is the link's
// (delivery_window.h).
//
// Messages of rules with `batch` are gathered by UplinkBatches
// (uplink_batches.h): setRules() and flush() publish what is gathered.
//
// Contract: I/O thread only. Rules are swapped whole by setRules().

#include <functional>
#include <memory>
#include <string>

#include "bridges/mqtt/uplink_batches.h"
#include "gateway/api/device_events.h"
#include "lwm2m/model/model_source.h"
#include "mapping/outbound_message.h"
#include "mapping/rule_set.h"

namespace lwm2m::bridges::mqtt {

class MqttUplink : public gateway::api::DeviceEventListener {
 public:
  using Publish = std::function<void(mapping::OutboundMessage)>;

  // `models` and `scheduler` must outlive this object; each event is mapped
  // with the model in force.
  MqttUplink(const model::ModelSource& models, std::string gatewayId, coap::Scheduler& scheduler,
             Publish publish);

  void setRules(std::shared_ptr<const mapping::RuleSet> rules);
  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;
  // Publishes the batches being gathered (before the MQTT link stops).
  void flush() { batches_.flush(); }

 private:
  const model::ModelSource& models_;
  std::string gatewayId_;
  Publish publish_;
  std::shared_ptr<const mapping::RuleSet> rules_;
  UplinkBatches batches_;
};

}  // namespace lwm2m::bridges::mqtt
