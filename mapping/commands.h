#pragma once
// The downlink side of the mapping: a message from the cloud becomes a
// Command, or an error reply that names the problem (bad JSON, unknown
// operation, a value of the wrong type or one that cannot be typed).

#include <optional>
#include <string>

#include "lwm2m/model/object_model.h"
#include "mapping/command_limits.h"
#include "mapping/device_command.h"
#include "mapping/outbound_message.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

struct CommandOutcome {
  std::optional<Command> command;  // set when the message decoded
  std::string problem;                   // what was wrong, when it did not
  // The error reply to publish when it did not, if the rule or the MQTT 5
  // Response Topic names where replies go.
  std::optional<OutboundMessage> reply;
};

// Decodes `message` with the first enabled downlink rule whose topic pattern
// matches; nullopt when none does (the message is not a command).
//
// The operation comes from the topic's {op}, else the rule's `operation`,
// else the payload; the path from the payload, else the rule's path template
// filled with the topic's captures. Values are typed by the object model.
// The reply route goes to the MQTT 5 Response Topic when there is one, else
// the rule's response_topic; MQTT 5 Correlation Data is echoed as a property,
// and for MQTT 3.1.1 clients the payload's "correlation" (json style) or
// "reqID" (emqx style) is echoed in the body.
//
// json payload: {"id":"42","operation":"write","path":"/3/0/14","value":"+02",
//   "values":{"/3303/0/5750":"x"} | {"5750":"x"}, "paths":[...],
//   "attributes":{"pmin":10,"st":0.5}, "args":"0='v'", "partial":true,
//   "instance":1, "ttl":600, "correlation":"abc"}
// value payload: the bare value of a write, or the arguments of an execute.
// emqx payload: EMQX's {"reqID","msgType","data"} (see deploy/mapping/README.md).
// The command's id and correlation must pass checkCommandId() (limits.idBytes,
// UTF-8); one that does not is refused without being echoed in the reply.
// The other limits are checked where every command enters the queue
// (gateway/core/device_command_service.h).
std::optional<CommandOutcome> decodeCommand(const RuleSet& rules, const InboundMessage& message,
                                            const model::ObjectModel& model, const CommandLimits& limits = {});

// The answer to a decoded command the gateway then refused (unknown device,
// queue full, storage failure), on the command's reply route in its style:
// json {"id","correlation","endpoint","code","status","error"}, emqx its
// error shape with `code` and its CoAP name; nullopt when the route has no topic.
std::optional<OutboundMessage> rejectionReply(const Command& command, const std::string& code,
                                              const std::string& status, const std::string& problem);

}  // namespace lwm2m::mapping
