#pragma once
// StorageProbe: proves, every `interval`, that the gateway database still
// commits (persistence::Database::probe), for GET /ready and the
// lwm2m_gateway_storage_* metrics. A disk that is full, read-only or failing
// makes the probe fail; a writer thread that is stuck makes it late.
//
// Contract:
// - writable() is true once the latest probe committed and none is overdue: a
//   probe still running after `3 × interval` (at least 10 s) makes it false
//   (a stuck writer), and no new probe is submitted behind it. Before the
//   first answer the storage is not (yet) known to be writable.
// - Changes are logged once each way (warning when it fails, info when it
//   recovers).
// - I/O thread only; the completion (writer thread) comes back through `post`.
//   Probes stop when the StorageProbe is destroyed; a late completion then
//   does nothing.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway {

class StorageProbe {
 public:
  // Submits one probe write; `done` runs on any thread after its COMMIT.
  using Probe = std::function<void(std::function<void(Result<void>)> done)>;
  using Post = std::function<void(std::function<void()>)>;

  StorageProbe(coap::Scheduler& scheduler, std::chrono::milliseconds interval, Probe probe, Post post);
  ~StorageProbe();
  StorageProbe(const StorageProbe&) = delete;
  StorageProbe& operator=(const StorageProbe&) = delete;

  // The first probe now, then one every interval.
  void start();

  bool writable() const;
  // For the readiness report: "last probe committed 2 s ago", "probe failed: …",
  // "no probe committed for 31 s", "no probe has completed yet".
  std::string detail() const;
  // The detail while the latest probe failed or one is overdue; nullopt
  // otherwise (also before the first answer).
  std::optional<std::string> problem() const;
  std::uint64_t failures() const { return failures_; }
  // Seconds the latest successful probe took to commit (NaN before one did).
  double lastCommitSeconds() const { return lastCommitSeconds_; }

 private:
  void probeNow();
  void onDone(std::uint64_t probe, const Result<void>& result);
  bool overdue() const;
  void noteState();

  coap::Scheduler& scheduler_;
  std::chrono::milliseconds interval_;
  Probe probe_;
  Post post_;
  coap::Scheduler::TimerId timer_ = 0;
  std::uint64_t sequence_ = 0;  // probes submitted
  std::optional<std::chrono::steady_clock::time_point> outstandingSince_;  // a probe not answered yet
  std::optional<std::chrono::steady_clock::time_point> lastSuccess_;
  std::optional<std::string> lastError_;  // the latest answer was this error
  bool loggedBad_ = false;
  std::uint64_t failures_ = 0;
  double lastCommitSeconds_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lwm2m::gateway
