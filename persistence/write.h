#pragma once
// What a write submitted to the store reports back, and the writer's counters.

#include <cstdint>
#include <functional>

#include "lwm2m/result.h"

namespace lwm2m::persistence {

// Runs on the store's writer thread, after the COMMIT of the transaction that
// holds the write (or with the error that stopped it). Keep it short and never
// block in it: post the result into your own executor. A promise to the cloud
// ("queued", "accepted") may be made from here, not before. Exceptions thrown
// by a completion are swallowed so that one caller cannot stop the writer.
// An empty completion is allowed (nobody waits for that write).
using WriteCompletion = std::function<void(Result<void>)>;

// Counters of the writer thread since the database was opened. A batch is
// counted when its transaction ends, just before its completions run.
struct WriterStats {
  std::uint64_t submitted = 0;     // writes accepted by submit()
  std::uint64_t completed = 0;     // writes finished, committed or failed
  std::uint64_t failed = 0;        // writes finished with an error
  std::uint64_t transactions = 0;  // COMMITs attempted: one per batch
  std::uint64_t largestBatch = 0;  // most writes in one transaction
  std::uint64_t pending = 0;       // submitted, not yet finished
};

}  // namespace lwm2m::persistence
