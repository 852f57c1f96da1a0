#pragma once
// The figures of one run of a benchmark driver as a small JSON file, for the
// report scripts/bench writes (scripts/bench-report reads it). Written only
// when the environment variable LWM2M_BENCH_JSON names a file; the driver's
// own printed table stays what a user reads at the terminal.
//
//   {"benchmark": "bench_x",
//    "parameters": {"devices": 1000, ...},
//    "load_average": {"start": "1.02", "end": "1.40"},
//    "figures": [{"name": "...", "unit": "ms", "better": "lower",
//                 "gateway": 1.2, "baseline": 0.9}],       // baseline null: none
//    "latency": [{"series": "gateway", "label": "...",     // or "baseline"
//                 "offered_per_s": 1000,                   // null: closed loop
//                 "achieved_per_s": 998, "p50_ms": 1.1, "p99_ms": 3.0}]}
// A figure that could not be measured (NaN) is written as null.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lwm2m::testing {

class BenchReport {
 public:
  static constexpr double kNone = NAN;  // no baseline / closed loop / not measured

  explicit BenchReport(std::string benchmark) : benchmark_(std::move(benchmark)) {}

  void parameter(const std::string& name, double value) { parameters_.push_back(quote(name) + ":" + number(value)); }
  void parameter(const std::string& name, const std::string& value) {
    parameters_.push_back(quote(name) + ":" + quote(value));
  }
  void loadAverage(const std::string& start, const std::string& end) {
    load_ = "{\"start\":" + quote(start) + ",\"end\":" + quote(end) + "}";
  }
  // `better` is "higher" (rates) or "lower" (latencies, losses, CPU).
  void figure(const std::string& name, const std::string& unit, const std::string& better, double gateway,
              double baseline) {
    figures_.push_back("{\"name\":" + quote(name) + ",\"unit\":" + quote(unit) + ",\"better\":" + quote(better) +
                       ",\"gateway\":" + number(gateway) + ",\"baseline\":" + number(baseline) + "}");
  }
  // One point of the rate/latency plot; `gateway` false: the baseline's series.
  void latency(bool gateway, const std::string& label, double offeredPerSecond, double achievedPerSecond,
               double p50Ms, double p99Ms) {
    latency_.push_back(std::string("{\"series\":") + (gateway ? "\"gateway\"" : "\"baseline\"") +
                       ",\"label\":" + quote(label) + ",\"offered_per_s\":" + number(offeredPerSecond) +
                       ",\"achieved_per_s\":" + number(achievedPerSecond) + ",\"p50_ms\":" + number(p50Ms) +
                       ",\"p99_ms\":" + number(p99Ms) + "}");
  }

  // Writes the file LWM2M_BENCH_JSON names (nothing when unset); false, with
  // a message on stderr, when it cannot be written.
  bool write() const {
    const char* path = std::getenv("LWM2M_BENCH_JSON");
    if (!path || !*path) return true;
    std::ofstream out(path);
    out << "{\"benchmark\":" << quote(benchmark_) << ",\"parameters\":{" << join(parameters_)
        << "},\"load_average\":" << (load_.empty() ? "null" : load_) << ",\"figures\":[" << join(figures_)
        << "],\"latency\":[" << join(latency_) << "]}\n";
    if (!out) std::fprintf(stderr, "%s: cannot write %s\n", benchmark_.c_str(), path);
    return static_cast<bool>(out);
  }

 private:
  static std::string number(double v) {
    if (!std::isfinite(v)) return "null";
    std::ostringstream s;
    s.precision(9);
    s << v;
    return s.str();
  }
  static std::string quote(const std::string& text) {
    std::string q = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') q += '\\';
      if (static_cast<unsigned char>(c) < 0x20) continue;
      q += c;
    }
    return q + "\"";
  }
  static std::string join(const std::vector<std::string>& items) {
    std::string all;
    for (const auto& item : items) all += (all.empty() ? "" : ",") + item;
    return all;
  }

  std::string benchmark_;
  std::vector<std::string> parameters_;
  std::string load_;
  std::vector<std::string> figures_;
  std::vector<std::string> latency_;
};

}  // namespace lwm2m::testing
