#pragma once
// ValueCache: api::LatestValues fed by the device events that carry values
// (Notification, Send, Response of a read). Per endpoint and resource path it
// keeps the value received last, with its time. Bounded: beyond `capacity` entries the
// least recently updated one is evicted. A device's values go when it
// de-registers or its registration expires, so memory follows the devices
// that are there — unless `keepDeparted` (http.value_cache_persist: the last
// known values are the point, also of devices gone; then `capacity` alone
// bounds them). In memory; kept across restarts only when a ValueSnapshot
// saves and restores it.
//
// Threading contract: I/O thread only (events and queries).

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <utility>

#include "gateway/api/device_events.h"
#include "gateway/api/latest_values.h"
#include "gateway/core/value_snapshot_codec.h"

namespace lwm2m::gateway {

class ValueCache : public api::LatestValues, public api::DeviceEventListener {
 public:
  // Precondition: capacity > 0.
  explicit ValueCache(std::size_t capacity, bool keepDeparted = false)
      : capacity_(capacity), keepDeparted_(keepDeparted) {}

  void onDeviceEvent(const api::DeviceEvent& event) override;
  std::vector<api::LatestValue> latest(std::string_view endpoint, const model::Path& under = {}) const override;

  // Puts back a value kept from before a restart, as if just received.
  void restore(const std::string& endpoint, api::LatestValue value) { store(endpoint, std::move(value)); }
  // Every value, least recently updated first.
  std::vector<CachedValue> entries() const;
  // Grows with every stored value: unchanged means nothing new to save.
  std::uint64_t changes() const { return changes_; }

  std::size_t size() const { return order_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  using Key = std::pair<std::string, model::Path>;
  struct Entry {
    api::LatestValue value;
    std::list<Key>::iterator position;  // in order_
  };

  void store(const std::string& endpoint, api::LatestValue value);
  void forget(const std::string& endpoint);

  std::size_t capacity_;
  bool keepDeparted_;
  std::map<Key, Entry, std::less<>> entries_;
  std::list<Key> order_;  // least recently updated first
  std::uint64_t changes_ = 0;
};

}  // namespace lwm2m::gateway
