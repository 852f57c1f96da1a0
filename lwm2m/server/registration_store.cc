#include "lwm2m/server/registration_store.h"

#include "lwm2m/spare_buckets.h"

namespace lwm2m::server {

const Registration* RegistrationStore::findByEndpoint(std::string_view endpoint) const {
  auto it = byEndpoint_.find(endpoint);
  return it == byEndpoint_.end() ? nullptr : &it->second;
}

const Registration* RegistrationStore::findById(std::string_view id) const {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : it->second;
}

const Registration& RegistrationStore::put(Registration reg) {
  auto it = byEndpoint_.find(reg.endpoint);
  if (it != byEndpoint_.end()) {
    byId_.erase(it->second.id);
    it->second = std::move(reg);
  } else {
    it = byEndpoint_.emplace(reg.endpoint, std::move(reg)).first;
  }
  byId_[it->second.id] = &it->second;
  return it->second;
}

Registration* RegistrationStore::findMutable(std::string_view id) {
  return const_cast<Registration*>(findById(id));  // byId_ holds the registrations this store owns
}

std::optional<Registration> RegistrationStore::removeById(std::string_view id) {
  auto idIt = byId_.find(id);
  if (idIt == byId_.end()) return std::nullopt;
  auto it = byEndpoint_.find(idIt->second->endpoint);
  byId_.erase(idIt);  // before the id it views goes
  releaseSpareBuckets(byId_);
  Registration reg = std::move(it->second);
  byEndpoint_.erase(it);
  return reg;
}

void RegistrationStore::forEach(const std::function<void(const Registration&)>& visit) const {
  for (const auto& [endpoint, reg] : byEndpoint_) visit(reg);
}

}  // namespace lwm2m::server
