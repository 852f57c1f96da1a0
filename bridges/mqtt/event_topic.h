#pragma once
// The MQTT topic of a device event, from a template such as
// "lwm2m/{endpoint}/event/{kind}".

#include <string>
#include <string_view>

namespace lwm2m::bridges::mqtt {

// Replaces every {endpoint} and {kind}. In the endpoint name, characters that
// would change the topic's meaning ('/', '+', '#', NUL) become '_': a device
// cannot add topic levels or wildcards. The exact name is in the payload.
std::string expandEventTopic(std::string_view topicTemplate, std::string_view endpoint,
                             std::string_view kind);

}  // namespace lwm2m::bridges::mqtt
