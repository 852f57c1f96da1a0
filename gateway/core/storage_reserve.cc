#include "gateway/core/storage_reserve.h"

#include <limits>

#include <cstdio>

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

using api::StorageState;

std::string describeBytes(std::uint64_t bytes) {
  char text[32];
  if (bytes >= 1024ULL * 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  } else if (bytes >= 1024ULL * 1024) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024));
  } else if (bytes >= 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  }
  return text;
}

api::DeviceEvent storageEvent(const api::StorageCondition& condition, std::chrono::system_clock::time_point at) {
  api::DeviceEvent event;
  event.kind = api::DeviceEventKind::Storage;
  event.at = at;
  event.reason = condition.reason;
  event.storage = condition;
  return event;
}

StorageReserve::StorageReserve(coap::Scheduler& scheduler, StorageReserveSettings settings, Measure measure,
                               Checkpoint checkpoint, Post post, WriteProblem writeProblem)
    : scheduler_(scheduler),
      settings_(settings),
      measure_(std::move(measure)),
      checkpoint_(std::move(checkpoint)),
      post_(std::move(post)),
      writeProblem_(std::move(writeProblem)) {
  condition_.reserveBytes = settings_.reserveBytes;
}

StorageReserve::~StorageReserve() {
  *alive_ = false;
  if (timer_) scheduler_.cancel(timer_);
}

void StorageReserve::start() {
  check();
}

void StorageReserve::check() {
  if (timer_) scheduler_.cancel(timer_);
  timer_ = scheduler_.schedule(settings_.interval, [this] {
    timer_ = 0;
    check();
  });

  api::StorageCondition next;
  next.reserveBytes = settings_.reserveBytes;
  Result<SpaceReading> reading = measure_();
  if (!reading) {
    next.state = StorageState::Failing;
    next.reason = "cannot measure the free room: " + reading.error().message;
    enter(std::move(next));
    return;
  }
  next.freeBytes = reading->freeBytes;
  const std::uint64_t reserve = settings_.reserveBytes;
  const std::uint64_t needed = full() ? reserve + reserve / 8 : reserve;
  if (reading->freeBytes < needed) {
    next.state = StorageState::Full;
    next.reason = "free room " + describeBytes(reading->freeBytes) + " (" + reading->limitedBy +
                  ") is below the reserve of " + describeBytes(reserve) +
                  " (storage.reserve_kb); new commands are refused until room returns";
  } else if (auto problem = writeProblem_ ? writeProblem_() : std::nullopt) {
    next.state = StorageState::Failing;
    next.reason = *problem;
  }
  enter(std::move(next));
  checkpointIfNeeded(*reading);
}

void StorageReserve::checkpointIfNeeded(const SpaceReading& reading) {
  const bool large = reading.walBytes > settings_.walLimitBytes;
  if (checkpointing_ || !checkpoint_ || !(large || (full() && reading.walBytes > 0))) return;
  checkpointing_ = true;
  ++checkpoints_;
  std::weak_ptr<bool> alive = alive_;
  checkpoint_([this, alive, post = post_](Result<void> done) {
    post([this, alive, done = std::move(done)] {
      auto still = alive.lock();
      if (!still || !*still) return;
      checkpointing_ = false;
      if (!done) spdlog::debug("write-ahead log checkpoint: {}", done.error().message);
    });
  });
}

void StorageReserve::enter(api::StorageCondition next) {
  const StorageState before = condition_.state;
  condition_ = std::move(next);
  if (condition_.state == before) return;
  if (condition_.state == StorageState::Ok) {
    spdlog::info("storage ok again ({} free, reserve {}): new commands are accepted",
                 condition_.freeBytes ? describeBytes(*condition_.freeBytes) : std::string("unknown"),
                 describeBytes(settings_.reserveBytes));
  } else {
    spdlog::error("storage {}: {}", api::toString(condition_.state), condition_.reason);
  }
  if (listener_) listener_(condition_);
}

Result<std::uint64_t> StorageReserve::roomAboveReserve() const {
  if (full()) return fail(ErrorCode::StorageFull, "storage full: " + condition_.reason);
  if (!condition_.freeBytes) return std::numeric_limits<std::uint64_t>::max();
  return *condition_.freeBytes > settings_.reserveBytes ? *condition_.freeBytes - settings_.reserveBytes : 0;
}

Result<void> StorageReserve::admit() {
  if (!full()) return {};
  ++refused_;
  return fail(ErrorCode::StorageFull, "storage full: " + condition_.reason);
}

}  // namespace lwm2m::gateway
