#pragma once
// The registrations the server holds, indexed by endpoint name and by
// registration id. Plain in-memory index; owned and mutated on the I/O thread.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lwm2m/server/registration.h"

namespace lwm2m::server {

class RegistrationStore {
 public:
  const Registration* findByEndpoint(std::string_view endpoint) const;
  const Registration* findById(std::string_view id) const;
  bool containsId(std::string_view id) const { return findById(id) != nullptr; }
  std::size_t size() const { return byEndpoint_.size(); }

  // Inserts or replaces the registration of reg.endpoint; returns the stored one.
  const Registration& put(Registration reg);
  // Applies `change` to the registration with this id; returns it, or nullptr if unknown.
  // The change must not alter endpoint or id. (A template: called on every
  // Update, where a std::function would allocate for the caller's lambda.)
  template <class Change>
  const Registration* modify(std::string_view id, Change&& change) {
    Registration* reg = findMutable(id);
    if (reg != nullptr) change(*reg);
    return reg;
  }
  // Removes and returns the registration with this id, if any.
  std::optional<Registration> removeById(std::string_view id);

  // Visits every registration in endpoint order.
  void forEach(const std::function<void(const Registration&)>& visit) const;

 private:
  Registration* findMutable(std::string_view id);

  std::map<std::string, Registration, std::less<>> byEndpoint_;
  // Registration id -> the registration in byEndpoint_. The key views the
  // registration's own id: a map node stays where it is, so both hold until
  // the registration is erased or replaced, when the entry goes first. One
  // hash lookup per Update, and no second copy of the endpoint name.
  std::unordered_map<std::string_view, Registration*> byId_;
};

}  // namespace lwm2m::server
