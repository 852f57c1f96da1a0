#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, written for
// the tests from the format's grammar (not from our writer), so that /metrics
// is checked by an independent reading:
//  - names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*;
//  - label values in double quotes with only \\, \" and \n escapes;
//  - values as Go's ParseFloat reads them, +Inf, -Inf, NaN; an optional
//    integer timestamp;
//  - every family has its # TYPE before its first sample, at most one HELP and
//    one TYPE, and its samples are not interleaved with another family's;
//  - no series twice;
//  - histograms: each series has _bucket lines with an `le` label in
//    increasing order ending with +Inf, cumulative counts, _sum and _count,
//    and the +Inf bucket equals _count.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lwm2m::testing {

using PromLabels = std::map<std::string, std::string>;

struct PromSample {
  std::string name;  // as written, e.g. "x_bucket"
  PromLabels labels;
  double value = 0;
};

struct PromFamily {
  std::string type;  // "counter", "gauge", "histogram", "summary", "untyped"
  std::string help;
  std::vector<PromSample> samples;
};

struct PromExposition {
  std::map<std::string, PromFamily> families;

  // The value of the sample named `name` with exactly these labels.
  std::optional<double> value(const std::string& name, const PromLabels& labels = {}) const;
  // The sum over every sample named `name` whose labels include `subset`.
  double sum(const std::string& name, const PromLabels& subset = {}) const;
};

// The exposition, or the first problem as "line N: what is wrong".
struct PromParse {
  std::optional<PromExposition> exposition;
  std::string error;
};
PromParse parsePrometheusText(std::string_view text);

}  // namespace lwm2m::testing
