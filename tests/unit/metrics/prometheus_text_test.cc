// The test parser itself must refuse what Prometheus would refuse, or the
// exposition tests that rely on it could not fail.
#include "tests/support/prometheus_text.h"

#include <gtest/gtest.h>

namespace lwm2m::testing {
namespace {

std::string refusal(const std::string& text) {
  auto result = parsePrometheusText(text);
  EXPECT_FALSE(result.exposition) << "accepted:\n" << text;
  return result.error;
}

TEST(PrometheusTextParser, ReadsAValidDocument) {
  auto r = parsePrometheusText(
      "# a comment\n"
      "# HELP a_total Things \\\\ done\\n twice.\n"
      "# TYPE a_total counter\n"
      "a_total{x=\"1\",y=\"q\\\"\\\\\\n\"} 3 1700000000000\n"
      "a_total{x=\"2\",} 4\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 1\n"
      "h_bucket{le=\"+Inf\"} 2\n"
      "h_sum 3.5\n"
      "h_count 2\n");
  ASSERT_TRUE(r.exposition) << r.error;
  EXPECT_EQ(r.exposition->value("a_total", {{"x", "1"}, {"y", "q\"\\\n"}}), 3);
  EXPECT_EQ(r.exposition->sum("a_total"), 7);
  EXPECT_EQ(r.exposition->families.at("a_total").help, "Things \\ done\n twice.");
}

TEST(PrometheusTextParser, RefusesWhatTheGrammarForbids) {
  EXPECT_EQ(refusal("# TYPE a gauge\na 1"), "the last line does not end with a newline");
  EXPECT_NE(refusal("a 1\n").find("before the TYPE"), std::string::npos);
  EXPECT_NE(refusal("# TYPE 1a gauge\n").find("bad metric name"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na{1x=\"v\"} 1\n").find("bad label name"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na{x=\"\\t\"} 1\n").find("invalid escape"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na{x=\"v} 1\n").find("unterminated"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na{x=\"v\",x=\"w\"} 1\n").find("twice"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na one\n").find("bad value"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na 0x10\n").find("bad value"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na 1\na 2\n").find("twice"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\n# TYPE a gauge\n").find("second TYPE"), std::string::npos);
  EXPECT_NE(refusal("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"y\"} 2\n").find("not together"),
            std::string::npos);
  EXPECT_NE(refusal("# TYPE a fancy\n").find("unknown type"), std::string::npos);
  EXPECT_NE(refusal("# HELP a only help\n").find("HELP without TYPE"), std::string::npos);
}

TEST(PrometheusTextParser, RefusesHistogramsThatDoNotAddUp) {
  const std::string head = "# TYPE h histogram\n";
  EXPECT_NE(refusal(head + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n")
                .find("not cumulative"),
            std::string::npos);
  EXPECT_NE(refusal(head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n")
                .find("differs from _count"),
            std::string::npos);
  EXPECT_NE(refusal(head + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n").find("no +Inf"), std::string::npos);
  EXPECT_NE(refusal(head + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n"
                           "h_count 1\n")
                .find("not increasing"),
            std::string::npos);
  EXPECT_NE(refusal(head + "h_bucket{le=\"+Inf\"} 1\nh_count 1\n").find("lacks"), std::string::npos);
  EXPECT_NE(refusal(head + "h_bucket 1\n").find("without an le"), std::string::npos);
}

}  // namespace
}  // namespace lwm2m::testing
