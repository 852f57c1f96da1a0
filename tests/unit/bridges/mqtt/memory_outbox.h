#pragma once
// Test doubles for the MQTT link's outbox: an Outbox in memory whose appends
// commit at once (inside append()), and a QoS 1 message maker.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "bridges/mqtt/outbox.h"
#include "lwm2m/result.h"
#include "mapping/outbound_message.h"

namespace lwm2m::bridges::mqtt {

class MemoryOutbox : public Outbox {
 public:
  std::int64_t append(const mapping::OutboundMessage& message,
                      std::function<void(Result<void>)> committed) override {
    std::lock_guard lock(mutex_);
    const std::int64_t id = ++lastId_;
    stored_[id] = message;
    if (committed) committed(Result<void>());
    return id;
  }
  void remove(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    stored_.erase(id);
  }
  Result<std::vector<StoredMessage>> loadAfter(std::int64_t afterId, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    ++loads_;
    std::vector<StoredMessage> out;
    for (auto it = stored_.upper_bound(afterId); it != stored_.end() && out.size() < limit; ++it) {
      out.push_back({it->first, it->second});
    }
    return out;
  }
  Result<std::size_t> count() override {
    std::lock_guard lock(mutex_);
    return stored_.size();
  }
  Result<std::size_t> dropOldestBeyond(std::size_t bound) override {
    std::lock_guard lock(mutex_);
    std::size_t dropped = 0;
    while (stored_.size() > bound) {
      stored_.erase(stored_.begin());
      ++dropped;
    }
    return dropped;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return stored_.size();
  }
  int loads() {
    std::lock_guard lock(mutex_);
    return loads_;
  }
  // The topics stored, oldest first.
  std::vector<std::string> topics() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [id, message] : stored_) out.push_back(message.topic);
    return out;
  }

 private:
  std::mutex mutex_;
  std::map<std::int64_t, mapping::OutboundMessage> stored_;
  std::int64_t lastId_ = 0;
  int loads_ = 0;
};

inline mapping::OutboundMessage message(std::string topic, std::string payload, int qos = 1) {
  mapping::OutboundMessage m;
  m.topic = std::move(topic);
  m.payload = std::move(payload);
  m.qos = qos;
  return m;
}

}  // namespace lwm2m::bridges::mqtt
