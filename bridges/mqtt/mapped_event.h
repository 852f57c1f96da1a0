#pragma once
// What the mapping rules see of a gateway event: api::DeviceEvent (the
// gateway's view) as mapping::DeviceEvent (the rules' vocabulary). The reply
// route of a command event is read back from the command JSON it was stored
// with (see mapping/command_encoding.h).

#include <optional>
#include <string>

#include "gateway/api/device_events.h"
#include "mapping/device_event.h"

namespace lwm2m::bridges::mqtt {

// nullopt for events the rules have no name for.
std::optional<mapping::DeviceEvent> toMappingEvent(const gateway::api::DeviceEvent& event,
                                                   const std::string& gatewayId);

}  // namespace lwm2m::bridges::mqtt
