#include "gateway/core/store_failure.h"

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

persistence::WriteCompletion logStoreFailure(std::string what, std::string endpoint) {
  return [what = std::move(what), endpoint = std::move(endpoint)](Result<void> r) {
    if (!r) spdlog::error("cannot store {} of device {}: {}", what, endpoint, r.error().message);
  };
}

}  // namespace lwm2m::gateway
