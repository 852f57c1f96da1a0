// bench_mqtt_commands: the command round trip MQTT -> gateway -> device ->
// gateway -> MQTT, beside a raw Paho request/answer through the same broker,
// measured in the same run by the same client code.
//
//   gateway:  {"id":…,"operation":"read","path":"/3/0/0"} (QoS 1) on
//             lwm2m/{ep}/cmd, timed until its result (the message with "code"
//             on lwm2m/{ep}/cmd/result, QoS 1) arrives; DEVICES simulated
//             devices (lwm2m-sim) behind the real lwm2m-gateway.
//   baseline: the same request on bench/{ep}/cmd, answered by a plain Paho
//             client on bench/{ep}/cmd/result from its own thread (as the
//             gateway answers from its I/O thread, not Paho's callback).
// Two loads for each: one command at a time (each after the previous
// result), and RATE commands a second for SECONDS whatever the answers
// (open loop), command n to device n mod DEVICES. Every client, the
// gateway's included, sends with TCP_NODELAY, and so does the broker
// (set_tcp_nodelay true). The rows take turns in ROUNDS rounds, so that a
// changing machine load hits them alike.
//
// STORAGE "disk" (default) keeps the gateway's database in the temporary
// directory, where each of a command's commits waits for the disk (fsync);
// "tmpfs" keeps it in /dev/shm, where commits cost no I/O: the code's own
// share of the round trip.
//
// NAGLE "nagle" runs the gateway with mqtt.tcp_nodelay: false, to see what
// the option saves.
//
// Usage: bench_mqtt_commands [DEVICES=1000] [RATE=1000] [SECONDS=5] [ROUNDS=3] [STORAGE=disk] [NAGLE]
// With LWM2M_BENCH_JSON=FILE it also writes its figures there (bench_report.h).
// Loopback only; every process it starts is stopped when it returns.

#include <mqtt/async_client.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tests/bench/bench_gateway.h"
#include "tests/bench/bench_no_delay.h"
#include "tests/bench/bench_report.h"
#include "tests/bench/machine_load.h"
#include "tests/bench/round_trips.h"
#include "tests/support/mosquitto.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string endpointName(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "bench-%04d", index + 1);
  return name;
}

// Round trip times of one batch of requests, and what went wrong.
struct Latencies {
  std::vector<double> seconds;
  std::size_t sent = 0;
  std::size_t unanswered = 0;  // no answer within 5 s of the last request
  std::size_t failed = 0;      // answered with another code than 2.05
  double cpuSeconds = 0;       // of what answers (the gateway; the baseline: not measured)

  void add(const Latencies& more) {
    seconds.insert(seconds.end(), more.seconds.begin(), more.seconds.end());
    sent += more.sent;
    unanswered += more.unanswered;
    failed += more.failed;
    cpuSeconds += more.cpuSeconds;
  }
};

