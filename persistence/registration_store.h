#pragma once
// RegistrationStore: the durable copy of the registrations the LwM2M server
// holds, so that devices need not register again after a gateway restart.
//
// Writes are queued to the database's writer thread and never block; `done`
// runs on that thread after the COMMIT (see write.h). Reads are synchronous,
// see committed data only, and are meant for start-up, before the I/O loop.

#include <cstdint>
#include <string>
#include <vector>

#include "lwm2m/result.h"
#include "persistence/write.h"

namespace lwm2m::persistence {

struct RegistrationRecord {
  std::string endpoint;
  std::string registrationId;
  std::string address;  // "host:port" of the device as last seen
  std::string lwm2mVersion;
  std::string binding;
  bool queueMode = false;
  std::uint32_t lifetimeSeconds = 0;
  std::string smsNumber;
  std::string rootPath;
  std::string objectLinks;  // CoRE link-format text, as registered
  std::int64_t registeredAtMs = 0;  // unix ms
  std::int64_t lastUpdateAtMs = 0;
  std::int64_t expiresAtMs = 0;

  bool operator==(const RegistrationRecord&) const = default;
};

// A registration's times after an Update that changed nothing else.
struct RegistrationRefresh {
  std::string endpoint;
  std::int64_t lastUpdateAtMs = 0;  // unix ms
  std::int64_t expiresAtMs = 0;

  bool operator==(const RegistrationRefresh&) const = default;
};

class RegistrationStore {
 public:
  virtual ~RegistrationStore() = default;

  // Inserts, or replaces every field of the registration of the same endpoint
  // (re-registration). The endpoint's observations are kept: drop them with
  // ObservationStore::removeByEndpoint when the device registers anew.
  // Fails if another endpoint holds the same registrationId.
  virtual void upsert(RegistrationRecord record, WriteCompletion done) = 0;

  // The cheap write for a registration Update: refreshes only the times and
  // the address. An Update that changes the lifetime, binding, SMS number or
  // object links stores the whole record with upsert() instead.
  // Fails if the endpoint has no stored registration.
  virtual void touch(std::string endpoint, std::int64_t lastUpdateAtMs,
                     std::int64_t expiresAtMs, std::string address, WriteCompletion done) = 0;

  // The times of many registrations in one write (lifetime refreshes gathered
  // over a moment). An endpoint that is no longer stored is skipped: it left
  // meanwhile, or its registration could not be stored.
  virtual void refresh(std::vector<RegistrationRefresh> refreshes, WriteCompletion done) = 0;

  // Deregistration or expiry: removes the registration and, with it, its
  // observations. Removing an unknown endpoint succeeds.
  virtual void remove(std::string endpoint, WriteCompletion done) = 0;

  // Every stored registration, ordered by endpoint.
  virtual Result<std::vector<RegistrationRecord>> loadAll() = 0;
};

}  // namespace lwm2m::persistence
