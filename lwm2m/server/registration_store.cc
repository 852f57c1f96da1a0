#include "lwm2m/server/registration_store.h"

#include "lwm2m/spare_buckets.h"

namespace lwm2m::server {

const Registration* RegistrationStore::findByEndpoint(std::string_view endpoint) const {
  auto it = byEndpoint_.find(endpoint);
  return it == byEndpoint_.end() ? nullptr : &it->second;
}

const Registration* RegistrationStore::findById(std::string_view id) const {
  auto it = endpointById_.find(std::string(id));
  return it == endpointById_.end() ? nullptr : findByEndpoint(it->second);
}

const Registration& RegistrationStore::put(Registration reg) {
  auto it = byEndpoint_.find(reg.endpoint);
  if (it != byEndpoint_.end()) {
    endpointById_.erase(it->second.id);
    it->second = std::move(reg);
  } else {
    it = byEndpoint_.emplace(reg.endpoint, std::move(reg)).first;
  }
  endpointById_[it->second.id] = it->second.endpoint;
  return it->second;
}

const Registration* RegistrationStore::modify(std::string_view id,
                                              const std::function<void(Registration&)>& change) {
  auto idIt = endpointById_.find(std::string(id));
  if (idIt == endpointById_.end()) return nullptr;
  auto it = byEndpoint_.find(idIt->second);
  change(it->second);
  return &it->second;
}

std::optional<Registration> RegistrationStore::removeById(std::string_view id) {
  auto idIt = endpointById_.find(std::string(id));
  if (idIt == endpointById_.end()) return std::nullopt;
  auto it = byEndpoint_.find(idIt->second);
  Registration reg = std::move(it->second);
  byEndpoint_.erase(it);
  endpointById_.erase(idIt);
  releaseSpareBuckets(endpointById_);
  return reg;
}

void RegistrationStore::forEach(const std::function<void(const Registration&)>& visit) const {
  for (const auto& [endpoint, reg] : byEndpoint_) visit(reg);
}

}  // namespace lwm2m::server
