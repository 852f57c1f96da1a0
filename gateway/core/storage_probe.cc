#include "gateway/core/storage_probe.h"

#include <cmath>

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {
namespace {

std::string secondsAgo(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

StorageProbe::StorageProbe(coap::Scheduler& scheduler, std::chrono::milliseconds interval, Probe probe, Post post)
    : scheduler_(scheduler),
      interval_(interval),
      probe_(std::move(probe)),
      post_(std::move(post)),
      lastCommitSeconds_(NAN) {}

StorageProbe::~StorageProbe() {
  *alive_ = false;
  if (timer_) scheduler_.cancel(timer_);
}

void StorageProbe::start() { probeNow(); }

void StorageProbe::probeNow() {
  timer_ = scheduler_.schedule(interval_, [this] { probeNow(); });
  if (outstandingSince_) {  // the previous one has not come back: do not pile up
    noteState();
    return;
  }
  const std::uint64_t probe = ++sequence_;
  outstandingSince_ = scheduler_.now();
  std::weak_ptr<bool> alive = alive_;
  probe_([this, alive, post = post_, probe](Result<void> result) {
    post([this, alive, probe, result = std::move(result)] {
      if (auto still = alive.lock(); still && *still) onDone(probe, result);
    });
  });
}

void StorageProbe::onDone(std::uint64_t probe, const Result<void>& result) {
  if (probe != sequence_ || !outstandingSince_) return;
  const auto now = scheduler_.now();
  if (result) {
    lastCommitSeconds_ = std::chrono::duration<double>(now - *outstandingSince_).count();
    lastSuccess_ = now;
    lastError_.reset();
  } else {
    ++failures_;
    lastError_ = result.error().message;
  }
  outstandingSince_.reset();
  noteState();
}

bool StorageProbe::overdue() const {
  const auto limit = std::max<std::chrono::steady_clock::duration>(3 * interval_, std::chrono::seconds(10));
  return outstandingSince_ && scheduler_.now() - *outstandingSince_ > limit;
}

bool StorageProbe::writable() const { return lastSuccess_ && !lastError_ && !overdue(); }

std::string StorageProbe::detail() const {
  const auto now = scheduler_.now();
  if (overdue()) return "no probe write committed for " + secondsAgo(now - *outstandingSince_);
  if (lastError_) return "probe write failed: " + *lastError_;
  if (!lastSuccess_) return "no probe write has completed yet";
  return "last probe write committed " + secondsAgo(now - *lastSuccess_) + " ago";
}

std::optional<std::string> StorageProbe::problem() const {
  if (lastError_ || overdue()) return detail();
  return std::nullopt;
}

void StorageProbe::noteState() {
  const bool bad = problem().has_value();
  if (bad && !loggedBad_) {
    spdlog::warn("storage not writable: {}", detail());
  } else if (!bad && loggedBad_) {
    spdlog::info("storage writable again");
  }
  loggedBad_ = bad;
}

}  // namespace lwm2m::gateway
