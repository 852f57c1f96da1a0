#pragma once
// Process heap settings for a daemon whose devices come and go (glibc only;
// elsewhere these do nothing).
//
// restartWithoutThreadCaches(argv): first thing in main(), before threads
// run. glibc keeps up to 7 freed chunks of each small size per thread (the
// thread cache, tcache) for reuse, out of reach of malloc_trim: after 10,000
// devices left, the chunks the I/O thread, the store writer and the MQTT
// client's threads kept held 1.5 MB of heap pages resident that were free
// otherwise (measured: heap 3.4 MB resident instead of 1.9 MB; the cost in
// CPU per Update was within this machine's noise). The cache can only be
// turned off before the process starts (GLIBC_TUNABLES), so the gateway
// executes itself again (same process id, same arguments) with
// glibc.malloc.tcache_count=0 added to GLIBC_TUNABLES. It does not when the
// variable already sets tcache_count (the user's choice, or done already),
// when glibc would ignore it (set-user-id or file capabilities), or when its
// executable cannot be executed again (no /proc, the file replaced since):
// the gateway then runs with the caches.
//
// tuneMalloc(): at start, before threads run.
// - glibc gives each thread that contends for the heap an arena of its own
//   (up to 8 per core), and memory freed into one arena is not reused by the
//   others. The gateway has one I/O thread and a few helper threads (store
//   writer, MQTT client): two arenas are enough.
// - The free memory at the top of the helper threads' arena goes back to the
//   system only when it exceeds the trim threshold (malloc_trim does not
//   shrink that arena's top, only the main heap's). glibc raises the
//   threshold each time a large block (a hash table's buckets for 10,000
//   devices) is freed, so after device waves the arena kept up to 1.5 MB of
//   free pages resident. A fixed threshold of 256 KiB stops that (measured:
//   RSS after 10,000 devices expired 17.0–17.5 MB → 16.0–16.2 MB, 15.0–15.2 MB
//   fresh); it also keeps blocks of 128 KiB and more mapped apart, as glibc
//   does until the first such free. Cost, bench_registration_updates six
//   runs each against a 64 MiB threshold: CPU per Update 7.6–8.0 µs against
//   7.7–9.2, registration storms 13.7–16.5k/s against 10.5–16.7k/s (noise
//   only). A trim_threshold the user set in GLIBC_TUNABLES is kept.

// HeapTrim: once `threshold` registrations ended (De-register or expiry)
// since the last trim, it returns the free pages of the heap to the system
// (malloc_trim) `delay` after the last departure, when the wave of
// departures has passed (the events, database writes and MQTT messages
// they caused with it) and the CoAP endpoint's sweep (every 5 s) dropped
// what the devices left. Each further departure postpones the trim by
// `delay`, but not past `maxWait` after the threshold was reached: a trim
// that ran while 10,000 expiries were still being handled left most of
// what they freed resident. Without it the pages that thousands of devices
// used stay resident after they left: the heap is reused, but the system
// does not see it shrink.
//
// Caches that keep memory of their own for what the devices did (SQLite's
// page caches) are asked to give it back first (setCacheRelease): the trim
// runs once they did, on whichever thread tells it. While the gateway still
// works off what the wave left (setQuietCheck: MQTT messages not yet
// acknowledged, database writes queued), the trim waits `delay` more, again
// and again, for up to `busyWait`: a trim before that backlog is freed
// leaves its pages resident (measured: 51 MB instead of 24 MB after 10,000
// devices on a loaded machine).
//
// Threading contract: I/O thread only (registration events and the scheduler).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::gateway {

void restartWithoutThreadCaches(char** argv);
void tuneMalloc();

class HeapTrim : public server::RegistrationListener {
 public:
  HeapTrim(coap::Scheduler& scheduler, std::size_t threshold = 1000,
           std::chrono::milliseconds delay = std::chrono::seconds(6),
           std::chrono::milliseconds maxWait = std::chrono::seconds(30),
           std::chrono::milliseconds busyWait = std::chrono::minutes(10))
      : scheduler_(scheduler), threshold_(threshold), delay_(delay), maxWait_(maxWait), busyWait_(busyWait) {}
  ~HeapTrim() override;
  HeapTrim(const HeapTrim&) = delete;
  HeapTrim& operator=(const HeapTrim&) = delete;

  void onRegistered(const server::Registration&, const server::Registration*) override {}
  void onUpdated(const server::Registration&, const server::RegistrationChanges&) override {}
  void onDeregistered(const server::Registration&) override { departed(); }
  void onExpired(const server::Registration&) override { departed(); }

  // `release(then)` frees what caches hold and calls `then` once done (on any
  // thread); the trim then runs in `then`.
  using CacheRelease = std::function<void(std::function<void()> then)>;
  void setCacheRelease(CacheRelease release) { release_ = std::move(release); }
  // True when nothing the devices caused is still being worked off.
  void setQuietCheck(std::function<bool()> quiet) { quiet_ = std::move(quiet); }

  // Trims done (any thread may have done them).
  std::size_t trims() const { return trims_->load(std::memory_order_relaxed); }

 private:
  void departed();
  void due();

  coap::Scheduler& scheduler_;
  const std::size_t threshold_;
  const std::chrono::milliseconds delay_;
  const std::chrono::milliseconds maxWait_;
  const std::chrono::milliseconds busyWait_;
  std::chrono::steady_clock::time_point armedAt_;  // when the threshold was reached
  std::size_t departures_ = 0;  // since the last trim
  std::shared_ptr<std::atomic<std::size_t>> trims_ = std::make_shared<std::atomic<std::size_t>>(0);
  coap::Scheduler::TimerId timer_ = 0;
  CacheRelease release_;
  std::function<bool()> quiet_;
};

}  // namespace lwm2m::gateway
