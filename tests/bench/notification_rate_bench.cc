// bench_notification_rate: the highest rate of LwM2M notifications the real
// gateway turns into MQTT messages with nothing lost, beside one plain Paho
// publisher's ceiling measured in the same run on the same broker.
//
//   baseline: a plain Paho C++ publisher (a child process, so that its CPU is
//            its own) sends COUNT messages of QOS as fast as it can: at QoS 1
//            with at most 100 unacknowledged (the gateway's mqtt.max_inflight),
//            at QoS 0 unpaced. Its rate is what one subscriber received over
//            the time from the first publish to the last arrival; its CPU per
//            message is the child's CPU over COUNT.
//   gateway: DEVICES devices (one loopback address each, LoopbackDevices)
//            register with the real lwm2m-gateway, whose mapping observes
//            /3303/0/5700 and publishes every notification at QOS into the
//            same Mosquitto. Then the devices send NON notifications, evenly
//            paced, for SECONDS at each step: 25, 50, 65, 80, 100 and 120 % of
//            the baseline's rate, until a step loses messages. A step's
//            messages count as lost when the subscriber has not received them
//            5 s after the last notification went out and nothing more came.
//   batched: the same at QoS 1 with a mapping rule that gathers the
//            notifications into batches (one topic, `batch: {max_messages:
//            100, max_delay_ms: 20}`), counted per notification at the
//            subscriber, in steps of 50 to 500 % of the QoS 1 baseline's
//            message rate: more values per second than one connection
//            carries messages.
//
// Reported: the highest step with nothing lost (its rate, and as a share of
// the baseline's), the gateway's CPU per delivered message there against the
// baseline's, and per step sent / delivered / p50 and p99 latency (arrival
// minus the gateway's event timestamp).
//
// Usage: bench_notification_rate [DEVICES=1000] [SECONDS=5] [QOS=all: 1, 0, batch] [COUNT=100000]
//        bench_notification_rate publish URI QOS COUNT   (the baseline child)
//        bench_notification_rate drive PORT DEVICES COUNT RATE   (load only, see driveOnly)
// With LWM2M_BENCH_JSON=FILE it also writes its figures there (bench_report.h).
// Loopback only; every process it starts is stopped when it returns.

#include <sys/resource.h>

#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "lwm2m/coap/codec.h"
#include "tests/bench/bench_gateway.h"
#include "tests/bench/bench_no_delay.h"
#include "tests/bench/bench_report.h"
#include "tests/bench/bench_subscriber.h"
#include "tests/bench/machine_load.h"
#include "tests/bench/registration_load.h"
#include "tests/bench/round_trips.h"
#include "tests/support/mosquitto.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kSockets = 8;
constexpr int kBaselineInflight = 100;
constexpr const char* kTopicFilter = "lwm2m/+/3303/0/5700";  // batched: lwm2m/batched/...

double ownCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Waits until `counter` has `goal` messages, or nothing arrived for `quiet`
// (while `idle` runs, e.g. to answer the devices); the count.
std::size_t settle(Subscriber& counter, std::size_t goal, std::chrono::seconds quiet, const std::function<void()>& idle) {
  auto lastProgress = SteadyClock::now();
  std::size_t seen = counter.count();
  while (seen < goal && SteadyClock::now() - lastProgress < quiet) {
    if (idle) {
      idle();
    } else {
      std::this_thread::sleep_for(10ms);
    }
    const std::size_t now = counter.count();
    if (now != seen) lastProgress = SteadyClock::now();
    seen = now;
  }
  return seen;
}

