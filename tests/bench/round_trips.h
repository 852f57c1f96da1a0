#pragma once
// Round trips measured by a closed-loop load: each of `concurrency` clients
// sends its next request when the previous answer has arrived. Only round
// trips started after the warm-up and finished within the window count.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lwm2m::testing {

struct LoadShape {
  int concurrency = 1;
  int depth = 1;  // requests a client sends at once (HTTP pipelining) before it reads their answers
  std::chrono::milliseconds warmup{500};
  std::chrono::milliseconds window{3000};
};

// What client `client` asks for in its `n`-th request (a URL target, an endpoint).
using TargetOf = std::function<std::string(int client, std::uint64_t n)>;

struct RoundTrips {
  std::vector<double> seconds;  // one per answered round trip in the window
  std::size_t answered = 0;     // every success, also in the warm-up and after the window
  std::size_t failures = 0;     // answers that were not the expected success
  std::string firstFailure;     // what the first of them said
  double windowSeconds = 0;

  double perSecond() const { return windowSeconds > 0 ? static_cast<double>(seconds.size()) / windowSeconds : 0; }
};

// The p-quantile (0..1) of `v` (0 when empty).
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace lwm2m::testing