// A cloud application's Paho client: request n goes to `topicOf(n)`, its
// answer is the message on `answerFilter` carrying "code" and the request's
// id (other messages there, such as the gateway's "queued", are skipped).
class Asker {
 public:
  Asker(const Mosquitto& broker, const std::string& clientId, const std::string& answerFilter,
        std::function<std::string(std::uint64_t)> topicOf)
      : client_(broker.uri(), clientId, mqtt::create_options(MQTTVERSION_3_1_1, 100000)), topicOf_(std::move(topicOf)) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) { onAnswer(m->to_string()); });
    client_.connect(mqtt::connect_options_builder().clean_session(true).max_inflight(1000).finalize())->wait();
    client_.subscribe(answerFilter, 1)->wait();
  }
  ~Asker() {
    try {
      client_.disconnect()->wait_for(5s);
    } catch (const mqtt::exception&) {
    }
  }

  // `count` requests, each once the previous one is answered (or after 5 s).
  Latencies oneAtATime(int count) {
    Latencies result;
    for (int i = 0; i < count; ++i) {
      const std::uint64_t n = send();
      std::unique_lock lock(mutex_);
      answered_.wait_for(lock, 5s, [&] { return !pending_.count(n); });
    }
    return collect(std::move(result));
  }

  // `rate` requests a second for `window`, whatever the answers.
  Latencies paced(double rate, std::chrono::milliseconds window) {
    const auto start = Clock::now();
    const auto total = static_cast<std::uint64_t>(rate * std::chrono::duration<double>(window).count());
    for (std::uint64_t i = 0; i < total; ++i) {
      std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(static_cast<double>(i) / rate)));
      send();
    }
    std::unique_lock lock(mutex_);
    answered_.wait_for(lock, 5s, [&] { return pending_.empty(); });
    lock.unlock();
    return collect({});
  }

 private:
  std::uint64_t send() {
    std::uint64_t n;
    {
      std::lock_guard lock(mutex_);
      n = next_++;
      pending_[n] = Clock::now();
      ++sent_;
    }
    const std::string payload = R"({"id":"r)" + std::to_string(n) + R"(","operation":"read","path":"/3/0/0"})";
    try {
      client_.publish(topicOf_(n), payload.data(), payload.size(), 1, false);
    } catch (const mqtt::exception&) {
      std::lock_guard lock(mutex_);
      pending_.erase(n);
      ++failed_;
    }
    return n;
  }

  // On Paho's callback thread.
  void onAnswer(const std::string& payload) {
    const auto at = Clock::now();
    rapidjson::Document d;
    d.Parse(payload.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("code") || !d.HasMember("id") || !d["id"].IsString()) {
      return;
    }
    const std::string id = d["id"].GetString();
    if (id.size() < 2 || id[0] != 'r') return;
    const std::uint64_t n = std::strtoull(id.c_str() + 1, nullptr, 10);
    std::lock_guard lock(mutex_);
    auto it = pending_.find(n);
    if (it == pending_.end()) return;
    if (d["code"].IsString() && std::string(d["code"].GetString()) == "2.05") {
      seconds_.push_back(std::chrono::duration<double>(at - it->second).count());
    } else {
      ++failed_;
    }
    pending_.erase(it);
    answered_.notify_all();
  }

  // What the batch measured; requests still unanswered are given up.
  Latencies collect(Latencies result) {
    std::lock_guard lock(mutex_);
    result.seconds = std::move(seconds_);
    result.sent = sent_;
    result.unanswered = pending_.size();
    result.failed = failed_;
    seconds_.clear();
    pending_.clear();
    sent_ = failed_ = 0;
    return result;
  }

  mqtt::async_client client_;
  std::function<std::string(std::uint64_t)> topicOf_;
  std::mutex mutex_;
  std::condition_variable answered_;
  std::uint64_t next_ = 0;
  std::unordered_map<std::uint64_t, Clock::time_point> pending_;  // request -> sent at
  std::vector<double> seconds_;
  std::size_t sent_ = 0;
  std::size_t failed_ = 0;
};

// The baseline's answering side: a plain Paho client that answers each
// request on bench/{ep}/cmd with its id and code 2.05 on bench/{ep}/cmd/result,
// from its own thread.
class Answerer {
 public:
  explicit Answerer(const Mosquitto& broker)
      : client_(broker.uri(), "bench-answerer", mqtt::create_options(MQTTVERSION_3_1_1, 100000)) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      std::lock_guard lock(mutex_);
      requests_.push_back(m);
      wake_.notify_one();
    });
    client_.connect(mqtt::connect_options_builder().clean_session(true).max_inflight(1000).finalize())->wait();
    client_.subscribe("bench/+/cmd", 1)->wait();
    thread_ = std::thread([this] { answer(); });
  }
  ~Answerer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      wake_.notify_one();
    }
    thread_.join();
    try {
      client_.disconnect()->wait_for(5s);
    } catch (const mqtt::exception&) {
    }
  }

 private:
  void answer() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait(lock, [&] { return stopping_ || !requests_.empty(); });
      std::vector<mqtt::const_message_ptr> batch;
      batch.swap(requests_);
      lock.unlock();
      for (const auto& request : batch) {
        rapidjson::Document d;
        const std::string text = request->to_string();
        d.Parse(text.c_str());
        if (d.HasParseError() || !d.IsObject() || !d.HasMember("id") || !d["id"].IsString()) continue;
        const std::string answer = R"({"id":")" + std::string(d["id"].GetString()) +
                                   R"(","code":"2.05","path":"/3/0/0","values":[{"path":"/3/0/0","value":"Open LwM2M Simulator"}]})";
        try {
          client_.publish(request->get_topic() + "/result", answer.data(), answer.size(), 1, false);
        } catch (const mqtt::exception&) {
        }
      }
      lock.lock();
    }
  }

  mqtt::async_client client_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<mqtt::const_message_ptr> requests_;
  bool stopping_ = false;
  std::thread thread_;
};

struct Row {
  const char* name;
  bool gateway;
  double rate;  // 0: one at a time
  Latencies latencies;
  double wallSeconds = 0;  // spent measuring it, over all rounds

  std::string load() const { return rate > 0 ? std::to_string(static_cast<int>(rate)) + "/s" : "1 at once"; }
};

