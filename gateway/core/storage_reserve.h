#pragma once
// StorageReserve: keeps a reserve of free room for the gateway database, so
// that a full disk is seen, told and survived instead of failing writes.
//
// Every `interval` it measures the room the database may still take (the
// free space of the data directory's filesystem, or the room below
// storage.max_size_kb when that is smaller) and:
// - becomes Full when the room is below the reserve, and leaves Full once the
//   room is back to at least reserve + reserve/8 (no flapping at the edge).
//   While Full, admit() refuses new work with ErrorCode::StorageFull and the
//   reason; the reserve itself stays for what the gateway must still store
//   (registration updates, results, removals), so SQLite does not fail first;
// - keeps the write-ahead log bounded: a checkpoint that truncates it runs
//   when it is larger than `walLimitBytes`, and while Full whenever it holds
//   anything (its room goes back to the filesystem);
// - is Failing (not Full) while the storage probe's latest write failed
//   (read-only filesystem, I/O errors) or the room cannot be measured.
// Each change of state is logged once (error when it becomes Full or
// Failing, info when it is Ok again) and given to the listener, which
// publishes it as a `storage` event. Recovery needs no restart: the next
// check that sees the room back ends Full.
//
// Threading: the I/O thread only; a checkpoint's completion comes back
// through `post`. Checks stop when the StorageReserve is destroyed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/api/device_events.h"
#include "gateway/api/storage.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway {

// One measurement of the room the database has.
struct SpaceReading {
  std::uint64_t freeBytes = 0;  // room left: the filesystem's, or below the size limit when smaller
  std::uint64_t walBytes = 0;   // the write-ahead log's size now
  std::string limitedBy;        // what bounds freeBytes, e.g. "filesystem of /var/lib/lwm2m-gateway"
};

struct StorageReserveSettings {
  std::uint64_t reserveBytes = 8ULL * 1024 * 1024;
  std::uint64_t walLimitBytes = 4ULL * 1024 * 1024;
  std::chrono::milliseconds interval{1000};
};

class StorageReserve {
 public:
  using Measure = std::function<Result<SpaceReading>()>;
  // Checkpoints the write-ahead log; `done` runs on any thread.
  using Checkpoint = std::function<void(std::function<void(Result<void>)> done)>;
  using Post = std::function<void(std::function<void()>)>;
  // The storage probe's current problem (StorageProbe::problem()), if any.
  using WriteProblem = std::function<std::optional<std::string>()>;
  using Listener = std::function<void(const api::StorageCondition&)>;

  StorageReserve(coap::Scheduler& scheduler, StorageReserveSettings settings, Measure measure,
                 Checkpoint checkpoint, Post post, WriteProblem writeProblem = {});
  ~StorageReserve();
  StorageReserve(const StorageReserve&) = delete;
  StorageReserve& operator=(const StorageReserve&) = delete;

  void setListener(Listener listener) { listener_ = std::move(listener); }
  // Checks now, then every interval.
  void start();
  // One check now (also what the timer runs).
  void check();

  const api::StorageCondition& condition() const { return condition_; }
  bool full() const { return condition_.state == api::StorageState::Full; }
  // Ok unless Full: then StorageFull with the reason (and the refusal counted).
  Result<void> admit();
  // How many bytes files beside the database (firmware packages) may still
  // take without cutting into the reserve, by the latest measurement (the
  // largest value when the room could not be measured); StorageFull with the
  // reason while Full. Not counted as a refusal.
  Result<std::uint64_t> roomAboveReserve() const;

  std::uint64_t refused() const { return refused_; }
  std::uint64_t checkpoints() const { return checkpoints_; }
  std::uint64_t reserveBytes() const { return settings_.reserveBytes; }

 private:
  void checkpointIfNeeded(const SpaceReading& reading);
  void enter(api::StorageCondition next);

  coap::Scheduler& scheduler_;
  StorageReserveSettings settings_;
  Measure measure_;
  Checkpoint checkpoint_;
  Post post_;
  WriteProblem writeProblem_;
  Listener listener_;
  coap::Scheduler::TimerId timer_ = 0;
  api::StorageCondition condition_;
  bool checkpointing_ = false;
  std::uint64_t refused_ = 0;
  std::uint64_t checkpoints_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// "1.5 MiB", "512 KiB", "100 B": sizes in log lines and reasons.
std::string describeBytes(std::uint64_t bytes);

// The `storage` event that tells `condition` (no device: the endpoint is empty).
api::DeviceEvent storageEvent(const api::StorageCondition& condition, std::chrono::system_clock::time_point at);

}  // namespace lwm2m::gateway
