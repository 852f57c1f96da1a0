#pragma once
// Per-peer CoAP message-ID allocation (RFC 7252 §4.4): a 16-bit counter per
// peer with a random start; an ID is never handed out again within
// EXCHANGE_LIFETIME of its last use. Memory is bounded in time: allocations
// are counted in one-second buckets and a peer is forgotten once all its
// buckets have expired. A peer costs about 100 bytes plus 16 per second in
// which it was given IDs, so thousands of devices that were sent one or two
// requests cost little while they are remembered.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "lwm2m/coap/transport.h"

namespace lwm2m::coap {

class MessageIdAllocator {
 public:
  using Clock = std::chrono::steady_clock;

  MessageIdAllocator(Clock::duration lifetime, std::function<std::uint32_t()> random);

  // nullopt when all 65536 IDs for this peer were used within the lifetime.
  std::optional<std::uint16_t> allocate(const Peer& peer, Clock::time_point now);
  // Drops expired buckets and peers without live IDs.
  void sweep(Clock::time_point now);
  // Forgets a peer that left (a device that de-registered or expired): its
  // next IDs start again at random, as after a restart of the server.
  void forget(const Peer& peer) { peers_.erase(peer); }
  std::size_t peers() const { return peers_.size(); }

 private:
  struct Bucket {
    Clock::time_point start;
    std::uint32_t count;
  };
  struct PeerIds {
    std::uint16_t next = 0;
    std::uint32_t live = 0;  // sum of bucket counts
    std::vector<Bucket> buckets;  // oldest first (an empty vector allocates nothing)
  };
  void expire(PeerIds& ids, Clock::time_point now) const;

  Clock::duration lifetime_;
  std::function<std::uint32_t()> random_;
  std::unordered_map<Peer, PeerIds, PeerHash, PeerEqual> peers_;
};

}  // namespace lwm2m::coap
