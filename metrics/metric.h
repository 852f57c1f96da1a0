#pragma once
// The three kinds of metric the gateway keeps, as cheap as a relaxed atomic
// on the hot path. They carry no name: a Family in registry.h names them and
// gives each series its label values.
//
// Threading contract: every member may be called from any thread at any time
// (the I/O thread, Paho's callback threads, the SQLite writer thread); the
// exposition reads them while they change. A histogram read while it is being
// observed may show a sum that lags its buckets by that one observation.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lwm2m::metrics {

// A count that only grows (Prometheus counter): events, bytes, retries.
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down, set by its owner (Prometheus gauge). Values
// that another part already knows are better read at exposition time
// (Registry::gaugeFunction), which costs nothing between scrapes.
class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into fixed buckets (Prometheus histogram), e.g. latencies
// in seconds. Buckets are upper bounds, inclusive ("le"); +Inf is implied.
class Histogram {
 public:
  // `bounds` strictly increasing and finite (checked by the Registry).
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);

  // NaN is ignored (it has no bucket).
  void observe(double value) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative; last: +Inf
  std::atomic<double> sum_{0.0};
};

// Bucket bounds for latencies in seconds from 1 ms to 5 min (network round
// trips, broker acknowledgements).
std::vector<double> latencyBuckets();
// Bucket bounds for waits in seconds from 10 ms to 1 day (a command for a
// device that sleeps waits until it wakes).
std::vector<double> waitBuckets();

}  // namespace lwm2m::metrics
