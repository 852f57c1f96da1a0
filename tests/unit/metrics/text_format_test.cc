// The exposition as Prometheus reads it: every rendering here is read back by
// the independent parser of tests/support/prometheus_text.h.
#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "metrics/process_metrics.h"
#include "tests/support/prometheus_text.h"

namespace lwm2m::metrics {
namespace {

using testing::parsePrometheusText;
using testing::PromExposition;

PromExposition parsed(const std::string& text) {
  auto result = parsePrometheusText(text);
  EXPECT_TRUE(result.exposition) << result.error << "\n" << text;
  return result.exposition.value_or(PromExposition{});
}

TEST(MetricsTextFormat, ASmallRegistryRendersExactly) {
  Registry r;
  auto& requests = r.counter("gw_requests_total", "Requests by operation.", {"operation"});
  requests.with({"read"}).inc(3);
  requests.with({"execute"}).inc();
  r.gaugeFunction("gw_queue_depth", "Waiting requests.", [] { return 2.5; });
  auto& latency = r.histogram("gw_latency_seconds", "Round trip.", {0.1, 1});
  latency.only().observe(0.05);
  latency.only().observe(0.5);
  EXPECT_EQ(renderText(r),
            "# HELP gw_requests_total Requests by operation.\n"
            "# TYPE gw_requests_total counter\n"
            "gw_requests_total{operation=\"execute\"} 1\n"
            "gw_requests_total{operation=\"read\"} 3\n"
            "# HELP gw_queue_depth Waiting requests.\n"
            "# TYPE gw_queue_depth gauge\n"
            "gw_queue_depth 2.5\n"
            "# HELP gw_latency_seconds Round trip.\n"
            "# TYPE gw_latency_seconds histogram\n"
            "gw_latency_seconds_bucket{le=\"0.1\"} 1\n"
            "gw_latency_seconds_bucket{le=\"1\"} 2\n"
            "gw_latency_seconds_bucket{le=\"+Inf\"} 2\n"
            "gw_latency_seconds_sum 0.55\n"
            "gw_latency_seconds_count 2\n");
}

TEST(MetricsTextFormat, LabelValuesAndHelpSurviveEscaping) {
  Registry r;
  const std::string nasty = "back\\slash \"quoted\"\nnew line, {braces} = ok";
  r.counter("gw_odd_total", "Help with a \\ backslash.", {"value"}).with({nasty}).inc(7);
  r.gauge("gw_utf8", "Grad \xC2\xB0" "C", {"unit"}).with({"\xC2\xB0" "C"}).set(-1.5);
  const auto e = parsed(renderText(r));
  EXPECT_EQ(e.value("gw_odd_total", {{"value", nasty}}), 7);
  EXPECT_EQ(e.families.at("gw_odd_total").help, "Help with a \\ backslash.");
  EXPECT_EQ(e.value("gw_utf8", {{"unit", "\xC2\xB0" "C"}}), -1.5);
  EXPECT_EQ(escapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escapeHelp("a\\b\nc\"d"), "a\\\\b\\nc\"d");
}

TEST(MetricsTextFormat, SpecialAndExtremeValuesReadBackExactly) {
  Registry r;
  r.gaugeFunction("gw_nan", "h", [] { return NAN; });
  r.gaugeFunction("gw_pos_inf", "h", [] { return INFINITY; });
  r.gaugeFunction("gw_neg_inf", "h", [] { return -INFINITY; });
  r.gaugeFunction("gw_tiny", "h", [] { return 1e-300; });
  r.gaugeFunction("gw_third", "h", [] { return 1.0 / 3.0; });
  r.counter("gw_big_total", "h").only().inc(9007199254740992ULL);  // 2^53
  const auto e = parsed(renderText(r));
  EXPECT_TRUE(std::isnan(*e.value("gw_nan")));
  EXPECT_EQ(e.value("gw_pos_inf"), INFINITY);
  EXPECT_EQ(e.value("gw_neg_inf"), -INFINITY);
  EXPECT_EQ(e.value("gw_tiny"), 1e-300);
  EXPECT_EQ(e.value("gw_third"), 1.0 / 3.0);
  EXPECT_EQ(e.value("gw_big_total"), 9007199254740992.0);
  EXPECT_EQ(formatValue(42), "42");
  EXPECT_EQ(formatValue(0.25), "0.25");
}

TEST(MetricsTextFormat, HistogramsWithLabelsAreCumulativeAndEndAtCount) {
  Registry r;
  auto& h = r.histogram("gw_wait_seconds", "h", waitBuckets(), {"operation"});
  for (int i = 0; i < 100; ++i) h.with({"read"}).observe(i * 0.37);
  h.with({"write"}).observe(1e7);  // beyond every bound: +Inf only
  h.with({"empty"});
  const auto e = parsed(renderText(r));  // the parser checks cumulative buckets and +Inf == _count
  EXPECT_EQ(e.value("gw_wait_seconds_count", {{"operation", "read"}}), 100);
  EXPECT_EQ(e.value("gw_wait_seconds_bucket", {{"operation", "write"}, {"le", "+Inf"}}), 1);
  EXPECT_EQ(e.value("gw_wait_seconds_bucket", {{"operation", "write"}, {"le", "86400"}}), 0);
  EXPECT_EQ(e.value("gw_wait_seconds_count", {{"operation", "empty"}}), 0);
  EXPECT_EQ(e.value("gw_wait_seconds_bucket", {{"operation", "read"}, {"le", "1"}}), 3);  // 0, 0.37, 0.74
}

// Field 24 (rss, pages) of /proc/self/stat, as the process metrics read it.
long residentPagesInProcStat() {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 24 && fields >> field; ++i) {
    if (i == 24) return std::atol(field.c_str());
  }
  return 0;
}

TEST(MetricsTextFormat, ProcessMetricsHaveTheirUsualNamesAndPlausibleValues) {
  Registry r;
  const auto started = std::chrono::system_clock::now();
  addProcessMetrics(r, started);
  const auto e = parsed(renderText(r));
  const double now = std::chrono::duration<double>(started.time_since_epoch()).count();
  EXPECT_NEAR(*e.value("process_start_time_seconds"), now, 1.5);
  // qemu-user (the arm64 cross test) leaves rss in /proc/self/stat at 0: check
  // against what the kernel reports there, not against the machine.
  if (residentPagesInProcStat() > 0) {
    EXPECT_GT(*e.value("process_resident_memory_bytes"), 100000);
  }
  EXPECT_GE(*e.value("process_cpu_seconds_total"), 0);
  EXPECT_GE(*e.value("process_open_fds"), 3);  // stdin, stdout, stderr at least
  EXPECT_EQ(e.families.at("process_cpu_seconds_total").type, "counter");
}

TEST(MetricsTextFormat, AnEmptyRegistryIsAnEmptyDocument) {
  Registry r;
  EXPECT_EQ(renderText(r), "");
  EXPECT_TRUE(parsePrometheusText("").exposition);
}

}  // namespace
}  // namespace lwm2m::metrics