// The baseline child: publishes `count` messages, prints its CPU seconds.
int publishMode(const std::string& uri, int qos, std::size_t count) {
  struct Acks : mqtt::callback {
    std::atomic<std::size_t> done{0};
    void delivery_complete(mqtt::delivery_token_ptr) override { ++done; }
  } acks;
  mqtt::async_client pub(uri, "bench-baseline-publisher", mqtt::create_options(MQTTVERSION_3_1_1, 200000));
  pub.set_callback(acks);
  pub.connect(mqtt::connect_options_builder().clean_session(true).max_inflight(kBaselineInflight).finalize())->wait();
  const auto colon = uri.rfind(':');
  sendAtOnceToBroker(static_cast<std::uint16_t>(std::stoi(uri.substr(colon + 1))));
  std::printf("ready\n");
  std::fflush(stdout);
  const std::string payload = R"({"value":21.5})";
  for (std::size_t sent = 0; sent < count; ++sent) {
    while (qos > 0 && sent - acks.done >= static_cast<std::size_t>(kBaselineInflight)) std::this_thread::yield();
    pub.publish("lwm2m/baseline/3303/0/5700", payload.data(), payload.size(), qos, false);
  }
  const auto deadline = SteadyClock::now() + 60s;
  while (qos > 0 && acks.done < count && SteadyClock::now() < deadline) std::this_thread::sleep_for(100us);
  pub.disconnect()->wait();
  std::printf("cpu %.6f\n", ownCpuSeconds());
  std::fflush(stdout);
  return 0;
}

struct Baseline {
  double perSecond = 0;
  double cpuMicrosPerMessage = 0;
  std::size_t received = 0;
};

Baseline measureBaseline(const Mosquitto& broker, Subscriber& counter, int qos, std::size_t count) {
  counter.reset();
  Process child = Process::start({std::filesystem::read_symlink("/proc/self/exe").string(), "publish", broker.uri(), std::to_string(qos), std::to_string(count)},
                                 {"", true});
  LineReader lines(child.stdoutFd());
  if (lines.readLine(30s) != "ready") return {};
  const auto start = SteadyClock::now();
  Baseline b;
  b.received = settle(counter, count, 5s, {});
  const double elapsed = std::chrono::duration<double>(counter.lastArrival() - start).count();
  b.perSecond = elapsed > 0 ? static_cast<double>(b.received) / elapsed : 0;
  if (auto line = lines.readLine(60s); line && line->rfind("cpu ", 0) == 0) {
    b.cpuMicrosPerMessage = std::stod(line->substr(4)) / static_cast<double>(count) * 1e6;
  }
  child.waitFor(10s);
  return b;
}

// The devices' side of the protocol: Register, answer the gateway's requests
// (the Observe of /3303/0/5700 with a value; anything else 2.04/4.04), then
// NON notifications on the observation's token.
class NotifyingFleet {
 public:
  NotifyingFleet(std::size_t devices, std::uint16_t gatewayPort)
      : loop_(devices, kSockets, gatewayPort), observations_(devices) {}

  // Registers every device; the number that got 2.01.
  std::size_t registerAll() {
    std::vector<std::uint8_t> registered(loop_.size(), 0);
    LoopbackDevices::Shape shape;
    shape.outstanding = 32;
    shape.window = 120s;
    shape.stopAfterDone = loop_.size();
    shape.retryAfter = 500ms;
    std::size_t created = 0;
    loop_.run(
        shape,
        [&](std::size_t i, std::vector<std::uint8_t>& out) {
          if (registered[i]) return false;
          out = registerDatagram(i, "notifybench-", "</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3/0>,</3303/0>");
          return true;
        },
        [&](std::size_t i, std::span<const std::uint8_t> answer) {
          auto m = coap::decode(answer);
          if (m && m->code == coap::codes::ServiceUnavailable) return LoopbackDevices::Verdict::Retry;
          if (!m || m->type != coap::MessageType::Acknowledgement) return LoopbackDevices::Verdict::Ignore;
          if (m->code == coap::codes::Created) ++created;
          registered[i] = 1;
          return LoopbackDevices::Verdict::Done;
        });
    return created;
  }

  // Answers the gateway until every device is observed or `timeout` passes.
  std::size_t awaitObservations(std::chrono::seconds timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    while (observed_ < loop_.size() && SteadyClock::now() < deadline) answerFor(50ms);
    return observed_;
  }

