#include "gateway/core/write_backlog_admission.h"

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

WriteBacklogAdmission::WriteBacklogAdmission(std::function<std::size_t()> pendingWrites, Settings settings,
                                             std::function<std::uint32_t()> random)
    : pendingWrites_(std::move(pendingWrites)), settings_(settings), random_(std::move(random)) {}

std::optional<std::chrono::seconds> WriteBacklogAdmission::retryAfter(server::UplinkWork) {
  if (settings_.bound == 0) return std::nullopt;
  const std::size_t pending = pendingWrites_();
  if (!shedding_ && pending > settings_.bound) {
    shedding_ = true;
    shedSinceStart_ = 0;
    spdlog::warn("overload: {} database writes wait for the disk (lwm2m.overload_pending_writes: {}); new "
                 "Registers and Sends are answered 5.03 Service Unavailable with Max-Age {}..{} s until they drain",
                 pending, settings_.bound, settings_.retry.count(), 2 * settings_.retry.count());
  } else if (shedding_ && pending <= settings_.bound * 3 / 4) {
    shedding_ = false;
    spdlog::info("overload over: {} database writes wait; {} Registers and Sends were answered 5.03 meanwhile",
                 pending, shedSinceStart_);
  }
  if (!shedding_) return std::nullopt;
  ++shedSinceStart_;
  const auto spread = static_cast<std::chrono::seconds::rep>(random_() % (settings_.retry.count() + 1));
  return settings_.retry + std::chrono::seconds(spread);
}

}  // namespace lwm2m::gateway
