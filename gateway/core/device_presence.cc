#include "gateway/core/device_presence.h"

#include "lwm2m/spare_buckets.h"

namespace lwm2m::gateway {

DevicePresence::DevicePresence(coap::Scheduler& scheduler, std::chrono::milliseconds awakeWindow)
    : scheduler_(scheduler), window_(awakeWindow) {}

DevicePresence::~DevicePresence() {
  for (auto& [endpoint, device] : devices_) {
    if (device.sleepTimer) scheduler_.cancel(device.sleepTimer);
  }
}

void DevicePresence::registered(const std::string& endpoint, bool queueMode) {
  Device& device = devices_[endpoint];
  device.queueMode = queueMode;
  wake(endpoint, device);
}

void DevicePresence::uplink(const std::string& endpoint, std::optional<bool> queueMode) {
  auto it = devices_.find(endpoint);
  if (it == devices_.end()) return;
  if (queueMode) it->second.queueMode = *queueMode;
  wake(endpoint, it->second);
}

void DevicePresence::requestTimedOut(const std::string& endpoint) {
  auto it = devices_.find(endpoint);
  if (it == devices_.end() || !it->second.queueMode) return;
  sleep(endpoint, it->second);
}

void DevicePresence::forget(const std::string& endpoint) {
  auto it = devices_.find(endpoint);
  if (it == devices_.end()) return;
  if (it->second.sleepTimer) scheduler_.cancel(it->second.sleepTimer);
  devices_.erase(it);
  releaseSpareBuckets(devices_);
}

bool DevicePresence::isReachable(std::string_view endpoint) const {
  auto it = devices_.find(std::string(endpoint));
  return it != devices_.end() && (!it->second.queueMode || it->second.awake);
}

bool DevicePresence::isQueueMode(std::string_view endpoint) const {
  auto it = devices_.find(std::string(endpoint));
  return it != devices_.end() && it->second.queueMode;
}

void DevicePresence::wake(const std::string& endpoint, Device& device) {
  if (device.sleepTimer) {
    scheduler_.cancel(device.sleepTimer);
    device.sleepTimer = 0;
  }
  if (!device.queueMode) {
    device.awake = true;
    return;
  }
  device.sleepTimer = scheduler_.schedule(window_, [this, endpoint] {
    auto it = devices_.find(endpoint);
    if (it == devices_.end()) return;
    it->second.sleepTimer = 0;
    sleep(endpoint, it->second);
  });
  if (!device.awake) {
    device.awake = true;
    for (PresenceListener* l : listeners_) l->onAwake(endpoint);
  }
}

void DevicePresence::sleep(const std::string& endpoint, Device& device) {
  if (device.sleepTimer) {
    scheduler_.cancel(device.sleepTimer);
    device.sleepTimer = 0;
  }
  if (!device.awake) return;
  device.awake = false;
  for (PresenceListener* l : listeners_) l->onAsleep(endpoint);
}

}  // namespace lwm2m::gateway
