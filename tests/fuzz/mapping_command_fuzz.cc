// libFuzzer target: the command decoders of the mapping (json, value and
// emqx payload styles). The first byte chooses the style; the rest is the
// MQTT payload. Ids and values are checked against small limits (so that
// both sides of each limit are reached); whatever decodes and passes is
// answered as a device would, and the answer is routed back, which re-reads
// the request the reply echoes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lwm2m/model/object_model.h"
#include "mapping/commands.h"
#include "mapping/router.h"
#include "mapping/rule_loader.h"

namespace {

const lwm2m::model::ObjectModel& fuzzModel() {
  static const lwm2m::model::ObjectModel kModel = lwm2m::model::ObjectModel::builtIn();
  return kModel;
}

const lwm2m::mapping::RuleSet& fuzzRules() {
  static const lwm2m::mapping::RuleSet kRules = [] {
    auto rules = lwm2m::mapping::parseRules(R"(
downlink:
  - topic: "json/{endpoint}/cmd"
    response_topic: "json/{endpoint}/result"
  - topic: "value/{endpoint}/{op}/{object}/{instance}/{resource}"
    path: "/{object}/{instance}/{resource}"
    payload: value
    response_topic: "value/{endpoint}/result"
  - topic: "emqx/{endpoint}/dn/#"
    payload: emqx
    response_topic: "emqx/{endpoint}/up/resp"
)",
                                            "fuzz.yaml", fuzzModel());
    return rules.ok() ? *rules : lwm2m::mapping::RuleSet();
  }();
  return kRules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lwm2m::mapping;
  if (size == 0) return 0;
  static const char* kTopics[] = {"json/ep/cmd", "value/ep/write/3/0/14", "value/ep/write/3303/0/5700",
                                  "value/ep/execute/3/0/4", "emqx/ep/dn/x"};
  InboundMessage message;
  message.topic = kTopics[data[0] % (sizeof kTopics / sizeof kTopics[0])];
  message.payload.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 0x80) message.responseTopic = "reply/here";
  static const CommandLimits kLimits{16, 64, 256};
  auto outcome = decodeCommand(fuzzRules(), message, fuzzModel(), kLimits);
  if (!outcome || !outcome->command) return 0;
  const Command& command = *outcome->command;
  if (!checkCommandLimits(command.request, kLimits)) return 0;
  DeviceEvent response;
  response.kind = DeviceEventKind::Response;
  response.endpoint = command.endpoint;
  response.operation = command.request.operation;
  response.requestPath = command.request.targets().front();
  response.reply = command.reply;
  response.code = "2.05";
  if (command.request.node) {
    lwm2m::model::appendRecords(*command.request.node, command.request.path, std::nullopt, response.values);
  }
  for (const auto& [path, node] : command.request.nodes) {
    lwm2m::model::appendRecords(node, path, std::nullopt, response.values);
  }
  (void)routeEvent(fuzzRules(), response, fuzzModel());
  response.outcome = lwm2m::operations::Outcome::Timeout;
  (void)routeEvent(fuzzRules(), response, fuzzModel());
  return 0;
}
