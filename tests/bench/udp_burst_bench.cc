// bench_udp_burst: N devices sending to the real gateway in one burst, with
// the kernel's default receive buffer (208 KiB, coap.receive_buffer_kb: 0 —
// what the gateway had before) as the baseline measured in the same run
// beside the gateway's default (coap.receive_buffer_kb: 4096).
//
// Each device is its own UDP socket (its own port, as devices behind their
// own addresses are). The devices register first (CON, paced, retried until
// every one is registered); then every device sends one NON Update
// (POST /rd/{id}) within one second ("one second": evenly paced), and again
// all at once ("all at once": as fast as one sender can). Counted: Updates
// sent, devices that got their NON 2.04 back, and what the gateway itself
// says: lwm2m_gateway_coap_datagrams_dropped_total and _received_total.
//
// Usage: bench_udp_burst [DEVICES=10000] [RUNS=3] [REPORT=udp-burst.json]
// With LWM2M_BENCH_JSON=FILE it also writes the medians over its runs there,
// gateway default beside the baseline (bench_report.h).
// Loopback only; every process it starts is stopped when it returns.

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "lwm2m/coap/codec.h"
#include "tests/bench/bench_report.h"
#include "tests/bench/machine_load.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"
#include "tests/support/prometheus_text.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

struct Device {
  int fd = -1;
  std::string location;  // "rd/…" once registered
  bool answered = false; // the current phase's answer arrived
};

class Devices {
 public:
  Devices(std::size_t count, std::uint16_t gatewayPort) : epoll_(::epoll_create1(0)) {
    to_.sin_family = AF_INET;
    to_.sin_port = htons(gatewayPort);
    to_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    devices_.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      if (fd < 0) throw std::runtime_error("socket: out of descriptors? raise ulimit -n");
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u64 = i;
      ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e);
      devices_[i].fd = fd;
    }
  }
  ~Devices() {
    for (auto& d : devices_) ::close(d.fd);
    ::close(epoll_);
  }

  std::size_t size() const { return devices_.size(); }
  Device& operator[](std::size_t i) { return devices_[i]; }

  void send(std::size_t i, const coap::Message& m) {
    const auto bytes = coap::encode(m);
    ::sendto(devices_[i].fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to_), sizeof(to_));
  }

  // Reads answers until `until`, or until `enough()` holds.
  template <class OnAnswer, class Enough>
  void collect(SteadyClock::time_point until, OnAnswer onAnswer, Enough enough) {
    epoll_event events[256];
    std::uint8_t buffer[2048];
    while (SteadyClock::now() < until && !enough()) {
      const int n = ::epoll_wait(epoll_, events, 256, 20);
      for (int k = 0; k < n; ++k) {
        const auto i = static_cast<std::size_t>(events[k].data.u64);
        for (;;) {
          const ssize_t size = ::recv(devices_[i].fd, buffer, sizeof(buffer), 0);
          if (size <= 0) break;
          auto m = coap::decode(std::span<const std::uint8_t>(buffer, static_cast<std::size_t>(size)));
          if (m) onAnswer(i, *m);
        }
      }
    }
  }

 private:
  int epoll_;
  sockaddr_in to_{};
  std::vector<Device> devices_;
};

coap::Message registerRequest(std::size_t i, std::uint16_t mid) {
  coap::Message m;
  m.type = coap::MessageType::Confirmable;
  m.code = coap::codes::Post;
  m.messageId = mid;
  m.token = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(mid)};
  m.setUriPath("rd");
  char ep[32];
  std::snprintf(ep, sizeof(ep), "ep=burst-%05zu", i);
  m.addUriQuery(ep);
  m.addUriQuery("lt=3600");
  m.addUriQuery("lwm2m=1.1");
  m.setContentFormat(40);
  m.setPayload("</1/0>,</3/0>,</3303/0>");
  return m;
}