  // Answers whatever the gateway sends for `duration`.
  void answerFor(std::chrono::milliseconds duration) {
    loop_.receiveUntil(SteadyClock::now() + duration,
                       [this](std::size_t i, std::span<const std::uint8_t> datagram) { answer(i, datagram); });
  }

  // `count` notifications at `perSecond`, round robin over the observed
  // devices, evenly paced; answers the gateway in between.
  void notify(double perSecond, std::size_t count) {
    std::vector<std::size_t> observed;
    for (std::size_t i = 0; i < observations_.size(); ++i) {
      if (observations_[i].observed) observed.push_back(i);
    }
    if (observed.empty()) return;
    const auto start = SteadyClock::now();
    std::size_t sent = 0;
    while (sent < count) {
      const auto now = SteadyClock::now();
      const auto due = start + std::chrono::duration_cast<SteadyClock::duration>(
                                   std::chrono::duration<double>(static_cast<double>(sent) / perSecond));
      if (now >= due) {
        sendNotification(observed[sent % observed.size()]);
        ++sent;
        continue;
      }
      loop_.receiveUntil(std::min(due, now + 1ms),
                         [this](std::size_t i, std::span<const std::uint8_t> datagram) { answer(i, datagram); });
    }
  }

 private:
  struct Observation {
    bool observed = false;
    std::vector<std::uint8_t> token;
    std::uint32_t sequence = 1;
    std::uint16_t messageId = 0;
  };

  void answer(std::size_t i, std::span<const std::uint8_t> datagram) {
    auto request = coap::decode(datagram);
    if (!request || request->type != coap::MessageType::Confirmable || !request->code.isRequest()) return;
    coap::Message reply;
    reply.type = coap::MessageType::Acknowledgement;
    reply.messageId = request->messageId;
    reply.token = request->token;
    const auto path = request->uriPath();
    const bool value = path == std::vector<std::string>{"3303", "0", "5700"};
    if (request->code == coap::codes::Get && value) {
      reply.code = coap::codes::Content;
      if (request->observe() == 0u) {
        Observation& o = observations_[i];
        if (!o.observed) ++observed_;
        o.observed = true;
        o.token.assign(request->token.begin(), request->token.end());
        o.messageId = static_cast<std::uint16_t>(i * 7919);
        reply.setObserve(o.sequence++);
      }
      reply.setContentFormat(0);
      reply.setPayload("21.5");
    } else if (request->code == coap::codes::Get) {
      reply.code = coap::codes::NotFound;
    } else {
      reply.code = coap::codes::Changed;
    }
    const auto bytes = coap::encode(reply);
    loop_.sendFrom(i, bytes);
  }

  void sendNotification(std::size_t i) {
    Observation& o = observations_[i];
    coap::Message m;
    m.type = coap::MessageType::NonConfirmable;
    m.code = coap::codes::Content;
    m.messageId = ++o.messageId;
    m.token.assign(o.token.begin(), o.token.end());
    m.setObserve(o.sequence++ & 0xffffff);
    m.setContentFormat(0);
    m.setPayload("21.5");
    buffer_.clear();
    coap::encodeTo(m, buffer_);
    loop_.sendFrom(i, buffer_);
  }

  LoopbackDevices loop_;
  std::vector<Observation> observations_;
  std::size_t observed_ = 0;
  std::vector<std::uint8_t> buffer_;
};

struct Step {
  double share = 0;      // of the baseline's rate
  double offered = 0;    // notifications/s sent
  std::size_t sent = 0, delivered = 0;
  double cpuMicrosPerMessage = 0;
  double p50Ms = 0, p99Ms = 0;
};

