#pragma once
// The wait before a bridge tries again (a webhook delivery, an MQTT
// connection): exponential back-off with jitter, so that many gateways (or
// webhooks) failing together do not retry in step. Pure: the random number
// comes in.

#include <chrono>

namespace lwm2m::bridges {

// Retry number `attempt` (1: the first retry) waits min * 2^(attempt-1),
// capped at max, scaled by a factor in [0.5, 1) taken from `random01` in
// [0, 1) ("equal jitter"); never less than 1 ms.
std::chrono::milliseconds retryDelay(unsigned attempt, std::chrono::milliseconds min,
                                     std::chrono::milliseconds max, double random01);

}  // namespace lwm2m::bridges
