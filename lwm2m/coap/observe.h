#pragma once
// RFC 7641 §3.4: ordering of notifications by their 24-bit Observe sequence
// number and arrival time, for clients that must drop reordered notifications.

#include <chrono>
#include <cstdint>

namespace lwm2m::coap {

// Whether a notification with sequence `incoming` received at `incomingAt` is
// newer than the last accepted one (`previous`, received at `previousAt`).
// Sequence numbers wrap at 2^24; after 128 s any notification counts as newer.
bool isNewerNotification(std::uint32_t previous, std::chrono::steady_clock::time_point previousAt,
                         std::uint32_t incoming, std::chrono::steady_clock::time_point incomingAt);

}  // namespace lwm2m::coap