// Registers every device (batches of 500, each retried until answered).
std::size_t registerAll(Devices& devices) {
  std::uint16_t mid = 1;
  std::size_t registered = 0;
  for (std::size_t start = 0; start < devices.size(); start += 500) {
    const std::size_t end = std::min(devices.size(), start + 500);
    for (int attempt = 0; attempt < 5; ++attempt) {
      std::size_t waiting = 0;
      for (std::size_t i = start; i < end; ++i) {
        if (!devices[i].location.empty()) continue;
        devices.send(i, registerRequest(i, mid++));
        ++waiting;
      }
      if (waiting == 0) break;
      devices.collect(
          SteadyClock::now() + 2s,
          [&](std::size_t i, const coap::Message& m) {
            if (m.code != coap::codes::Created || !devices[i].location.empty()) return;
            for (const auto& segment : m.locationPath()) devices[i].location += (devices[i].location.empty() ? "" : "/") + segment;
            ++registered;
            --waiting;
          },
          [&] { return waiting == 0; });
    }
  }
  return registered;
}

struct Phase {
  std::size_t sent = 0;
  std::size_t answered = 0;
  double dropped = 0;   // the gateway's count
  double received = 0;  // the gateway's count
};

PromExposition scrape(std::uint16_t httpPort) {
  const std::string url = "http://127.0.0.1:" + std::to_string(httpPort) + "/metrics";
  const std::string file = "/tmp/bench-udp-burst-metrics-" + std::to_string(::getpid());
  const std::string command = "curl -s --max-time 10 -o " + file + " " + url;
  if (std::system(command.c_str()) != 0) return {};
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(file);
  auto parsed = parsePrometheusText(text);
  return parsed.exposition.value_or(PromExposition{});
}

// Every registered device sends one NON Update, spread over `spread` (0: at once).
Phase updateBurst(Devices& devices, std::uint16_t httpPort, std::chrono::milliseconds spread, std::uint16_t midBase) {
  const auto before = scrape(httpPort);
  Phase phase;
  for (std::size_t i = 0; i < devices.size(); ++i) devices[i].answered = false;
  const auto start = SteadyClock::now();
  const std::size_t chunk = 100;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (devices[i].location.empty()) continue;
    if (spread.count() > 0 && i % chunk == 0) {
      std::this_thread::sleep_until(start + spread * i / devices.size());
    }
    coap::Message m;
    m.type = coap::MessageType::NonConfirmable;
    m.code = coap::codes::Post;
    m.messageId = static_cast<std::uint16_t>(midBase + i);
    m.token = {0xb5, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8)};
    m.setUriPath(devices[i].location);
    devices.send(i, m);
    ++phase.sent;
  }
  devices.collect(
      SteadyClock::now() + 5s,
      [&](std::size_t i, const coap::Message& m) {
        if (m.code == coap::codes::Changed && !devices[i].answered) {
          devices[i].answered = true;
          ++phase.answered;
        }
      },
      [&] { return phase.answered == phase.sent; });
  std::this_thread::sleep_for(1100ms);  // the gateway reads its drop count every second
  const auto after = scrape(httpPort);
  const PromLabels coap{{"listener", "coap"}};
  phase.dropped = after.value("lwm2m_gateway_coap_datagrams_dropped_total", coap).value_or(-1) -
                  before.value("lwm2m_gateway_coap_datagrams_dropped_total", coap).value_or(0);
  phase.received = after.value("lwm2m_gateway_coap_datagrams_received_total").value_or(-1) -
                   before.value("lwm2m_gateway_coap_datagrams_received_total").value_or(0);
  return phase;
}

struct RunResult {
  std::size_t registered = 0;
  Phase oneSecond, atOnce;
};

