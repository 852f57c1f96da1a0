// The whole public OMA registry loaded as lwm2m.models loads it
// (loadModelFiles over the built-in model), beside the baseline of parsing
// the same files with pugixml alone, measured in the same run. Counters:
// definitions loaded, and the resident memory the loaded model holds
// (RSS with the model alive minus RSS before loading, in KiB).
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "lwm2m/model/ddf_loader.h"

namespace lwm2m::model {
namespace {

bool haveRegistry() { return std::filesystem::is_directory(LWM2M_REGISTRY_DIR); }

std::vector<std::filesystem::path> registryFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(LWM2M_REGISTRY_DIR)) {
    if (e.path().extension() == ".xml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

long residentKib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void xmlOnly(benchmark::State& state) {
  if (!haveRegistry()) return state.SkipWithError("no OMA registry beside the project");
  const auto files = registryFiles();
  for (auto _ : state) {
    for (const auto& f : files) {
      pugi::xml_document doc;
      benchmark::DoNotOptimize(doc.load_file(f.c_str()));
    }
  }
  state.counters["files"] = static_cast<double>(files.size());
}

void loadRegistry(benchmark::State& state) {
  if (!haveRegistry()) return state.SkipWithError("no OMA registry beside the project");
  const ObjectModel builtIn = ObjectModel::builtIn();
  std::size_t definitions = 0;
  for (auto _ : state) {
    auto files = loadModelFiles({LWM2M_REGISTRY_DIR}, builtIn);
    if (!files) return state.SkipWithError(files.error().message.c_str());
    definitions = files->objects;
    benchmark::DoNotOptimize(files->model.size());
  }
  state.counters["definitions"] = static_cast<double>(definitions);
  malloc_trim(0);  // what the timed loads freed goes back first
  const long before = residentKib();
  auto held = loadModelFiles({LWM2M_REGISTRY_DIR}, builtIn);
  state.counters["rss_kib"] = static_cast<double>(residentKib() - before);
  benchmark::DoNotOptimize(held);
}

BENCHMARK(xmlOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(loadRegistry)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lwm2m::model