// One QoS (batched: QoS 1 with a batching rule): the baseline, then the
// gateway's steps; figures into `report`.
bool runQos(std::size_t devices, int seconds, int qos, bool batched, std::size_t count, BenchReport& report) {
  Mosquitto broker;
  Subscriber counter(broker, kTopicFilter, "bench-notification-counter");

  const Baseline baseline = measureBaseline(broker, counter, qos, count);
  std::printf("baseline: one Paho publisher, QoS %d: %zu of %zu received, %.0f msg/s, %.1f µs CPU per message\n", qos,
              baseline.received, count, baseline.perSecond, baseline.cpuMicrosPerMessage);
  if (baseline.perSecond <= 0) return false;

  const auto dir = std::filesystem::temp_directory_path() / ("bench-notify-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string rule = batched ? R"(  - match: {path: "/3303/+/5700", events: [notification]}
    topic: "lwm2m/batched/3303/0/5700"
    payload: json
    qos: 1
    batch: {max_messages: 100, max_delay_ms: 20}
)"
                                   : temperatureNotificationRule(qos);
  std::ofstream(dir / "bench.yaml") << "\nuplink:\n" + rule + R"(observe:
  - match: {path: "/3303/+/5700"}
)";
  const auto coapPort = freeUdpPort();
  const auto httpPort = freeTcpPort();
  Process gateway = startBenchGateway(dir, broker.uri(), coapPort, httpPort, {"--log-level", "warn"});
  if (!waitForTcpPort(httpPort, 15s)) {
    std::fprintf(stderr, "gateway did not start\n");
    return false;
  }
  NotifyingFleet fleet(devices, coapPort);
  const std::size_t registered = fleet.registerAll();
  const std::size_t observed = fleet.awaitObservations(60s);
  std::printf("%zu devices: %zu registered, %zu observed\n", devices, registered, observed);
  if (observed == 0) return false;
  fleet.answerFor(1s);

  std::vector<Step> steps;
  const std::vector<double> shares =
      batched ? std::vector<double>{0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0} : std::vector<double>{0.25, 0.5, 0.65, 0.8, 1.0, 1.2};
  for (double share : shares) {
    Step step;
    step.share = share;
    step.offered = share * baseline.perSecond;
    step.sent = static_cast<std::size_t>(step.offered * seconds);
    counter.reset();
    const double cpuBefore = processCpuSeconds(gateway.pid());
    fleet.notify(step.offered, step.sent);
    step.delivered = settle(counter, step.sent, 5s, [&] { fleet.answerFor(10ms); });
    const double cpu = processCpuSeconds(gateway.pid()) - cpuBefore;
    step.cpuMicrosPerMessage = step.delivered ? cpu / static_cast<double>(step.delivered) * 1e6 : 0;
    auto latencies = counter.latencies();
    step.p50Ms = percentile(latencies, 0.5) * 1e3;
    step.p99Ms = percentile(latencies, 0.99) * 1e3;
    steps.push_back(step);
    std::printf("  %3.0f %% of the baseline: %7.0f/s offered, %zu sent, %zu delivered, %.1f µs CPU per message, "
                "p50 %.2f ms, p99 %.2f ms\n",
                share * 100, step.offered, step.sent, step.delivered, step.cpuMicrosPerMessage, step.p50Ms, step.p99Ms);
    if (step.delivered < step.sent) {
      // What the gateway said about it (drops are logged as warnings).
      std::ifstream log(dir / "gateway.log");
      std::vector<std::string> said;
      for (std::string line; std::getline(log, line);) said.push_back(line);
      for (std::size_t k = said.size() > 5 ? said.size() - 5 : 0; k < said.size(); ++k) {
        std::printf("    gateway: %s\n", said[k].c_str());
      }
      break;
    }
    fleet.answerFor(1s);
  }
  gateway.terminate();

  const Step* best = nullptr;
  for (const Step& s : steps) {
    if (s.delivered == s.sent) best = &s;
  }
  const double bestRate = best ? best->offered : 0;
  std::printf("highest rate with nothing lost: %.0f/s, %.0f %% of one Paho publisher (%.0f/s); "
              "CPU per message there %.1f µs, %.2f × the publisher's %.1f µs\n",
              bestRate, bestRate / baseline.perSecond * 100, baseline.perSecond,
              best ? best->cpuMicrosPerMessage : 0,
              best ? best->cpuMicrosPerMessage / std::max(1e-9, baseline.cpuMicrosPerMessage) : 0,
              baseline.cpuMicrosPerMessage);

  const std::string what = batched ? "notifications QoS 1 batched" : "notifications QoS " + std::to_string(qos);
  report.figure(what + ", highest rate with nothing lost (baseline: one Paho publisher)", "msg/s", "higher", bestRate,
                baseline.perSecond);
  report.figure(what + ", share of the baseline with nothing lost", "%", "higher",
                bestRate / baseline.perSecond * 100, BenchReport::kNone);
  report.figure(what + ", CPU per delivered message", "µs", "lower", best ? best->cpuMicrosPerMessage : BenchReport::kNone,
                baseline.cpuMicrosPerMessage);
  for (const Step& s : steps) {
    report.latency(true, what, s.offered, static_cast<double>(s.delivered) / seconds, s.p50Ms, s.p99Ms);
  }
  std::filesystem::remove_all(dir);
  return best != nullptr;
}

