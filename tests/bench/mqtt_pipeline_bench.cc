// bench_mqtt_pipeline: the gateway's whole uplink and downlink path, with a
// baseline measured in the same run on the same broker.
//
//   gateway: N simulated devices (lwm2m-sim), each observed by the mapping's
//            auto-observe rule with pmin = pmax = 1 s, notify through the real
//            lwm2m-gateway into a real Mosquitto; a Paho subscriber counts what
//            arrives and how late (arrival minus the gateway's event timestamp).
//            Then K commands (read /3/0/0) are published one at a time to
//            lwm2m/{ep}/cmd and timed until their result arrives.
//   baseline: a plain Paho publisher sends the same number of QoS 1 messages
//            per second into the same broker (latency: arrival minus send
//            time), then as fast as it can (the client's ceiling); a plain
//            Paho echo client answers K requests (the broker round trip).
//
// QOS (1 or 0) is the notifications' and the baseline publisher's. Every
// client sends with TCP_NODELAY, the gateway's own connection included, and
// so does the broker (set_tcp_nodelay true).
//
// Usage: bench_mqtt_pipeline [DEVICES=1000] [SECONDS=10] [COMMANDS=200] [QOS=1]
// With LWM2M_BENCH_JSON=FILE it also writes its figures there (bench_report.h).
// Loopback only; every process it starts is stopped when it returns.

#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "tests/bench/bench_gateway.h"
#include "tests/bench/bench_no_delay.h"
#include "tests/bench/bench_report.h"
#include "tests/bench/bench_subscriber.h"
#include "tests/bench/machine_load.h"
#include "tests/bench/round_trips.h"
#include "tests/support/mosquitto.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

struct Rate {
  double perSecond = 0;
  double p50 = 0, p99 = 0;  // seconds
};

// A plain Paho publisher: `perSecond` messages of `qos` a second for
// `seconds` (0: as fast as it can, `total` messages).
Rate baselinePublish(const Mosquitto& broker, Subscriber& sub, int qos, double perSecond, int seconds,
                     std::size_t total) {
  // At QoS 1 at most 100 messages wait for their acknowledgement, as in the
  // gateway (mqtt.max_inflight): handing Paho C 100,000 at once makes it slow
  // down to a few thousand a second (it searches its queue for every new one).
  struct Acks : mqtt::callback {
    std::atomic<std::size_t> done{0};
    void delivery_complete(mqtt::delivery_token_ptr) override { ++done; }
  } acks;
  mqtt::async_client pub("tcp://127.0.0.1:" + std::to_string(broker.port()), "bench-baseline-pub",
                         mqtt::create_options(MQTTVERSION_3_1_1, 100000));
  pub.set_callback(acks);
  pub.connect(mqtt::connect_options_builder().clean_session(true).max_inflight(100).finalize())->wait();
  sendAtOnceToBroker(broker.port());
  sub.reset();
  const auto start = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  const std::size_t goal = perSecond > 0 ? static_cast<std::size_t>(perSecond * seconds) : total;
  mqtt::delivery_token_ptr last;
  while (sent < goal) {
    if (perSecond > 0) {
      const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(static_cast<double>(sent) / perSecond));
      std::this_thread::sleep_until(due);
    }
    while (qos > 0 && sent - acks.done >= 100) std::this_thread::yield();
    const std::string payload = "t=" + std::to_string(wallClockSeconds());
    try {
      last = pub.publish("bench/base/" + std::to_string(sent % 1000), payload.data(), payload.size(), qos, false);
      ++sent;
    } catch (const mqtt::exception&) {
      std::this_thread::sleep_for(1ms);  // buffer full: let it drain
    }
  }
  if (last) last->wait_for(30s);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (sub.count() < goal && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  pub.disconnect()->wait();
  auto lat = sub.latencies();
  return {static_cast<double>(sub.count()) / elapsed, percentile(lat, 0.5), percentile(lat, 0.99)};
}

