#pragma once
// Keeps the durable copy of the registrations in step with the LwM2M server,
// and puts them back after a restart, so devices need not register again.
//
// Contract: listener calls come on the I/O thread and only queue writes (the
// database's writer thread commits them in batches); a failed write is logged,
// it never stops the server. restoreInto() runs at start-up, before the I/O loop.
//
// Register, De-register, expiry, a rebinding and an Update that changes
// anything but the lifetime deadline (lifetime, binding, object links, the
// device's address, ...) are stored at once, in the order they happened. An
// Update that only refreshes the deadline is gathered for up to
// `refreshDelay` with the others of that moment and stored in one write: the
// registration is stored already (since its Register), and a restart within
// that moment finds it with its previous deadline, at most `refreshDelay`
// older. flush() stores what is gathered now (before the database closes).

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"
#include "lwm2m/server/registration_interface.h"
#include "persistence/registration_store.h"

namespace lwm2m::gateway {

persistence::RegistrationRecord toRecord(const server::Registration& reg, const coap::Scheduler& clock);
// Fails with a reason when the stored address or object links do not parse.
Result<server::Registration> fromRecord(const persistence::RegistrationRecord& record,
                                        const coap::Scheduler& clock);

class RegistrationPersistence : public server::RegistrationListener {
 public:
  RegistrationPersistence(persistence::RegistrationStore& store, coap::Scheduler& clock,
                          std::chrono::milliseconds refreshDelay = std::chrono::seconds(1))
      : store_(store), clock_(clock), refreshDelay_(refreshDelay) {}
  ~RegistrationPersistence();
  RegistrationPersistence(const RegistrationPersistence&) = delete;
  RegistrationPersistence& operator=(const RegistrationPersistence&) = delete;

  struct Restored {
    std::size_t registrations = 0;                  // back in the server with their remaining lifetime
    std::vector<server::Registration> expired;      // lifetime ran out while the gateway was down
    std::vector<std::string> unreadable;            // records that could not be restored, with why
  };
  // Loads every stored registration into `rd`. Expired and unreadable records
  // are removed from the store.
  Result<Restored> restoreInto(server::RegistrationInterface& rd);

  void onRegistered(const server::Registration& reg, const server::Registration* replaced) override;
  void onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) override;
  void onDeregistered(const server::Registration& reg) override;
  void onExpired(const server::Registration& reg) override;
  // A new address (NAT rebinding) is stored at once, like an Update that changes it.
  void onRebound(const server::Registration& reg) override { store(reg, "update"); }

  // Queues the gathered lifetime refreshes as one write now.
  void flush();
  std::size_t gatheredRefreshes() const { return refreshes_.size(); }

 private:
  struct Refresh {
    std::int64_t lastUpdateAtMs = 0;
    std::int64_t expiresAtMs = 0;
  };
  void store(const server::Registration& reg, const char* what);

  persistence::RegistrationStore& store_;
  coap::Scheduler& clock_;
  const std::chrono::milliseconds refreshDelay_;
  std::unordered_map<std::string, Refresh> refreshes_;  // by endpoint
  coap::Scheduler::TimerId flushTimer_ = 0;
};

}  // namespace lwm2m::gateway
