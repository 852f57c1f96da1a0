#include "lwm2m/coap/observe.h"

namespace lwm2m::coap {

bool isNewerNotification(std::uint32_t previous, std::chrono::steady_clock::time_point previousAt,
                         std::uint32_t incoming, std::chrono::steady_clock::time_point incomingAt) {
  constexpr std::uint32_t kHalfSpace = 1u << 23;
  constexpr auto kMaxReorderWindow = std::chrono::seconds(128);
  const std::uint32_t v1 = previous & 0xffffff;
  const std::uint32_t v2 = incoming & 0xffffff;
  return (v1 < v2 && v2 - v1 < kHalfSpace) || (v1 > v2 && v1 - v2 > kHalfSpace) ||
         incomingAt > previousAt + kMaxReorderWindow;
}

}  // namespace lwm2m::coap