// The broker round trip of a plain Paho request/answer pair, `k` times: the
// answering client hands each request to its own thread, which publishes the
// answer (as the gateway answers from its I/O thread, not from Paho's callback).
std::vector<double> baselineRoundTrips(const Mosquitto& broker, int k) {
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(broker.port());
  mqtt::async_client echo(uri, "bench-echo");
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::string> pending;
  bool done = false;
  echo.set_message_callback([&](mqtt::const_message_ptr m) {
    std::lock_guard lock(mutex);
    pending.push_back(m->to_string());
    cv.notify_one();
  });
  echo.connect()->wait();
  echo.subscribe("bench/rtt/req", 1)->wait();
  std::thread answerer([&] {
    std::unique_lock lock(mutex);
    while (!done) {
      cv.wait(lock, [&] { return done || !pending.empty(); });
      for (const auto& request : pending) echo.publish("bench/rtt/resp", request + ",\"code\":1", 1, false);
      pending.clear();
    }
  });
  Subscriber answers(broker, "bench/rtt/resp", "bench-rtt-sub");
  mqtt::async_client asker(uri, "bench-asker");
  asker.connect()->wait();
  sendAtOnceToBroker(broker.port());
  std::vector<double> rtts;
  for (int i = 0; i < k; ++i) {
    const std::string id = "\"id\":\"b" + std::to_string(i) + "\"";
    const double start = wallClockSeconds();
    asker.publish("bench/rtt/req", id, 1, false);
    if (auto at = answers.waitFor(id, 5s)) rtts.push_back(*at - start);
  }
  {
    std::lock_guard lock(mutex);
    done = true;
    cv.notify_one();
  }
  answerer.join();
  asker.disconnect()->wait();
  echo.disconnect()->wait();
  return rtts;
}

