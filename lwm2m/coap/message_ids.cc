#include "lwm2m/coap/message_ids.h"

#include "lwm2m/spare_buckets.h"

namespace lwm2m::coap {

namespace {
constexpr std::uint32_t kIdSpace = 65536;
constexpr auto kBucketWidth = std::chrono::seconds(1);
}  // namespace

MessageIdAllocator::MessageIdAllocator(Clock::duration lifetime,
                                       std::function<std::uint32_t()> random)
    : lifetime_(lifetime), random_(std::move(random)) {}

// A bucket started at t holds IDs used in [t, t + 1 s); all of them are free
// again once t + 1 s + lifetime has passed.
void MessageIdAllocator::expire(PeerIds& ids, Clock::time_point now) const {
  auto first = ids.buckets.begin();
  while (first != ids.buckets.end() && first->start + kBucketWidth + lifetime_ <= now) {
    ids.live -= first->count;
    ++first;
  }
  ids.buckets.erase(ids.buckets.begin(), first);
}

std::optional<std::uint16_t> MessageIdAllocator::allocate(const Peer& peer, Clock::time_point now) {
  auto [it, inserted] = peers_.try_emplace(peer);
  PeerIds& ids = it->second;
  if (inserted) ids.next = static_cast<std::uint16_t>(random_());
  expire(ids, now);
  // IDs are handed out in sequence, so the next one was last used 65536
  // allocations ago: it is free exactly when fewer than 65536 are live.
  if (ids.live >= kIdSpace) return std::nullopt;
  if (ids.buckets.empty() || ids.buckets.back().start + kBucketWidth <= now) {
    ids.buckets.push_back(Bucket{now, 0});
  }
  ++ids.buckets.back().count;
  ++ids.live;
  return ids.next++;
}

void MessageIdAllocator::sweep(Clock::time_point now) {
  for (auto it = peers_.begin(); it != peers_.end();) {
    expire(it->second, now);
    if (it->second.live == 0) {
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  releaseSpareBuckets(peers_);
}

}  // namespace lwm2m::coap
