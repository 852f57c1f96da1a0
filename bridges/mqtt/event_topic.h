#pragma once
// MQTT topics from templates such as "lwm2m/{endpoint}/event/{kind}".

#include <string>
#include <string_view>

namespace lwm2m::bridges::mqtt {

// Replaces every {endpoint} and {kind}. In the endpoint name, characters that
// would change the topic's meaning ('/', '+', '#', NUL) become '_': a device
// cannot add topic levels or wildcards. The exact name is in the payload.
std::string expandEventTopic(std::string_view topicTemplate, std::string_view endpoint,
                             std::string_view kind);

// The gateway status topic: every {gateway} replaced by the gateway id, with
// the same protection as {endpoint} above.
std::string expandStatusTopic(std::string_view topicTemplate, std::string_view gatewayId);

}  // namespace lwm2m::bridges::mqtt
