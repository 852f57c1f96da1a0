#include "gateway/core/backlog_admission.h"

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

BacklogAdmission::BacklogAdmission(Backlog backlog, Settings settings, std::function<std::uint32_t()> random)
    : backlog_(std::move(backlog)), settings_(settings), random_(std::move(random)) {}

std::optional<std::chrono::seconds> BacklogAdmission::retryAfter(server::UplinkWork) {
  if (settings_.bound == 0) return std::nullopt;
  const std::size_t backlog = backlog_.measure();
  if (!shedding_ && backlog > settings_.bound) {
    shedding_ = true;
    shedSinceStart_ = 0;
    spdlog::warn("overload: {} {} ({}: {}); new Registers and Sends are answered 5.03 Service Unavailable with "
                 "Max-Age {}..{} s until that drains",
                 backlog, backlog_.what, backlog_.setting, settings_.bound, settings_.retry.count(),
                 2 * settings_.retry.count());
  } else if (shedding_ && backlog <= settings_.bound * 3 / 4) {
    shedding_ = false;
    spdlog::info("overload over: {} {}; {} Registers and Sends were answered 5.03 meanwhile", backlog,
                 backlog_.what, shedSinceStart_);
  }
  if (!shedding_) return std::nullopt;
  ++shedSinceStart_;
  const auto spread = static_cast<std::chrono::seconds::rep>(random_() % (settings_.retry.count() + 1));
  return settings_.retry + std::chrono::seconds(spread);
}

}  // namespace lwm2m::gateway
