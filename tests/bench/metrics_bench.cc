// What a metric costs where it is counted, against the baseline of a plain
// (non-atomic) increment measured in the same run, and what one scrape of a
// registry the size of the gateway's costs.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "metrics/registry.h"
#include "metrics/text_format.h"

namespace {

using namespace lwm2m::metrics;

void BM_BaselinePlainIncrement(benchmark::State& state) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    ++n;
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_BaselinePlainIncrement);

void BM_CounterInc(benchmark::State& state) {
  Registry r;
  Counter& c = r.counter("x_total", "h").only();
  for (auto _ : state) c.inc();
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_CounterInc);

void BM_HistogramObserve(benchmark::State& state) {
  Registry r;
  Histogram& h = r.histogram("x_seconds", "h", latencyBuckets()).only();
  double v = 0;
  for (auto _ : state) {
    h.observe(v);
    v = v > 100 ? 0 : v + 0.37;
  }
}
BENCHMARK(BM_HistogramObserve);

// A labelled series looked up for every increment (what a caller that does
// not keep the reference pays).
void BM_LabelledLookupAndInc(benchmark::State& state) {
  Registry r;
  auto& f = r.counter("x_total", "h", {"operation", "outcome"});
  for (const char* op : {"read", "write", "execute", "observe"}) {
    for (const char* outcome : {"success", "timeout", "device_error"}) f.with({op, outcome});
  }
  const LabelValues key{"observe", "success"};
  for (auto _ : state) f.with(key).inc();
}
BENCHMARK(BM_LabelledLookupAndInc);

// About the gateway's /metrics: 150 counter series, 40 gauges, 2 histograms.
void BM_RenderGatewaySizedRegistry(benchmark::State& state) {
  Registry r;
  auto& requests = r.counter("lwm2m_gateway_requests_total", "h", {"operation", "outcome"});
  for (int op = 0; op < 14; ++op) {
    for (int outcome = 0; outcome < 9; ++outcome) {
      requests.with({"op" + std::to_string(op), "outcome" + std::to_string(outcome)}).inc(op * outcome);
    }
  }
  for (int i = 0; i < 40; ++i) {
    r.gaugeFunction("lwm2m_gateway_gauge_" + std::to_string(i), "h", [i] { return i * 1.5; });
  }
  r.histogram("lwm2m_gateway_a_seconds", "h", latencyBuckets()).only().observe(0.2);
  r.histogram("lwm2m_gateway_b_seconds", "h", waitBuckets()).only().observe(20);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = renderText(r);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderGatewaySizedRegistry);

}  // namespace
