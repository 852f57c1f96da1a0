#pragma once
// Keeps the durable copy of the registrations in step with the LwM2M server,
// and puts them back after a restart, so devices need not register again.
//
// Contract: listener calls come on the I/O thread and only queue writes (the
// database's writer thread commits them in batches); a failed write is logged,
// it never stops the server. restoreInto() runs at start-up, before the I/O loop.

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
  RegistrationPersistence(persistence::RegistrationStore& store, const coap::Scheduler& clock)
      : store_(store), clock_(clock) {}

  struct Restored {
    std::size_t registrations = 0;                  // back in the server with their remaining lifetime
    std::vector<server::Registration> expired;      // lifetime ran out while the gateway was down
    std::vector<std::string> unreadable;            // records that could not be restored, with why
  };
  // Loads every stored registration into `rd`. Expired and unreadable records
  // are removed from the store.
  Result<Restored> restoreInto(server::RegistrationInterface& rd);

  void onRegistered(const server::Registration& reg, const server::Registration* replaced) override;
  void onUpdated(const server::Registration& reg) override;
  void onDeregistered(const server::Registration& reg) override;
  void onExpired(const server::Registration& reg) override;
  // A new address (NAT rebinding) is stored like an Update.
  void onRebound(const server::Registration& reg) override { onUpdated(reg); }

 private:
  persistence::RegistrationStore& store_;
  const coap::Scheduler& clock_;
};

}  // namespace lwm2m::gateway
