#pragma once
// Keeps the durable copy of the observations in step with the LwM2M server,
// and puts them back after a restart, so notifications keep flowing: the
// device goes on notifying with its token and the restarted gateway still
// recognises it (no RST, no new Observe request, no re-registration).
//
// Contract: listener calls come on the I/O thread and only queue writes (the
// database's writer thread commits them in batches); a failed write is logged,
// it never stops the server. restoreInto() runs at start-up, after the
// registrations have been restored and before the I/O loop.
//
// What is kept: endpoint, registration id, token, the request (Observe or
// Observe-Composite, its paths and attributes) and the format notifications
// were asked in. Not kept: the client profile (it follows from the restored
// registration) and the last Observe sequence (it changes with every
// notification; writing it would cost a write per packet). The first
// notification after a restart is therefore accepted whatever its sequence.

#include <string>
#include <vector>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"
#include "lwm2m/server/observation_registry.h"
#include "lwm2m/server/registration_store.h"
#include "persistence/observation_store.h"

namespace lwm2m::gateway {

persistence::ObservationRecord toRecord(const server::Observation& observation, const coap::Scheduler& clock);
// Fails with a reason naming the bad field (paths, token, format, attributes).
// The result has no client profile and no exchange yet: restore() sets them.
Result<server::Observation> fromRecord(const persistence::ObservationRecord& record);

// Stored notification attributes: the Uri-Query form of the one attribute
// codec ("pmin=10&st=0.5&gt"), or a JSON object as rows before schema 4 kept them.
Result<operations::NotificationAttributes> readStoredAttributes(const std::string& text);

class ObservationPersistence : public server::ObservationListener {
 public:
  ObservationPersistence(persistence::ObservationStore& store, const coap::Scheduler& clock)
      : store_(store), clock_(clock) {}

  struct Restored {
    std::size_t observations = 0;       // back in the registry with their tokens
    std::vector<std::string> dropped;   // "endpoint: why" for each record not restored
  };
  // Puts every stored observation whose registration (same endpoint and
  // registration id) is in `registrations` back into `observations`.
  // Unreadable records and those whose registration is gone are removed from
  // the store and listed in `dropped`. Fails only when the store cannot be read.
  Result<Restored> restoreInto(server::ObservationRegistry& observations,
                               const server::RegistrationStore& registrations);

  void onObservationAdded(const server::Observation& observation) override;
  void onObservationRemoved(const server::Observation& observation, server::ObservationEnd why) override;

 private:
  persistence::ObservationStore& store_;
  const coap::Scheduler& clock_;
};

}  // namespace lwm2m::gateway