// `series` "1", "0", "batch" or "all" (in that order).
int run(std::size_t devices, int seconds, const std::string& series, std::size_t count) {
  BenchReport report("bench_notification_rate");
  report.parameter("devices", static_cast<double>(devices));
  report.parameter("seconds per step", seconds);
  report.parameter("baseline messages", static_cast<double>(count));
  const std::string loadBefore = loadAverage();
  bool ok = true;
  for (const char* name : {"1", "0", "batch"}) {
    if (series != "all" && series != name) continue;
    const bool batched = std::string(name) == "batch";
    ok = runQos(devices, seconds, batched ? 1 : std::atoi(name), batched, count, report) && ok;
  }
  report.loadAverage(loadBefore, loadAverage());
  return report.write() && ok ? 0 : 1;
}

// The `drive` mode, for counting instructions under callgrind: registers
// `devices` with the gateway at `port`, waits until they are observed, prints
// "observed N", waits for a line on stdin, sends `count` notifications at
// `perSecond`, answers the gateway for 2 s more and prints "sent N".
int driveOnly(std::uint16_t port, std::size_t devices, std::size_t count, double perSecond) {
  NotifyingFleet fleet(devices, port);
  fleet.registerAll();
  std::printf("observed %zu\n", fleet.awaitObservations(600s));
  std::fflush(stdout);
  std::string go;
  std::getline(std::cin, go);
  fleet.notify(perSecond, count);
  fleet.answerFor(2s);
  std::printf("sent %zu\n", count);
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace lwm2m::testing

int main(int argc, char** argv) {
  if (argc == 6 && std::string(argv[1]) == "drive") {
    return lwm2m::testing::driveOnly(static_cast<std::uint16_t>(std::atoi(argv[2])), std::strtoul(argv[3], nullptr, 10),
                                     std::strtoul(argv[4], nullptr, 10), std::atof(argv[5]));
  }
  if (argc == 5 && std::string(argv[1]) == "publish") {
    return lwm2m::testing::publishMode(argv[2], std::atoi(argv[3]), std::strtoul(argv[4], nullptr, 10));
  }
  auto arg = [&](int i, long fallback) { return argc > i ? std::atol(argv[i]) : fallback; };
  std::string series = argc > 3 ? argv[3] : "all";
  if (series == "-1") series = "all";
  if (series != "all" && series != "1" && series != "0" && series != "batch") {
    std::fprintf(stderr, "bench_notification_rate: QOS is 1, 0, batch or all, not '%s'\n", series.c_str());
    return 2;
  }
  return lwm2m::testing::run(static_cast<std::size_t>(arg(1, 1000)), static_cast<int>(arg(2, 5)), series,
                             static_cast<std::size_t>(arg(4, 100000)));
}
