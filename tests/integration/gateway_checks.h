#pragma once
// Small checks on a running gateway for integration tests: scratch files
// (configuration, mapping), one metric, waiting for a condition.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>
#include <fstream>
#include <string>

#include "tests/integration/gateway_process.h"
#include "tests/support/prometheus_text.h"

namespace lwm2m::testing {

// A directory of test files, removed with the object.
class ScratchFiles {
 public:
  explicit ScratchFiles(const std::string& prefix)
      : dir_(std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    std::filesystem::create_directories(dir_);
  }
  ~ScratchFiles() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchFiles(const ScratchFiles&) = delete;
  ScratchFiles& operator=(const ScratchFiles&) = delete;

  // Writes (replaces) the file and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary | std::ios::trunc) << text;
    return (dir_ / name).string();
  }
  const std::filesystem::path& path() const { return dir_; }

 private:
  static inline int n_ = 0;
  std::filesystem::path dir_;
};

// The sample `name{labels}` of GET /metrics; -1 when the gateway did not answer or has none.
inline double metricValue(const GatewayProcess& gateway, const std::string& name, const PromLabels& labels = {}) {
  const HttpResponse r = httpGet(gateway.httpUrl("/metrics"));
  if (r.status != 200) return -1;
  auto parsed = parsePrometheusText(r.body);
  if (!parsed.exposition) return -1;
  return parsed.exposition->value(name, labels).value_or(-1);
}

// Polls `condition` every 100 ms until it holds or `timeout` passed.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

}  // namespace lwm2m::testing
