#pragma once
// The versioned schema of gateway.db.
//
// The version lives in PRAGMA user_version; the file is marked as ours with
// PRAGMA application_id. Migrations are ordered; each runs in its own
// transaction together with the user_version bump, so a crash leaves the file
// at the previous version or the next one, never between. A file written by a
// newer gateway (higher version) is refused rather than guessed at.

#include <cstdint>

#include "lwm2m/result.h"
#include "persistence/connection.h"

namespace lwm2m::persistence {

// 1: registrations and observations. 2: queued requests and the MQTT outbox.
// 3: an observation's registration id and kind (single or composite).
// 4: the queue's own row format, MQTT 5 properties. 5: the webhook outbox.
// 6: whether a queued request's "queued" answer was written.
inline constexpr int kSchemaVersion = 6;
inline constexpr std::int32_t kApplicationId = 0x4C4D3247;  // "LM2G"

// Brings the database behind `connection` up to kSchemaVersion. Returns the
// version found before migrating. Errors name the file and the cause.
Result<int> migrateSchema(Connection& connection);

}  // namespace lwm2m::persistence