RunResult runOnce(std::size_t count, std::uint32_t receiveBufferKb) {
  const auto dir = std::filesystem::temp_directory_path() / ("bench-udp-burst-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "gateway.yaml") << "coap:\n  receive_buffer_kb: " << receiveBufferKb << "\n";
  const std::uint16_t coapPort = freeUdpPort(), httpPort = freeTcpPort();
  RunResult result;
  {
    Process gateway = Process::start(
        {LWM2M_GATEWAY_BIN, "--config", (dir / "gateway.yaml").string(), "--coap", "127.0.0.1:" + std::to_string(coapPort),
         "--http", "127.0.0.1:" + std::to_string(httpPort), "--mqtt", "tcp://127.0.0.1:" + std::to_string(freeTcpPort()),
         "--data-dir", (dir / "data").string()},
        {(dir / "gateway.log").string()});
    if (!waitForTcpPort(httpPort, 15s)) throw std::runtime_error("gateway did not start, see " + dir.string());
    Devices devices(count, coapPort);
    result.registered = registerAll(devices);
    result.oneSecond = updateBurst(devices, httpPort, 1000ms, 0x1000);
    result.atOnce = updateBurst(devices, httpPort, 0ms, 0x8000);
    gateway.terminate();
  }
  std::filesystem::remove_all(dir);
  return result;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace
}  // namespace lwm2m::testing

int main(int argc, char** argv) {
  using namespace lwm2m::testing;
  // Positional arguments; flags meant for the other benchmarks (scripts/bench passes its arguments to all) are skipped.
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind("--", 0) != 0) args.emplace_back(argv[i]);
  }
  const std::size_t devices = args.size() > 0 ? std::stoul(args[0]) : 10000;
  const int runs = args.size() > 1 ? std::stoi(args[1]) : 3;
  const std::string report = args.size() > 2 ? args[2] : "udp-burst.json";
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);

  struct Case {
    const char* name;
    std::uint32_t kb;
  };
  const Case cases[] = {{"kernel default 208 KiB (baseline)", 0}, {"gateway default 4096 KiB", 4096}};
  // [case][phase] -> lost per run (sent - answered), dropped per run
  std::map<std::string, std::vector<double>> series;
  const std::string loadBefore = loadAverage();
  for (int run = 0; run < runs; ++run) {
    for (const Case& c : cases) {
      const RunResult r = runOnce(devices, c.kb);
      const std::string key = c.name;
      std::printf("run %d, %s: %zu registered; one second: %zu sent, %zu answered, gateway dropped %.0f, received "
                  "%.0f; at once: %zu sent, %zu answered, gateway dropped %.0f, received %.0f\n",
                  run + 1, c.name, r.registered, r.oneSecond.sent, r.oneSecond.answered, r.oneSecond.dropped,
                  r.oneSecond.received, r.atOnce.sent, r.atOnce.answered, r.atOnce.dropped, r.atOnce.received);
      std::fflush(stdout);
      series[key + "|one second|answered"].push_back(static_cast<double>(r.oneSecond.answered));
      series[key + "|one second|dropped"].push_back(r.oneSecond.dropped);
      series[key + "|at once|answered"].push_back(static_cast<double>(r.atOnce.answered));
      series[key + "|at once|dropped"].push_back(r.atOnce.dropped);
    }
  }
  std::ofstream json(report);
  json << "{\"devices\":" << devices << ",\"runs\":" << runs << ",\"series\":{";
  bool first = true;
  std::printf("\n%zu devices, %d runs: min / median / max\n", devices, runs);
  for (const auto& [key, values] : series) {
    const double lo = *std::min_element(values.begin(), values.end());
    const double hi = *std::max_element(values.begin(), values.end());
    std::printf("  %-60s %8.0f %8.0f %8.0f\n", key.c_str(), lo, median(values), hi);
    json << (first ? "" : ",") << "\"" << key << "\":{\"min\":" << lo << ",\"median\":" << median(values)
         << ",\"max\":" << hi << "}";
    first = false;
  }
  json << "}}\n";

  BenchReport summary("bench_udp_burst");
  summary.parameter("devices", static_cast<double>(devices));
  summary.parameter("runs", runs);
  summary.loadAverage(loadBefore, loadAverage());
  for (const char* phase : {"one second", "at once"}) {
    const auto medianOf = [&](const Case& c, const char* what) {
      return median(series[std::string(c.name) + "|" + phase + "|" + what]);
    };
    summary.figure(std::string("devices answered, ") + phase, "devices", "higher", medianOf(cases[1], "answered"),
                   medianOf(cases[0], "answered"));
    summary.figure(std::string("datagrams dropped by the kernel, ") + phase, "datagrams", "lower",
                   medianOf(cases[1], "dropped"), medianOf(cases[0], "dropped"));
  }
  return summary.write() ? 0 : 1;
}