int run(int devices, int seconds, int commands, int qos) {
  Mosquitto broker;  // set_tcp_nodelay true, as recommended
  Subscriber values(broker, "lwm2m/+/3303/0/5700", "bench-values");
  Subscriber base(broker, "bench/base/#", "bench-base");

  const auto dir = std::filesystem::temp_directory_path() / ("bench-mqtt-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bench.yaml") << "\nuplink:\n" + temperatureNotificationRule(qos) + R"(  - match: {events: [response]}
    topic: "lwm2m/{endpoint}/event/response"
    payload: event
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 1, pmax: 1}
downlink:
  - topic: "lwm2m/{endpoint}/cmd"
    response_topic: "lwm2m/{endpoint}/cmd/result"
    response_qos: 1
)";
  const auto coapPort = freeUdpPort();
  const auto httpPort = freeTcpPort();
  const std::string loadBefore = loadAverage();
  Process gateway = startBenchGateway(dir, broker.uri(), coapPort, httpPort, {"--log-level", "warn"});
  if (!waitForTcpPort(httpPort, 15s)) {
    std::fprintf(stderr, "gateway did not start\n");
    return 1;
  }
  Subscriber results(broker, "lwm2m/+/cmd/result", "bench-results");
  Process sim = Process::start({LWM2M_SIM_BIN, "--server", "127.0.0.1:" + std::to_string(coapPort), "--count",
                                std::to_string(devices), "--prefix", "bench-", "--objects", "1/0,3/0,3303/0",
                                "--rate", "500", "--quiet", "--lifetime", "600"},
                               {(dir / "sim.log").string()});

  // Warm-up: every device registered and observed, notifications flowing.
  const auto warm = std::chrono::steady_clock::now() + std::chrono::seconds(30 + devices / 200);
  values.reset();
  while (std::chrono::steady_clock::now() < warm) {
    std::this_thread::sleep_for(1s);
    const std::size_t n = values.count();
    values.reset();
    if (n >= static_cast<std::size_t>(devices) * 9 / 10) break;
  }
  values.reset();
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double gatewayRate = static_cast<double>(values.count()) / elapsed;
  const auto gatewayLatency = values.latencies();

  // Command round trips, one at a time, to devices spread over the population.
  mqtt::async_client cloud("tcp://127.0.0.1:" + std::to_string(broker.port()), "bench-cloud");
  cloud.connect()->wait();
  sendAtOnceToBroker(broker.port());
  std::vector<double> commandRtts;
  for (int i = 0; i < commands; ++i) {
    char ep[32];
    std::snprintf(ep, sizeof ep, "bench-%04d", 1 + (i * 7919) % devices);
    const std::string id = "c" + std::to_string(i);
    const double t0 = wallClockSeconds();
    cloud.publish(std::string("lwm2m/") + ep + "/cmd",
                  R"({"id":")" + id + R"(","operation":"read","path":"/3/0/0"})", 1, false);
    if (auto at = results.waitFor("\"id\":\"" + id + "\"", 10s)) commandRtts.push_back(*at - t0);
  }
  cloud.disconnect()->wait();
  sim.terminate();
  gateway.terminate();

  // Baselines on the same broker, now that the gateway is gone.
  const Rate paced = baselinePublish(broker, base, qos, gatewayRate > 0 ? gatewayRate : devices, seconds, 0);
  const Rate flat = baselinePublish(broker, base, qos, 0, seconds, 100000);
  const auto echoRtts = baselineRoundTrips(broker, commands);

  auto ms = [](double s) { return s * 1000.0; };
  std::printf("devices %d, window %d s, commands %d, notifications QoS %d\n", devices, seconds, commands, qos);
  std::printf("%-44s %12s %12s %12s\n", "", "msg/s", "p50 ms", "p99 ms");
  std::printf("%-44s %12.0f %12.2f %12.2f\n", "gateway: notifications delivered", gatewayRate,
              ms(percentile(gatewayLatency, 0.5)), ms(percentile(gatewayLatency, 0.99)));
  const std::string baseline = "baseline: Paho QoS " + std::to_string(qos);
  std::printf("%-44s %12.0f %12.2f %12.2f\n", (baseline + " at the same rate").c_str(), paced.perSecond,
              ms(paced.p50), ms(paced.p99));
  // Its latency is queueing time at saturation, not comparable: rate only.
  std::printf("%-44s %12.0f %12s %12s\n", (baseline + " as fast as it can").c_str(), flat.perSecond, "-", "-");
  std::printf("%-44s %12s %12.2f %12.2f  (%zu answered)\n", "gateway: command round trip (MQTT-device-MQTT)", "",
              ms(percentile(commandRtts, 0.5)), ms(percentile(commandRtts, 0.99)), commandRtts.size());
  std::printf("%-44s %12s %12.2f %12.2f\n", "baseline: Paho request/answer via broker", "",
              ms(percentile(echoRtts, 0.5)), ms(percentile(echoRtts, 0.99)));
  // Each device notifies once a second: DEVICES messages a second are offered.
  std::printf("delivered/offered %.2f; gateway rate / Paho ceiling %.2f\n", gatewayRate / devices,
              gatewayRate / std::max(1e-9, flat.perSecond));
  std::printf("ratios: latency p50 gateway/baseline %.2f, command p50 gateway/baseline %.2f\n",
              percentile(gatewayLatency, 0.5) / std::max(1e-9, paced.p50),
              percentile(commandRtts, 0.5) / std::max(1e-9, percentile(echoRtts, 0.5)));

  // A closed loop of one: its rate is one over the mean round trip.
  auto closedLoopRate = [](const std::vector<double>& rtts) {
    double sum = 0;
    for (double s : rtts) sum += s;
    return sum > 0 ? static_cast<double>(rtts.size()) / sum : BenchReport::kNone;
  };
  BenchReport report("bench_mqtt_pipeline");
  report.parameter("devices", devices);
  report.parameter("seconds", seconds);
  report.parameter("commands", commands);
  report.parameter("qos", qos);
  report.loadAverage(loadBefore, loadAverage());
  const std::string notifications = "notifications QoS " + std::to_string(qos);
  report.figure(notifications + " delivered (baseline: Paho as fast as it can)", "msg/s", "higher", gatewayRate,
                flat.perSecond);
  report.figure(notifications + " latency p50", "ms", "lower", ms(percentile(gatewayLatency, 0.5)), ms(paced.p50));
  report.figure(notifications + " latency p99", "ms", "lower", ms(percentile(gatewayLatency, 0.99)), ms(paced.p99));
  report.figure("command round trip p50", "ms", "lower", ms(percentile(commandRtts, 0.5)),
                ms(percentile(echoRtts, 0.5)));
  report.figure("command round trip p99", "ms", "lower", ms(percentile(commandRtts, 0.99)),
                ms(percentile(echoRtts, 0.99)));
  report.latency(true, notifications, devices, gatewayRate, ms(percentile(gatewayLatency, 0.5)),
                 ms(percentile(gatewayLatency, 0.99)));
  report.latency(false, notifications, gatewayRate > 0 ? gatewayRate : devices, paced.perSecond, ms(paced.p50),
                 ms(paced.p99));
  report.latency(true, "command round trip, 1 at once", BenchReport::kNone, closedLoopRate(commandRtts),
                 ms(percentile(commandRtts, 0.5)), ms(percentile(commandRtts, 0.99)));
  report.latency(false, "command round trip, 1 at once", BenchReport::kNone, closedLoopRate(echoRtts),
                 ms(percentile(echoRtts, 0.5)), ms(percentile(echoRtts, 0.99)));
  const bool written = report.write();
  std::filesystem::remove_all(dir);
  return commandRtts.empty() || gatewayRate <= 0 || !written ? 1 : 0;
}

}  // namespace
}  // namespace lwm2m::testing

int main(int argc, char** argv) {
  auto arg = [&](int i, int fallback) { return argc > i && argv[i][0] != '-' ? std::atoi(argv[i]) : fallback; };
  return lwm2m::testing::run(arg(1, 1000), arg(2, 10), arg(3, 200), arg(4, 1) != 0 ? 1 : 0);
}
