// bench_rest_read: one resource read (/3303/0/5700) through the REST API,
// beside the same read over MQTT and the HTTP floor, all in the same run.
//
//   REST read:   GET /api/v1/devices/{ep}/3303/0/5700, the call waiting for
//                the device's answer, from keep-alive HTTP/1.1 clients (Beast);
//   REST cached: the same URL with ?cached, answered without the device;
//   MQTT read:   the json command {"operation":"read"} on lwm2m/{ep}/cmd,
//                its result on lwm2m/{ep}/cmd/result (Paho, QoS 1);
//   HTTP floor:  a trivial Beast server in this binary answering every GET
//                with the body of a real read answer (what HTTP itself costs).
// Each at concurrency 1 (devices in turn) and 64 (client k asks device
// k mod DEVICES; the gateway serializes each device's requests), closed loop,
// the rows taking turns in short rounds (so a changing machine load hits them alike),
// with the real lwm2m-gateway, a real Mosquitto and DEVICES simulated devices.
// CPU µs per round trip: the gateway process's (the floor thread's for the floor).
//
// Usage: bench_rest_read [DEVICES=64] [SECONDS=3]   (SECONDS per row, over all rounds)
// With LWM2M_BENCH_JSON=FILE it also writes its figures there (bench_report.h):
// each REST row beside the HTTP floor at the same load.
// Loopback only; every process it starts is stopped when it returns.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_gateway.h"
#include "tests/bench/bench_report.h"
#include "tests/bench/http_load.h"
#include "tests/bench/machine_load.h"
#include "tests/bench/mqtt_command_load.h"
#include "tests/bench/round_trips.h"
#include "tests/support/mosquitto.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

const std::string kPath = "/3303/0/5700";
constexpr int kRounds = 3;
constexpr int kPipelined = 8;

enum class Kind { Floor, Cached, Read, Mqtt };

const char* describe(Kind kind) {
  switch (kind) {
    case Kind::Floor: return "HTTP floor: trivial Beast server";
    case Kind::Cached: return "REST GET ?cached (no device)";
    case Kind::Read: return "REST GET (read from the device)";
    case Kind::Mqtt: return "MQTT json command read (QoS 1)";
  }
  return "";
}

// One line of the table: its round trips over every round, and the CPU used
// meanwhile by what serves it (the gateway; the floor's thread for the floor).
struct Row {
  Kind kind;
  int concurrency;
  int depth = 1;
  RoundTrips trips;
  double cpuSeconds = 0;

  void add(RoundTrips more, double cpuUsed) {
    trips.seconds.insert(trips.seconds.end(), more.seconds.begin(), more.seconds.end());
    trips.answered += more.answered;
    if (trips.failures == 0) trips.firstFailure = std::move(more.firstFailure);
    trips.failures += more.failures;
    trips.windowSeconds += more.windowSeconds;
    cpuSeconds += cpuUsed;
  }
  double cpuPerTrip() const { return trips.answered > 0 ? cpuSeconds / static_cast<double>(trips.answered) : 0; }
  std::string load() const {
    return std::to_string(concurrency) + (depth > 1 ? "x" + std::to_string(depth) : std::string());
  }
};

std::string endpointName(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "bench-%04d", index + 1);
  return name;
}

