#include "metrics/registry.h"

#include <cmath>
#include <set>
#include <stdexcept>

namespace lwm2m::metrics {
namespace {

bool nameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

// The names of the sample lines a family writes.
std::vector<std::string> sampleNames(const FamilyBase& family) {
  if (family.type() != MetricType::Histogram) return {family.name()};
  return {family.name() + "_bucket", family.name() + "_sum", family.name() + "_count"};
}

template <class Metric>
std::unique_ptr<Metric> makeMetric(const std::shared_ptr<const std::vector<double>>& bounds) {
  if constexpr (std::is_same_v<Metric, Histogram>) {
    return std::make_unique<Histogram>(bounds);
  } else {
    (void)bounds;
    return std::make_unique<Metric>();
  }
}

class FunctionFamily final : public FamilyBase {
 public:
  FunctionFamily(std::string name, std::string help, MetricType type, std::vector<std::string> labelNames,
                 std::function<void(SampleSink&)> report)
      : FamilyBase(std::move(name), std::move(help), type, std::move(labelNames)), report_(std::move(report)) {}

  void write(SampleWriter& out) const override {
    SampleSink sink(labelNames().size());
    report_(sink);
    for (const auto& [labels, value] : sink.samples()) out.sample("", labels, value);
  }

 private:
  std::function<void(SampleSink&)> report_;
};

}  // namespace

std::string_view toString(MetricType type) {
  switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}

bool isValidMetricName(std::string_view name) {
  if (name.empty() || !(nameStart(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(nameStart(c) || digit(c) || c == ':')) return false;
  }
  return true;
}

bool isValidLabelName(std::string_view name) {
  if (name.empty() || !nameStart(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!(nameStart(c) || digit(c))) return false;
  }
  return true;
}

void FamilyBase::checkArity(const LabelValues& values) const {
  if (values.size() != labelNames_.size()) {
    throw std::invalid_argument("metric " + name_ + ": " + std::to_string(values.size()) +
                                " label values for " + std::to_string(labelNames_.size()) + " labels");
  }
}

template <class Metric>
Metric& Family<Metric>::with(const LabelValues& values) {
  checkArity(values);
  std::lock_guard lock(mutex_);
  auto& slot = series_[values];
  if (!slot) slot = makeMetric<Metric>(bounds_);
  return *slot;
}

template <>
void Family<Counter>::write(SampleWriter& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, counter] : series_) out.sample("", labels, static_cast<double>(counter->value()));
}

template <>
void Family<Gauge>::write(SampleWriter& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, gauge] : series_) out.sample("", labels, gauge->value());
}

template <>
void Family<Histogram>::write(SampleWriter& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, histogram] : series_) {
    const Histogram::Snapshot s = histogram->snapshot();
    const auto& bounds = histogram->bounds();
    const double inf = INFINITY;
    for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
      out.sample("_bucket", labels, static_cast<double>(s.cumulative[i]), i < bounds.size() ? &bounds[i] : &inf);
    }
    out.sample("_sum", labels, s.sum);
    out.sample("_count", labels, static_cast<double>(s.count));
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void SampleSink::add(LabelValues labels, double value) {
  if (labels.size() != arity_) {
    throw std::invalid_argument("metric sample with " + std::to_string(labels.size()) + " label values for " +
                                std::to_string(arity_) + " labels");
  }
  samples_.emplace_back(std::move(labels), value);
}

void Registry::check(const FamilyBase& f) const {
  const std::string& name = f.name();
  if (!isValidMetricName(name)) throw std::invalid_argument("invalid metric name '" + name + "'");
  const bool total = name.ends_with("_total");
  if (f.type() == MetricType::Counter && !total) {
    throw std::invalid_argument("counter " + name + ": a counter's name ends in _total");
  }
  if (f.type() != MetricType::Counter && total) {
    throw std::invalid_argument("metric " + name + ": only counters end in _total");
  }
  if (f.help().find('\n') != std::string::npos) {
    throw std::invalid_argument("metric " + name + ": help text on one line");
  }
  std::set<std::string_view> seen;
  for (const std::string& label : f.labelNames()) {
    if (!isValidLabelName(label) || label == "le" || label == "quantile") {
      throw std::invalid_argument("metric " + name + ": invalid label name '" + label + "'");
    }
    if (!seen.insert(label).second) {
      throw std::invalid_argument("metric " + name + ": label '" + label + "' twice");
    }
  }
  for (const auto& other : families_) {
    for (const std::string& mine : sampleNames(f)) {
      for (const std::string& theirs : sampleNames(*other)) {
        if (mine == theirs || mine == other->name() || theirs == name) {
          throw std::invalid_argument("metric " + name + " clashes with " + other->name());
        }
      }
    }
  }
}

template <class F>
F& Registry::add(std::unique_ptr<F> family) {
  std::lock_guard lock(mutex_);
  check(*family);
  F& added = *family;
  families_.push_back(std::move(family));
  return added;
}

Family<Counter>& Registry::counter(std::string name, std::string help, std::vector<std::string> labelNames) {
  const bool plain = labelNames.empty();
  auto& family = add(std::make_unique<Family<Counter>>(std::move(name), std::move(help), MetricType::Counter,
                                                       std::move(labelNames)));
  if (plain) family.only();  // shown as 0 from the start
  return family;
}

Family<Gauge>& Registry::gauge(std::string name, std::string help, std::vector<std::string> labelNames) {
  const bool plain = labelNames.empty();
  auto& family = add(
      std::make_unique<Family<Gauge>>(std::move(name), std::move(help), MetricType::Gauge, std::move(labelNames)));
  if (plain) family.only();
  return family;
}

Family<Histogram>& Registry::histogram(std::string name, std::string help, std::vector<double> bounds,
                                       std::vector<std::string> labelNames) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw std::invalid_argument("histogram " + name + ": bucket bounds must be finite and strictly increasing");
    }
  }
  const bool plain = labelNames.empty();
  auto& family = add(std::make_unique<Family<Histogram>>(
      std::move(name), std::move(help), MetricType::Histogram, std::move(labelNames),
      std::make_shared<const std::vector<double>>(std::move(bounds))));
  if (plain) family.only();
  return family;
}

void Registry::counterFunction(std::string name, std::string help, std::function<double()> read) {
  collect(MetricType::Counter, std::move(name), std::move(help), {},
          [read = std::move(read)](SampleSink& sink) { sink.add({}, read()); });
}

void Registry::gaugeFunction(std::string name, std::string help, std::function<double()> read) {
  collect(MetricType::Gauge, std::move(name), std::move(help), {},
          [read = std::move(read)](SampleSink& sink) { sink.add({}, read()); });
}

void Registry::collect(MetricType type, std::string name, std::string help, std::vector<std::string> labelNames,
                       std::function<void(SampleSink&)> report) {
  if (type == MetricType::Histogram) {
    throw std::invalid_argument("metric " + name + ": a reported family is a counter or a gauge");
  }
  add(std::make_unique<FunctionFamily>(std::move(name), std::move(help), type, std::move(labelNames),
                                       std::move(report)));
}

void Registry::forEach(const std::function<void(const FamilyBase&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) visit(*family);
}

}  // namespace lwm2m::metrics
