#pragma once
// The condition of the gateway's storage (its data directory and database),
// as /health reports it and `storage` events tell its changes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lwm2m::gateway::api {

enum class StorageState {
  Ok,       // room above the reserve and the latest probe write committed
  Full,     // free room below storage.reserve_kb: new commands are refused (storage_full)
  Failing,  // the latest probe write failed (read-only, I/O error, full below the reserve)
  Damaged,  // at start: the database was damaged and moved aside; the gateway started empty
};

// "ok", "full", "failing", "damaged": the "state" in JSON.
std::string_view toString(StorageState state);

struct StorageCondition {
  StorageState state = StorageState::Ok;
  std::string reason;  // what was seen; empty when Ok
  std::optional<std::uint64_t> freeBytes;  // room left for the database, when measured
  std::uint64_t reserveBytes = 0;          // storage.reserve_kb in bytes
  std::string movedTo;                     // Damaged: where the damaged file was kept

  friend bool operator==(const StorageCondition&, const StorageCondition&) = default;
};

// A damaged database the gateway moved aside at start (a health flag until
// the next start).
struct DamagedDatabase {
  std::string movedTo;
  std::string reason;
  std::chrono::system_clock::time_point at;
};

}  // namespace lwm2m::gateway::api
