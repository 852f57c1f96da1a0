#pragma once
// Duplicate detection for Non-confirmable responses (RFC 7252 §4.5: a NON
// received again within NON_LIFETIME is ignored), bounded per peer instead
// of per message: each peer keeps the message IDs and tokens of its last
// kSlots NON responses (notifications, for a server) with their arrival
// times. A copy that arrives within NON_LIFETIME and before the peer sent
// kSlots newer ones is a duplicate; one that arrives later still reaches the
// observation, whose Observe numbers order notifications (RFC 7641 §3.4).
//
// Why: one remembered entry per message for NON_LIFETIME (145 s) is 1.7
// million entries, about 300 MB, for 12,000 notifications a second, and
// 240,000 entries for 100,000 devices notifying once a minute. A peer here
// costs about 170 bytes, whatever its rate. A peer is forgotten once its
// newest NON is older than the lifetime (sweep), or when it leaves (forget).
//
// Threading contract: one thread (the endpoint's).

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <unordered_map>

#include "lwm2m/coap/transport.h"

namespace lwm2m::coap {

class RecentNotifications {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kSlots = 8;

  explicit RecentNotifications(Clock::duration lifetime) : lifetime_(lifetime) {}

  // True when `messageId` with `token` came from `peer` within the lifetime
  // and among its last kSlots NON responses (a duplicate: ignore it); else
  // remembers it and returns false.
  bool seenBefore(const Peer& peer, std::uint16_t messageId, std::span<const std::uint8_t> token,
                  Clock::time_point now);
  // Forgets peers whose newest NON response is older than the lifetime.
  void sweep(Clock::time_point now);
  void forget(const Peer& peer) { peers_.erase(peer); }
  std::size_t peers() const { return peers_.size(); }

 private:
  struct Slot {
    Clock::time_point at;
    std::uint32_t tokenHash = 0;
    std::uint16_t messageId = 0;
  };
  struct Recent {
    std::array<Slot, kSlots> slots{};
    std::uint8_t next = 0;   // the slot the next NON takes (oldest first)
    std::uint8_t count = 0;  // slots in use
    Clock::time_point newest;
  };

  Clock::duration lifetime_;
  std::unordered_map<Peer, Recent, PeerHash, PeerEqual> peers_;
};

}  // namespace lwm2m::coap
