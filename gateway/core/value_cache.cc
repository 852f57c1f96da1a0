#include "gateway/core/value_cache.h"

#include <chrono>

#include "lwm2m/model/record.h"

namespace lwm2m::gateway {

void ValueCache::onDeviceEvent(const api::DeviceEvent& event) {
  if (event.kind == api::DeviceEventKind::Deregistered || event.kind == api::DeviceEventKind::Expired) {
    if (!keepDeparted_) forget(event.device.endpoint);
    return;
  }
  if (!api::carriesValues(event.kind)) return;
  for (const model::TimestampedNodes& stamp : event.values) {
    for (model::Record& record : model::toRecords(stamp.nodes, stamp.time)) {
      auto at = event.at;
      if (record.time) {
        at = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(*record.time)));
      }
      store(event.device.endpoint, api::LatestValue{record.path, std::move(record.value), at, event.kind});
    }
  }
}

void ValueCache::store(const std::string& endpoint, api::LatestValue value) {
  ++changes_;
  Key key{endpoint, value.path};
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    order_.splice(order_.end(), order_, it->second.position);
    it->second.value = std::move(value);
    return;
  }
  if (order_.size() >= capacity_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(key);
  entries_.emplace(std::move(key), Entry{std::move(value), std::prev(order_.end())});
}

void ValueCache::forget(const std::string& endpoint) {
  auto it = entries_.lower_bound(Key{endpoint, model::Path{}});
  while (it != entries_.end() && it->first.first == endpoint) {
    order_.erase(it->second.position);
    it = entries_.erase(it);
  }
}

std::vector<CachedValue> ValueCache::entries() const {
  std::vector<CachedValue> out;
  out.reserve(order_.size());
  for (const Key& key : order_) out.push_back(CachedValue{key.first, entries_.find(key)->second.value});
  return out;
}

std::vector<api::LatestValue> ValueCache::latest(std::string_view endpoint, const model::Path& under) const {
  std::vector<api::LatestValue> out;
  const std::string name(endpoint);
  for (auto it = entries_.lower_bound(Key{name, under}); it != entries_.end() && it->first.first == name; ++it) {
    if (!under.covers(it->first.second)) break;
    out.push_back(it->second.value);
  }
  return out;
}

}  // namespace lwm2m::gateway
