#include "lwm2m/server/object_links.h"

#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace lwm2m::server {

namespace {

std::size_t hashOf(const std::vector<formats::Link>& links) {
  std::size_t seed = links.size();
  const auto mix = [&seed](std::string_view text) {
    seed ^= std::hash<std::string_view>{}(text) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  };
  for (const formats::Link& link : links) {
    mix(link.target);
    for (const formats::LinkAttribute& attribute : link.attributes) {
      mix(attribute.name);
      mix(attribute.value ? std::string_view(*attribute.value) : std::string_view("\x01", 1));
    }
  }
  return seed;
}

// The lists alive, by hash. An entry whose list is gone is dropped when its
// hash is looked up again, and all of them once the pool has doubled since
// the last sweep: the pool never holds many more entries than lists alive.
class Pool {
 public:
  std::shared_ptr<const std::vector<formats::Link>> intern(std::vector<formats::Link> links) {
    const std::size_t hash = hashOf(links);
    std::lock_guard lock(mutex_);
    auto [first, last] = byHash_.equal_range(hash);
    for (auto it = first; it != last;) {
      if (auto alive = it->second.lock()) {
        if (*alive == links) return alive;
        ++it;
      } else {
        it = byHash_.erase(it);
      }
    }
    // Its own allocation (not make_shared): the list's memory goes with its
    // last holder, while the pool's weak entry keeps only the control block.
    std::shared_ptr<const std::vector<formats::Link>> made(new std::vector<formats::Link>(std::move(links)));
    byHash_.emplace(hash, made);
    if (byHash_.size() > 2 * aliveAtSweep_ + 64) sweep();
    return made;
  }

  std::size_t alive() {
    std::lock_guard lock(mutex_);
    sweep();
    return byHash_.size();
  }

 private:
  void sweep() {
    std::erase_if(byHash_, [](const auto& entry) { return entry.second.expired(); });
    aliveAtSweep_ = byHash_.size();
  }

  std::mutex mutex_;
  std::unordered_multimap<std::size_t, std::weak_ptr<const std::vector<formats::Link>>> byHash_;
  std::size_t aliveAtSweep_ = 0;
};

Pool& pool() {
  static Pool* shared = new Pool;  // never destroyed: lists may outlive static destructors
  return *shared;
}

}  // namespace

const std::vector<formats::Link> ObjectLinks::kNone;

ObjectLinks::ObjectLinks(std::vector<formats::Link> links) {
  if (!links.empty()) links_ = pool().intern(std::move(links));
}

std::size_t ObjectLinks::distinctAlive() { return pool().alive(); }

}  // namespace lwm2m::server
