#include "bridges/backoff.h"

#include <algorithm>

namespace lwm2m::bridges {

std::chrono::milliseconds retryDelay(unsigned attempt, std::chrono::milliseconds min,
                                     std::chrono::milliseconds max, double random01) {
  double delay = static_cast<double>(min.count());
  for (unsigned i = 1; i < attempt && delay < static_cast<double>(max.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(max.count()));
  const double factor = 0.5 + 0.5 * std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(delay * factor)));
}

}  // namespace lwm2m::bridges
