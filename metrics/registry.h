#pragma once
// The gateway's metrics: named families of counters, gauges and histograms,
// each series told apart by its label values, rendered for Prometheus by
// text_format.h. No dependency: every layer may hold metrics of its own.
//
// Where the numbers come from (one-way dependencies kept):
//  - Layers that already count in plain structs (lwm2m/coap EndpointStats and
//    DtlsCounters, the MQTT link's LinkStats, the store writer's WriterStats)
//    keep doing so; the composition root reads them at exposition time through
//    counterFunction()/gaugeFunction()/collect(). The LwM2M library stays free
//    of this module (the simulator and tools link it without metrics).
//  - Services above them (gateway/core, bridges) may own a Family's series
//    directly: look the series up once (with()), keep the reference, and
//    increment it on the hot path for the price of a relaxed atomic.
//
// Contract:
//  - Families are registered at start-up; a bad name, label name, duplicate or
//    clash throws std::invalid_argument (a programming error). Names follow
//    Prometheus conventions: [a-zA-Z_:][a-zA-Z0-9_:]*, counters end in
//    "_total", nothing else does; base units (seconds, bytes) in the name.
//  - Family::with() may be called from any thread; the series it returns lives
//    as long as the Registry. Series are never removed: label values must come
//    from small fixed sets (operations, outcomes, states), never endpoints.
//  - Functions given to counterFunction()/gaugeFunction()/collect() run on the
//    thread that renders (the gateway's I/O thread, where /metrics is served),
//    so they may read state owned by that thread.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metric.h"

namespace lwm2m::metrics {

enum class MetricType { Counter, Gauge, Histogram };
std::string_view toString(MetricType type);  // "counter", "gauge", "histogram"

// The label values of one series, in the order of its family's label names.
using LabelValues = std::vector<std::string>;

// Receives a family's samples at exposition time (text_format.cc writes them).
class SampleWriter {
 public:
  virtual ~SampleWriter() = default;
  // One sample: the family's name + `suffix` ("", "_bucket", "_sum", "_count"),
  // its label values, and for a bucket its upper bound (`le`).
  virtual void sample(std::string_view suffix, const LabelValues& labels, double value,
                      const double* le = nullptr) = 0;
};

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> labelNames)
      : name_(std::move(name)), help_(std::move(help)), type_(type), labelNames_(std::move(labelNames)) {}
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& labelNames() const { return labelNames_; }
  virtual void write(SampleWriter& out) const = 0;

 protected:
  // Throws std::invalid_argument unless `values` has one value per label name.
  void checkArity(const LabelValues& values) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> labelNames_;
};

// Series a Registry owns, one per distinct label values, created at zero.
template <class Metric>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> labelNames,
         std::shared_ptr<const std::vector<double>> bounds = nullptr)
      : FamilyBase(std::move(name), std::move(help), type, std::move(labelNames)), bounds_(std::move(bounds)) {}

  // The series with these label values (throws std::invalid_argument for the
  // wrong number of values). Keep the reference: it stays valid.
  Metric& with(const LabelValues& values);
  // The one series of a family without labels.
  Metric& only() { return with({}); }

  void write(SampleWriter& out) const override;

 private:
  std::shared_ptr<const std::vector<double>> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Metric>> series_;  // sorted: a stable exposition order
};

// What a collect() function reports: one value per series.
class SampleSink {
 public:
  explicit SampleSink(std::size_t arity) : arity_(arity) {}
  // Throws std::invalid_argument for the wrong number of label values.
  void add(LabelValues labels, double value);
  const std::vector<std::pair<LabelValues, double>>& samples() const { return samples_; }

 private:
  std::size_t arity_;
  std::vector<std::pair<LabelValues, double>> samples_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter(std::string name, std::string help, std::vector<std::string> labelNames = {});
  Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> labelNames = {});
  // `bounds`: strictly increasing finite upper bounds; +Inf is added.
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<double> bounds,
                               std::vector<std::string> labelNames = {});

  // A counter or gauge without labels whose value is read when rendering.
  void counterFunction(std::string name, std::string help, std::function<double()> read);
  void gaugeFunction(std::string name, std::string help, std::function<double()> read);
  // A counter or gauge family whose series are reported when rendering.
  void collect(MetricType type, std::string name, std::string help, std::vector<std::string> labelNames,
               std::function<void(SampleSink&)> report);

  // Every family, in registration order.
  void forEach(const std::function<void(const FamilyBase&)>& visit) const;

 private:
  template <class F>
  F& add(std::unique_ptr<F> family);
  void check(const FamilyBase& family) const;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

// True for a valid metric name / label name (label names starting "__" are reserved).
bool isValidMetricName(std::string_view name);
bool isValidLabelName(std::string_view name);

}  // namespace lwm2m::metrics