int run(int devices, double rate, int seconds, int rounds, bool tmpfs, bool nagle) {
  Mosquitto broker;  // set_tcp_nodelay true, as recommended
  const auto dir = (tmpfs ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path()) /
                   ("bench-commands-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  // Only the command rule: nothing else is published while commands run.
  std::ofstream(dir / "bench.yaml") << R"(
downlink:
  - topic: "lwm2m/{endpoint}/cmd"
    payload: json
    response_topic: "lwm2m/{endpoint}/cmd/result"
    response_qos: 1
)";
  const auto coapPort = freeUdpPort();
  const auto httpPort = freeTcpPort();
  std::vector<std::string> options{"--log-level", "warn"};
  if (nagle) {
    std::ofstream(dir / "gateway.yaml") << "mqtt:\n  tcp_nodelay: false\n";
    options.insert(options.end(), {"--config", (dir / "gateway.yaml").string()});
  }
  Process gateway = startBenchGateway(dir, broker.uri(), coapPort, httpPort, options);
  if (!waitForTcpPort(httpPort, 15s)) {
    std::fprintf(stderr, "bench_mqtt_commands: the gateway did not start\n");
    return 1;
  }
  Process sim = Process::start({LWM2M_SIM_BIN, "--server", "127.0.0.1:" + std::to_string(coapPort), "--count",
                                std::to_string(devices), "--prefix", "bench-", "--objects", "1/0,3/0", "--quiet",
                                "--lifetime", "600"},
                               {(dir / "sim.log").string()});

  const auto device = [devices](std::uint64_t n) { return endpointName(static_cast<int>(n % devices)); };
  Asker toGateway(broker, "bench-cloud", "lwm2m/+/cmd/result",
                  [device](std::uint64_t n) { return "lwm2m/" + device(n) + "/cmd"; });
  Asker toBaseline(broker, "bench-baseline", "bench/+/cmd/result",
                   [device](std::uint64_t n) { return "bench/" + device(n) + "/cmd"; });
  Answerer answerer(broker);
  const std::size_t fast = sendAtOnceToBroker(broker.port());
  if (fast != 3) std::fprintf(stderr, "bench_mqtt_commands: TCP_NODELAY on %zu connections, not 3\n", fast);

  // Warm-up: passes over every device until one pass is answered in full
  // (a device not registered yet is answered 4.04).
  const auto ready = Clock::now() + 30s + std::chrono::milliseconds(20 * devices);
  for (;;) {
    const Latencies pass = toGateway.oneAtATime(devices);
    if (pass.unanswered + pass.failed == 0) break;
    if (Clock::now() > ready) {
      std::fprintf(stderr, "bench_mqtt_commands: devices not all answering (%zu of %d failed)\n",
                   pass.unanswered + pass.failed, devices);
      return 1;
    }
    std::this_thread::sleep_for(500ms);
  }
  toBaseline.oneAtATime(100);

  std::vector<Row> rows = {{"baseline: Paho request/answer", false, 0, {}},
                           {"gateway: command round trip", true, 0, {}},
                           {"baseline: Paho request/answer", false, rate, {}},
                           {"gateway: command round trip", true, rate, {}}};
  const int oneAtATime = std::max(50, seconds * 100 / rounds);
  const auto window = std::chrono::milliseconds(seconds * 1000 / rounds);
  const std::string loadBefore = loadAverage();
  for (int round = 0; round < rounds; ++round) {
    for (Row& row : rows) {
      Asker& asker = row.gateway ? toGateway : toBaseline;
      const double cpuBefore = processCpuSeconds(gateway.pid());
      const auto started = Clock::now();
      Latencies measured = row.rate > 0 ? asker.paced(row.rate, window) : asker.oneAtATime(oneAtATime);
      row.wallSeconds += std::chrono::duration<double>(Clock::now() - started).count();
      if (row.gateway) measured.cpuSeconds = processCpuSeconds(gateway.pid()) - cpuBefore;
      row.latencies.add(measured);
    }
  }
  sim.terminate();
  gateway.terminate();
  const std::string loadAfter = loadAverage();

  auto ms = [](double s) { return s * 1000.0; };
  std::printf("bench_mqtt_commands: %d devices, read /3/0/0, QoS 1 both ways, database on %s, gateway TCP_NODELAY "
              "%s; %d rounds; load average %s -> %s on %u cores\n",
              devices, tmpfs ? "tmpfs" : "disk", nagle ? "off" : "on", rounds, loadBefore.c_str(),
              loadAfter.c_str(), std::thread::hardware_concurrency());
  std::printf("%-32s %9s %8s %9s %9s %9s %11s %7s\n", "", "load", "answered", "p50 ms", "p90 ms", "p99 ms",
              "CPU us/cmd", "lost");
  int status = 0;
  for (const Row& r : rows) {
    const auto& l = r.latencies;
    const std::string load = r.load();
    const std::string cpu = r.gateway && !l.seconds.empty()
                                ? std::to_string(static_cast<int>(l.cpuSeconds * 1e6 / static_cast<double>(l.sent)))
                                : "-";
    std::printf("%-32s %9s %8zu %9.3f %9.3f %9.3f %11s %7zu\n", r.name, load.c_str(), l.seconds.size(),
                ms(percentile(l.seconds, 0.5)), ms(percentile(l.seconds, 0.9)), ms(percentile(l.seconds, 0.99)),
                cpu.c_str(), l.unanswered + l.failed);
    if (l.seconds.empty() || l.unanswered + l.failed > 0) status = 1;
  }
  for (std::size_t i = 0; i + 1 < rows.size(); i += 2) {
    const auto& base = rows[i].latencies.seconds;
    const auto& gw = rows[i + 1].latencies.seconds;
    const double p50Gap = ms(percentile(gw, 0.5) - percentile(base, 0.5));
    const double p99Ratio = percentile(gw, 0.99) / std::max(1e-9, percentile(base, 0.99));
    std::printf("%-9s gateway - baseline p50 %+.3f ms (target <= +1 ms: %s); gateway / baseline p99 %.2f (target <= "
                "1.5: %s)\n",
                rows[i].rate > 0 ? (std::to_string(static_cast<int>(rows[i].rate)) + "/s").c_str() : "1 at once",
                p50Gap, p50Gap <= 1.0 ? "met" : "missed", p99Ratio, p99Ratio <= 1.5 ? "met" : "missed");
  }

  BenchReport report("bench_mqtt_commands");
  report.parameter("devices", devices);
  report.parameter("rate_per_s", rate);
  report.parameter("seconds", seconds);
  report.parameter("rounds", rounds);
  report.parameter("storage", tmpfs ? "tmpfs" : "disk");
  report.parameter("gateway_tcp_nodelay", nagle ? "off" : "on");
  report.loadAverage(loadBefore, loadAfter);
  for (const Row& r : rows) {
    const auto& s = r.latencies.seconds;
    report.latency(r.gateway, "command round trip, " + r.load(), r.rate > 0 ? r.rate : BenchReport::kNone,
                   r.wallSeconds > 0 ? static_cast<double>(s.size()) / r.wallSeconds : BenchReport::kNone,
                   ms(percentile(s, 0.5)), ms(percentile(s, 0.99)));
  }
  for (std::size_t i = 0; i + 1 < rows.size(); i += 2) {
    const Row& base = rows[i];
    const Row& gw = rows[i + 1];
    const std::string load = ", " + base.load();
    report.figure("round trip p50" + load, "ms", "lower", ms(percentile(gw.latencies.seconds, 0.5)),
                  ms(percentile(base.latencies.seconds, 0.5)));
    report.figure("round trip p99" + load, "ms", "lower", ms(percentile(gw.latencies.seconds, 0.99)),
                  ms(percentile(base.latencies.seconds, 0.99)));
    report.figure("commands lost" + load, "commands", "lower",
                  static_cast<double>(gw.latencies.unanswered + gw.latencies.failed),
                  static_cast<double>(base.latencies.unanswered + base.latencies.failed));
    if (gw.latencies.sent > 0) {
      report.figure("gateway CPU per command" + load, "us", "lower",
                    gw.latencies.cpuSeconds * 1e6 / static_cast<double>(gw.latencies.sent), BenchReport::kNone);
    }
  }
  if (!report.write()) status = 1;
  if (status == 0) {
    std::filesystem::remove_all(dir);
  } else {
    std::printf("logs kept in %s\n", dir.c_str());
  }
  return status;
}

}  // namespace
}  // namespace lwm2m::testing

int main(int argc, char** argv) {
  auto arg = [&](int i, int fallback) { return argc > i && argv[i][0] != '-' ? std::atoi(argv[i]) : fallback; };
  const bool tmpfs = argc > 5 && std::string(argv[5]) == "tmpfs";
  const bool nagle = argc > 6 && std::string(argv[6]) == "nagle";
  return lwm2m::testing::run(std::max(1, arg(1, 1000)), std::max(1, arg(2, 1000)), std::max(1, arg(3, 5)),
                             std::max(1, arg(4, 3)), tmpfs, nagle);
}
