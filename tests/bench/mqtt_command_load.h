#pragma once
// Closed-loop device commands over MQTT, as a cloud application sends them
// with Paho: `concurrency` clients share one connection; client k publishes
// {"id":"k-n","operation":"read","path":PATH} (QoS 1) to
// lwm2m/{endpoint}/cmd and its next command once the result (the message on
// lwm2m/{endpoint}/cmd/result that carries "code" and its id, QoS 1) has
// arrived. A result counts when its code is 2.05.

#include <string>

#include "tests/bench/round_trips.h"

namespace lwm2m::testing {

// `endpoint(k, n)`: the device of client k's n-th command.
RoundTrips mqttCommandLoad(const std::string& brokerUri, const TargetOf& endpoint, const std::string& path,
                           const LoadShape& shape);

}  // namespace lwm2m::testing
