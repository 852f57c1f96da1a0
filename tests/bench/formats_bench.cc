// Decode and encode throughput of every content format that carries a whole
// object instance, for a 10-resource temperature instance (floats, strings,
// a time and an integer), as a Read on /3303/0 returns it.
#include <benchmark/benchmark.h>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::formats {
namespace {

using model::Path;
using model::Resource;
using model::Value;

const Path kPath(3303, 0);

model::Node temperatureInstance() {
  return model::Node(model::ObjectInstance(0, std::vector<Resource>{
      Resource::single(5700, Value::floating(21.37)),
      Resource::single(5601, Value::floating(-4.5)),
      Resource::single(5602, Value::floating(38.25)),
      Resource::single(5603, Value::floating(-40)),
      Resource::single(5604, Value::floating(125)),
      Resource::single(5701, Value::string("Cel")),
      Resource::single(5750, Value::string("boiler room, north wall")),
      Resource::single(5518, Value::time(1700000000)),
      Resource::single(6050, Value::floating(0.125)),
      Resource::single(6042, Value::integer(2)),
  }));
}

void encode(benchmark::State& state, ContentFormat format) {
  const auto model = model::ObjectModel::builtIn();
  const auto node = temperatureInstance();
  const FormatRegistry& registry = FormatRegistry::standard();
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto out = registry.encode(format, node, kPath, model);
    if (!out) {
      state.SkipWithError(out.error().message.c_str());
      return;
    }
    bytes += static_cast<std::int64_t>(out->size());
    benchmark::DoNotOptimize(out->data());
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations() * 10);  // resources
}

void decode(benchmark::State& state, ContentFormat format) {
  const auto model = model::ObjectModel::builtIn();
  const FormatRegistry& registry = FormatRegistry::standard();
  auto payload = registry.encode(format, temperatureInstance(), kPath, model);
  if (!payload) {
    state.SkipWithError(payload.error().message.c_str());
    return;
  }
  DecodeContext context{model, 1700000000};
  for (auto _ : state) {
    auto node = registry.decode(format, *payload, kPath, context);
    if (!node) {
      state.SkipWithError(node.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(node->objectInstance());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(payload->size()));
  state.SetItemsProcessed(state.iterations() * 10);
  state.counters["payload_bytes"] = static_cast<double>(payload->size());
}

BENCHMARK_CAPTURE(decode, tlv, kTlv);
BENCHMARK_CAPTURE(encode, tlv, kTlv);
BENCHMARK_CAPTURE(decode, lwm2m_json, kLwm2mJson);
BENCHMARK_CAPTURE(encode, lwm2m_json, kLwm2mJson);
BENCHMARK_CAPTURE(decode, senml_json, kSenmlJson);
BENCHMARK_CAPTURE(encode, senml_json, kSenmlJson);
BENCHMARK_CAPTURE(decode, senml_cbor, kSenmlCbor);
BENCHMARK_CAPTURE(encode, senml_cbor, kSenmlCbor);
BENCHMARK_CAPTURE(decode, lwm2m_cbor, kLwm2mCbor);
BENCHMARK_CAPTURE(encode, lwm2m_cbor, kLwm2mCbor);

}  // namespace
}  // namespace lwm2m::formats
