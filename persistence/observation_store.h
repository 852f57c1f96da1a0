#pragma once
// ObservationStore: the observations the gateway holds on devices, so that
// notifications keep flowing after a restart (their tokens are restored).
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

struct ObservationRecord {
  std::string endpoint;
  std::vector<std::uint8_t> token;
  std::string paths;       // one or more LwM2M paths, newline separated
  std::string attributes;  // JSON text of the observation attributes
  int contentFormat = 0;   // the format the notifications were asked in (Accept)
  std::int64_t createdAtMs = 0;  // unix ms
  // Since schema version 3 (older rows read as "" and false):
  std::string registrationId;  // the registration the observation was made on
  bool composite = false;      // Observe-Composite (FETCH) rather than Observe (GET)

  bool operator==(const ObservationRecord&) const = default;
};

class ObservationStore {
 public:
  virtual ~ObservationStore() = default;

  // Inserts, or replaces the observation with the same (endpoint, paths).
  // Fails if the endpoint has no stored registration: an observation lives
  // only as long as its registration (removing one removes its observations).
  virtual void put(ObservationRecord record, WriteCompletion done) = 0;

  // Cancel: removes the observations carrying this token. Unknown token succeeds.
  virtual void removeByToken(std::vector<std::uint8_t> token, WriteCompletion done) = 0;

  // Removes every observation of the endpoint (on re-registration).
  virtual void removeByEndpoint(std::string endpoint, WriteCompletion done) = 0;

  // Every stored observation, ordered by endpoint then paths.
  virtual Result<std::vector<ObservationRecord>> loadAll() = 0;
};

}  // namespace lwm2m::persistence