int run(int devices, int seconds) {
  Mosquitto broker;  // set_tcp_nodelay true, as recommended
  const auto dir = std::filesystem::temp_directory_path() / ("bench-rest-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  // Only the command rule: nothing else is published while the reads run.
  std::ofstream(dir / "bench.yaml") << R"(
downlink:
  - topic: "lwm2m/{endpoint}/cmd"
    payload: json
    response_topic: "lwm2m/{endpoint}/cmd/result"
    response_qos: 1
)";
  const auto coapPort = freeUdpPort();
  const auto httpPort = freeTcpPort();
  Process gateway = startBenchGateway(dir, broker.uri(), coapPort, httpPort);
  if (!waitForTcpPort(httpPort, 15s)) {
    std::fprintf(stderr, "bench_rest_read: the gateway did not start\n");
    return 1;
  }
  Process sim = Process::start({LWM2M_SIM_BIN, "--server", "127.0.0.1:" + std::to_string(coapPort), "--count",
                                std::to_string(devices), "--prefix", "bench-", "--objects", "1/0,3/0,3303/0",
                                "--quiet", "--lifetime", "600"},
                               {(dir / "sim.log").string()});

  // Every device registered and read once (which also fills the value cache);
  // the floor answers with the body of such a read.
  std::string readBody;
  const auto deadline = std::chrono::steady_clock::now() + 30s + std::chrono::milliseconds(20 * devices);
  for (int i = 0; i < devices; ++i) {
    const std::string url = "/api/v1/devices/" + endpointName(i) + kPath;
    auto [status, body] = httpGet(httpPort, url);
    while (status != 200 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      std::tie(status, body) = httpGet(httpPort, url);
    }
    if (status != 200) {
      std::fprintf(stderr, "bench_rest_read: %s answered %u %s\n", url.c_str(), status, body.c_str());
      return 1;
    }
    if (readBody.empty()) readBody = body;
  }
  FloorServer floor(readBody);

  const std::function<double()> gatewayCpu = [pid = gateway.pid()] { return processCpuSeconds(pid); };
  std::vector<Row> rows;
  for (const int c : {1, 64}) {
    for (const Kind kind : {Kind::Floor, Kind::Cached, Kind::Read, Kind::Mqtt}) rows.push_back({kind, c});
  }
  rows.push_back({Kind::Floor, 1, kPipelined});
  rows.push_back({Kind::Cached, 1, kPipelined});
  // The machine's load changes while the benchmark runs: every row is
  // measured in each of kRounds short rounds, so they all see the same load.
  const auto window = std::chrono::milliseconds(std::max(500, seconds * 1000 / kRounds));
  const std::string loadBefore = loadAverage();
  for (int round = 0; round < kRounds; ++round) {
    for (Row& row : rows) {
      const LoadShape shape{row.concurrency, row.depth, 300ms, window};
      const TargetOf device = [devices, &shape](int k, std::uint64_t n) {
        return endpointName(static_cast<int>((shape.concurrency == 1 ? n : static_cast<std::uint64_t>(k)) % devices));
      };
      const TargetOf read = [&device](int k, std::uint64_t n) { return "/api/v1/devices/" + device(k, n) + kPath; };
      const TargetOf cached = [&read](int k, std::uint64_t n) { return read(k, n) + "?cached"; };
      const auto cpu = row.kind == Kind::Floor ? std::function<double()>([&floor] { return floor.cpuSeconds(); })
                                               : gatewayCpu;
      const double before = cpu();
      RoundTrips trips;
      switch (row.kind) {
        case Kind::Floor: trips = httpLoad(floor.port(), read, shape); break;
        case Kind::Cached: trips = httpLoad(httpPort, cached, shape); break;
        case Kind::Read: trips = httpLoad(httpPort, read, shape); break;
        case Kind::Mqtt: trips = mqttCommandLoad(broker.uri(), device, kPath, shape); break;
      }
      row.add(std::move(trips), cpu() - before);
    }
  }
  sim.terminate();
  gateway.terminate();
  const std::string loadAfter = loadAverage();

  auto ms = [](double s) { return s * 1000.0; };
  std::printf("bench_rest_read: %d devices, GET %s, keep-alive; per row %d rounds of %.1f s (after 0.3 s warm-up); "
              "load average %s -> %s on %u cores\n",
              devices, kPath.c_str(), kRounds, std::chrono::duration<double>(window).count(), loadBefore.c_str(),
              loadAfter.c_str(), std::thread::hardware_concurrency());
  std::printf("%-34s %5s %13s %9s %9s %12s %7s\n", "", "conc", "round trips/s", "p50 ms", "p99 ms", "CPU us/trip",
              "failed");
  int status = 0;
  for (const auto& r : rows) {
    std::printf("%-34s %5s %13.0f %9.3f %9.3f %12.1f %7zu\n", describe(r.kind), r.load().c_str(), r.trips.perSecond(),
                ms(percentile(r.trips.seconds, 0.5)), ms(percentile(r.trips.seconds, 0.99)), r.cpuPerTrip() * 1e6,
                r.trips.failures);
    if (r.trips.failures > 0) std::printf("  first failure: %s\n", r.trips.firstFailure.c_str());
    if (r.trips.seconds.empty() || r.trips.failures > 0) status = 1;
  }
  std::printf("conc: clients (keep-alive connections, or MQTT commands in flight); 1x%d: one connection, %d requests "
              "pipelined\n", kPipelined, kPipelined);
  auto find = [&rows](Kind kind, const Row& like) -> const Row* {
    for (const Row& r : rows) {
      if (r.kind == kind && r.concurrency == like.concurrency && r.depth == like.depth) return &r;
    }
    return nullptr;
  };
  auto ratio = [](const Row* a, const Row* b, bool rate) {
    if (!a || !b) return std::string("-");
    const double x = rate ? a->trips.perSecond() : percentile(a->trips.seconds, 0.5);
    const double y = rate ? b->trips.perSecond() : percentile(b->trips.seconds, 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", y > 0 ? x / y : 0);
    return std::string(text);
  };
  std::printf("ratios (round trips/s; p50 latency)\n");
  for (const Row& floorRow : rows) {
    if (floorRow.kind != Kind::Floor) continue;
    const Row* cached = find(Kind::Cached, floorRow);
    const Row* rest = find(Kind::Read, floorRow);
    const Row* mqtt = find(Kind::Mqtt, floorRow);
    std::printf("  conc %-4s cached/floor %s; %s   REST/floor %s; %s   REST/MQTT %s; %s\n", floorRow.load().c_str(),
                ratio(cached, &floorRow, true).c_str(), ratio(cached, &floorRow, false).c_str(),
                ratio(rest, &floorRow, true).c_str(), ratio(rest, &floorRow, false).c_str(),
                ratio(rest, mqtt, true).c_str(), ratio(rest, mqtt, false).c_str());
  }

  BenchReport report("bench_rest_read");
  report.parameter("devices", devices);
  report.parameter("seconds", seconds);
  report.loadAverage(loadBefore, loadAfter);
  for (const Row& floorRow : rows) {
    if (floorRow.kind != Kind::Floor) continue;
    const std::string load = ", conc " + floorRow.load();
    report.latency(false, std::string("HTTP floor") + load, BenchReport::kNone, floorRow.trips.perSecond(),
                   ms(percentile(floorRow.trips.seconds, 0.5)), ms(percentile(floorRow.trips.seconds, 0.99)));
    for (const Kind kind : {Kind::Cached, Kind::Read}) {
      const Row* r = find(kind, floorRow);
      if (!r) continue;
      const std::string what = (kind == Kind::Cached ? "REST GET ?cached" : "REST GET") + load;
      report.figure(what + " (baseline: HTTP floor)", "round trips/s", "higher", r->trips.perSecond(),
                    floorRow.trips.perSecond());
      report.figure(what + " p50 (baseline: HTTP floor)", "ms", "lower", ms(percentile(r->trips.seconds, 0.5)),
                    ms(percentile(floorRow.trips.seconds, 0.5)));
      report.latency(true, what, BenchReport::kNone, r->trips.perSecond(), ms(percentile(r->trips.seconds, 0.5)),
                     ms(percentile(r->trips.seconds, 0.99)));
    }
  }
  if (!report.write()) status = 1;
  if (status == 0) std::filesystem::remove_all(dir);
  else std::printf("logs kept in %s\n", dir.c_str());
  return status;
}

}  // namespace
}  // namespace lwm2m::testing

int main(int argc, char** argv) {
  auto arg = [&](int i, int fallback) { return argc > i && argv[i][0] != '-' ? std::atoi(argv[i]) : fallback; };
  return lwm2m::testing::run(std::max(1, arg(1, 64)), std::max(1, arg(2, 3)));
}
