#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "metrics/text_format.h"

namespace lwm2m::metrics {
namespace {

TEST(MetricsRegistry, RefusesNamesPrometheusWouldNotAccept) {
  Registry r;
  EXPECT_THROW(r.counter("9lives_total", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter("has-dash_total", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter("", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter("requests", "a counter ends in _total"), std::invalid_argument);
  EXPECT_THROW(r.gauge("queue_total", "only counters end in _total"), std::invalid_argument);
  EXPECT_THROW(r.counter("x_total", "h", {"le"}), std::invalid_argument);
  EXPECT_THROW(r.counter("x_total", "h", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.counter("x_total", "h", {"a-b"}), std::invalid_argument);
  EXPECT_THROW(r.counter("x_total", "h", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(r.gauge("x", "two\nlines"), std::invalid_argument);
  EXPECT_NO_THROW(r.counter("ns:sub_total", "colons are allowed in metric names"));
}

TEST(MetricsRegistry, RefusesTwoFamiliesWhoseSamplesWouldClash) {
  Registry r;
  r.histogram("wait_seconds", "h", {1, 2});
  EXPECT_THROW(r.gauge("wait_seconds", "h"), std::invalid_argument);
  EXPECT_THROW(r.gauge("wait_seconds_count", "h"), std::invalid_argument);
  EXPECT_THROW(r.gauge("wait_seconds_bucket", "h"), std::invalid_argument);
  r.gauge("depth", "h");
  EXPECT_THROW(r.gaugeFunction("depth", "h", [] { return 1.0; }), std::invalid_argument);
  EXPECT_THROW(r.histogram("depth", "h", {1}), std::invalid_argument);
}

TEST(MetricsRegistry, RefusesBucketBoundsThatAreNotStrictlyIncreasing) {
  Registry r;
  EXPECT_THROW(r.histogram("a_seconds", "h", {1, 1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("b_seconds", "h", {2, 1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("c_seconds", "h", {1, INFINITY}), std::invalid_argument);
}

TEST(MetricsRegistry, ASeriesNeedsOneValuePerLabel) {
  Registry r;
  auto& requests = r.counter("requests_total", "h", {"operation", "outcome"});
  EXPECT_THROW(requests.with({"read"}), std::invalid_argument);
  EXPECT_THROW(requests.only(), std::invalid_argument);
  requests.with({"read", "success"}).inc();
  EXPECT_EQ(&requests.with({"read", "success"}), &requests.with({"read", "success"}));
  EXPECT_EQ(requests.with({"read", "success"}).value(), 1u);
}

TEST(MetricsHistogram, CountsEachObservationInTheFirstBucketItFitsInclusive) {
  Histogram h(std::make_shared<const std::vector<double>>(std::vector<double>{0.1, 1, 10}));
  for (double v : {0.05, 0.1, 0.5, 1.0, 10.0, 11.0, 1e9}) h.observe(v);
  h.observe(NAN);  // ignored
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 5, 7}));
  EXPECT_EQ(s.count, 7u);
  EXPECT_DOUBLE_EQ(s.sum, 0.05 + 0.1 + 0.5 + 1.0 + 10.0 + 11.0 + 1e9);
}

TEST(MetricsRegistry, IncrementsFromSeveralThreadsAreNotLost) {
  Registry r;
  auto& counter = r.counter("events_total", "h", {"kind"});
  auto& histogram = r.histogram("latency_seconds", "h", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Counter& mine = counter.with({t % 2 ? "odd" : "even"});  // looked up concurrently too
      for (int i = 0; i < 50000; ++i) {
        mine.inc();
        histogram.only().observe(i % 2 ? 1.0 : 0.25);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.with({"odd"}).value(), 100000u);
  EXPECT_EQ(counter.with({"even"}).value(), 100000u);
  const auto s = histogram.only().snapshot();
  EXPECT_EQ(s.count, 200000u);
  EXPECT_EQ(s.cumulative[0], 100000u);
  EXPECT_DOUBLE_EQ(s.sum, 100000 * 1.0 + 100000 * 0.25);
}

TEST(MetricsRegistry, ReportedFamiliesAreReadWhenRendered) {
  Registry r;
  double depth = 3;
  r.gaugeFunction("queue_depth", "h", [&depth] { return depth; });
  r.collect(MetricType::Gauge, "devices", "h", {"state"}, [&depth](SampleSink& sink) {
    sink.add({"awake"}, depth * 2);
    sink.add({"asleep"}, 1);
  });
  EXPECT_NE(renderText(r).find("queue_depth 3\n"), std::string::npos);
  depth = 5;
  const std::string text = renderText(r);
  EXPECT_NE(text.find("queue_depth 5\n"), std::string::npos);
  EXPECT_NE(text.find("devices{state=\"awake\"} 10\n"), std::string::npos);
  EXPECT_NE(text.find("devices{state=\"asleep\"} 1\n"), std::string::npos);
  EXPECT_THROW(r.collect(MetricType::Histogram, "h_seconds", "h", {}, [](SampleSink&) {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace lwm2m::metrics
