#include "lwm2m/coap/recent_notifications.h"

#include <iterator>

namespace lwm2m::coap {
namespace {

// FNV-1a over the token (at most 8 bytes) and its length.
std::uint32_t tokenHash(std::span<const std::uint8_t> token) {
  std::uint32_t h = 2166136261u ^ static_cast<std::uint32_t>(token.size());
  for (std::uint8_t b : token) h = (h ^ b) * 16777619u;
  return h;
}

}  // namespace

bool RecentNotifications::seenBefore(const Peer& peer, std::uint16_t messageId, std::span<const std::uint8_t> token,
                                     Clock::time_point now) {
  const std::uint32_t hash = tokenHash(token);
  Recent& recent = peers_[peer];
  for (std::size_t i = 0; i < recent.count; ++i) {
    const Slot& slot = recent.slots[i];
    if (slot.messageId == messageId && slot.tokenHash == hash && now - slot.at < lifetime_) return true;
  }
  recent.slots[recent.next] = Slot{now, hash, messageId};
  recent.next = static_cast<std::uint8_t>((recent.next + 1) % kSlots);
  if (recent.count < kSlots) ++recent.count;
  recent.newest = now;
  return false;
}

void RecentNotifications::sweep(Clock::time_point now) {
  std::erase_if(peers_, [&](const auto& entry) { return now - entry.second.newest >= lifetime_; });
}

}  // namespace lwm2m::coap
