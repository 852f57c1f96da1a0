#pragma once
// The topics of the retained status messages, from templates such as
// "lwm2m-gateway/{gateway}/status" and "lwm2m/{endpoint}/status".
// A value fills exactly one topic level: characters that would change the
// topic's meaning ('/', '+', '#', NUL) become '_', so a device cannot add
// levels or wildcards. Unknown or unclosed braces stay as written.

#include <string>
#include <string_view>

namespace lwm2m::bridges::mqtt {

// Every {gateway} replaced by the gateway id.
std::string expandStatusTopic(std::string_view topicTemplate, std::string_view gatewayId);

// Every {endpoint} replaced by the device's endpoint name.
std::string expandDeviceStatusTopic(std::string_view topicTemplate, std::string_view endpoint);

}  // namespace lwm2m::bridges::mqtt
