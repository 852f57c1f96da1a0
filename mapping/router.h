#pragma once
// The uplink side of the mapping: device events become MQTT messages, and
// registrations become the observations the rules ask for. Pure functions of
// the rules, the event and the object model.

#include <string_view>
#include <vector>

#include "lwm2m/model/object_model.h"
#include "mapping/device_command.h"
#include "mapping/device_event.h"
#include "mapping/outbound_message.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

// Every message the enabled uplink rules make of `event`, in rule order.
// A rule with no `events` applies to notification, send and response for the
// value styles (value, json, senml, tree), to every kind for `event`, and to
// registered, updated, notification and response for `emqx`.
// value and json make one message per resource (a multiple resource's
// instances together), tree one per object instance, senml, event and emqx
// one per event. A Response event whose reply route has a topic also yields
// the command's result there, in the route's style, with its correlation
// data; so do Queued and RequestCancelled (json style: "status":"queued" /
// "cancelled"; not in emqx style, EMQX has no queue) and RequestExpired
// (json: "status":"expired"; emqx: msgType "coap_timeout") events.
std::vector<OutboundMessage> routeEvent(const RuleSet& rules, const DeviceEvent& event,
                                        const model::ObjectModel& model);
// Whether an enabled uplink rule takes events of `kind` from `endpoint`. An
// event that answers no command yields nothing from routeEvent() without one,
// so a caller may skip making its view.
bool anyUplinkRule(const RuleSet& rules, DeviceEventKind kind, std::string_view endpoint);

// The commands that set up observations after a Registered or Updated event
// (for Updated, only on object instances that were not registered before):
// for each enabled observe rule whose endpoint glob matches, every path its
// patterns select among the registered object links ('+' at the instance
// level takes each registered instance; '#' observes the node above it).
// Attributes come first as Write-Attributes commands, then one Observe per
// path, or a single Observe-Composite when the rule asks for it and the
// device is LwM2M 1.1 or later. Duplicates are dropped; other kinds yield none.
std::vector<Command> autoObserve(const RuleSet& rules, const DeviceEvent& event,
                                       const model::ObjectModel& model);

}  // namespace lwm2m::mapping
