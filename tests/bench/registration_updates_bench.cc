// bench_registration_updates: the LwM2M Registration Interface of the real
// gateway under load, beside a do-nothing UDP echo server driven by the same
// load client in the same run (the machine's ceiling for "request in,
// response out").
//
// Per run:
//   echo:     STORM devices send a Register each, then UPDATE_DEVICES of them
//             send Updates in a closed loop of OUTSTANDING requests for SECONDS;
//             the echo server sends each datagram back.
//   gateway, a mapping that publishes nothing (uplink: [], no auto-observe):
//             the same STORM devices register (registrations/s), then the same
//             Updates (Updates/s, the gateway's CPU per Update, p50/p99). RSS
//             with no device and with the STORM devices registered gives the
//             memory per registered device. Then the restart: the gateway is
//             killed (SIGKILL) and started again on its data; Updates of 100
//             stored registrations spread over all of them are sent from the
//             start on, and the time until the first and until all of them are
//             answered 2.04 is the restart figure.
//   gateway, the default mapping (every Update published to MQTT, QoS 1, into
//             a real Mosquitto): UPDATE_DEVICES devices register, then the same
//             Updates.
// Each device speaks from its own loopback address (127.1.x.y) and port, a
// few sockets for all of them (tests/bench/registration_load.h). Updates are
// CON POST /rd/{id} without parameters (a lifetime refresh), each answered
// 2.04 before the device sends again.
//
// Usage: bench_registration_updates [UPDATE_DEVICES=1000] [STORM=10000] [OUTSTANDING=32] [SECONDS=3]
// With LWM2M_BENCH_JSON=FILE it also writes its figures there (bench_report.h).
//
//        bench_registration_updates drive PORT DEVICES UPDATES
// Only the load, against a gateway already listening on 127.0.0.1:PORT (for
// scripts/bench-registration-instructions): DEVICES devices register, the
// line "registered N" is printed, and after a line on stdin they send UPDATES
// Updates in all; then "updated N" is printed and it waits for a line again
// before it exits.
// Exit status 1 if a gateway answered anything but 2.01/2.04/5.03.
// Loopback only; every process it starts is stopped when it returns.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lwm2m/coap/codec.h"
#include "tests/bench/bench_report.h"
#include "tests/bench/machine_load.h"
#include "tests/bench/registration_load.h"
#include "tests/bench/round_trips.h"
#include "tests/support/mosquitto.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

struct Settings {
  std::size_t updateDevices = 1000;
  std::size_t storm = 10000;
  std::size_t outstanding = 32;
  int seconds = 3;
};

constexpr std::size_t kSockets = 8;

std::vector<std::uint8_t> registerDatagram(std::size_t i) {
  return testing::registerDatagram(i, "regbench-", "</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3/0>,</5/0>");
}

std::vector<std::uint8_t> updateDatagram(std::size_t i, const std::string& location) {
  coap::Message m;
  m.type = coap::MessageType::Confirmable;
  m.code = coap::codes::Post;
  m.token = {0x55, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i >> 16)};
  m.setUriPath(location);
  return coap::encode(m);
}

std::uint8_t codeOf(std::span<const std::uint8_t> datagram) { return datagram.size() > 1 ? datagram[1] : 0; }

struct PhaseFigures {
  double registrationsPerSecond = 0;
  double updatesPerSecond = 0;
  double cpuMicrosPerUpdate = 0;
  double p50Ms = 0, p99Ms = 0;
  double rssIdleKb = 0, rssRegisteredKb = 0;
  std::size_t registered = 0, lost = 0, retries = 0, failures = 0;
  // The restart (gateway killed, started again on its data): from the start
  // until the first Update of a stored registration is answered 2.04, until
  // every sampled device's is, and how many were answered anything else.
  double restartFirstMs = 0, restartAllMs = 0;
  std::size_t restartSampled = 0, restartRefused = 0;
};

// Registers `count` devices (Register until 2.01) and then runs the Update
// loop over the first `updateDevices` of them, against whatever answers at
// `port`. `echo`: the answers are our own datagrams back.
PhaseFigures drive(std::uint16_t port, bool echo, std::size_t count, const Settings& s,
                   const std::function<double()>& serverCpu, const std::function<double()>& serverRssKb,
                   std::vector<std::string>* locationsOut = nullptr) {
  PhaseFigures f;
  LoopbackDevices devices(count, kSockets, port);
  std::vector<std::string> locations(count);
  std::vector<std::uint8_t> registered(count, 0);
  std::size_t failures = 0;
  if (serverRssKb) f.rssIdleKb = serverRssKb();

  LoopbackDevices::Shape storm;
  storm.outstanding = s.outstanding;
  storm.window = 120s;
  storm.stopAfterDone = count;
  storm.retryAfter = 1000ms;
  const auto registerNext = [&](std::size_t i, std::vector<std::uint8_t>& out) {
    if (registered[i]) return false;
    out = registerDatagram(i);
    return true;
  };
  const auto judgeRegister = [&](std::size_t i, std::span<const std::uint8_t> answer) {
    if (echo) {
      char id[16];
      std::snprintf(id, sizeof id, "e%09zu", i);
      locations[i] = std::string("rd/") + id;
      registered[i] = 1;
      return LoopbackDevices::Verdict::Done;
    }
    if (codeOf(answer) == coap::codes::ServiceUnavailable.value) return LoopbackDevices::Verdict::Retry;
    auto m = coap::decode(answer);
    if (!m || m->code != coap::codes::Created) {
      if (failures++ == 0) std::fprintf(stderr, "Register answered %s\n", m ? m->describe().c_str() : "(undecodable)");
      registered[i] = 1;  // do not hammer on
      return LoopbackDevices::Verdict::Done;
    }
    std::string location;
    for (const auto& segment : m->locationPath()) location += (location.empty() ? "" : "/") + segment;
    locations[i] = location;
    registered[i] = 1;
    return LoopbackDevices::Verdict::Done;
  };
  const auto stormOutcome = devices.run(storm, registerNext, judgeRegister);
  f.registrationsPerSecond = stormOutcome.perSecond();
  f.registered = static_cast<std::size_t>(std::count(registered.begin(), registered.end(), 1));
  f.lost += stormOutcome.lost;
  f.retries += stormOutcome.retries;
  if (serverRssKb) {
    std::this_thread::sleep_for(1s);  // the writes of the storm committed
    f.rssRegisteredKb = serverRssKb();
  }

  std::vector<std::vector<std::uint8_t>> updates(count);
  for (std::size_t i = 0; i < std::min(count, s.updateDevices); ++i) {
    if (!locations[i].empty()) updates[i] = updateDatagram(i, locations[i]);
  }
  LoopbackDevices::Shape loop;
  loop.outstanding = s.outstanding;
  loop.devices = s.updateDevices;
  loop.warmup = 500ms;
  loop.window = std::chrono::seconds(s.seconds);
  const auto updateNext = [&](std::size_t i, std::vector<std::uint8_t>& out) {
    if (updates[i].empty()) return false;
    out = updates[i];
    return true;
  };
  const auto judgeUpdate = [&](std::size_t, std::span<const std::uint8_t> answer) {
    if (echo || codeOf(answer) == coap::codes::Changed.value) return LoopbackDevices::Verdict::Done;
    if (codeOf(answer) == coap::codes::ServiceUnavailable.value) return LoopbackDevices::Verdict::Retry;
    if (failures++ == 0) {
      auto m = coap::decode(answer);
      std::fprintf(stderr, "Update answered %s\n", m ? m->describe().c_str() : "(undecodable)");
    }
    return LoopbackDevices::Verdict::Done;
  };
  double cpuAtStart = 0;
  const auto outcome = devices.run(loop, updateNext, judgeUpdate, [&] { cpuAtStart = serverCpu(); });
  const double cpu = serverCpu() - cpuAtStart;
  f.updatesPerSecond = outcome.perSecond();
  f.cpuMicrosPerUpdate = outcome.inWindow ? cpu / static_cast<double>(outcome.inWindow) * 1e6 : 0;
  f.p50Ms = percentile(outcome.latencySeconds, 0.5) * 1e3;
  f.p99Ms = percentile(outcome.latencySeconds, 0.99) * 1e3;
  f.lost += outcome.lost;
  f.retries += outcome.retries;
  f.failures = failures;
  if (locationsOut) *locationsOut = std::move(locations);
  return f;
}

// Starts `argv` (a gateway whose data holds the registrations at `locations`)
// and sends Updates of a sample of them, spread over all, from one socket
// (each resent every 5 ms until answered) until each is answered or 30 s pass.
// Fills the restart figures of `f`.
void measureRestart(const std::vector<std::string>& argv, const std::string& log, std::uint16_t coapPort,
                    const std::vector<std::string>& locations, Process& gateway, PhaseFigures& f) {
  constexpr std::size_t kSample = 100;
  std::vector<std::size_t> sample;
  for (std::size_t k = 0; k < kSample && !locations.empty(); ++k) {
    const std::size_t i = k * locations.size() / kSample;
    if (!locations[i].empty()) sample.push_back(i);
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(coapPort);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto start = std::chrono::steady_clock::now();
  gateway = Process::start(argv, {log});
  const auto since = [start] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  std::uint16_t messageId = 1;
  std::size_t next = 0;
  auto lastSent = start - 1s;
  while (next < sample.size() && since() < 30000) {
    if (std::chrono::steady_clock::now() - lastSent >= 5ms) {
      std::vector<std::uint8_t> datagram = updateDatagram(sample[next], locations[sample[next]]);
      ++messageId;
      datagram[2] = static_cast<std::uint8_t>(messageId >> 8);
      datagram[3] = static_cast<std::uint8_t>(messageId);
      ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
      lastSent = std::chrono::steady_clock::now();
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1) <= 0) continue;
    std::uint8_t answer[1500];
    const ssize_t size = ::recv(fd, answer, sizeof answer, MSG_DONTWAIT);
    if (size < 4 || answer[2] != static_cast<std::uint8_t>(messageId >> 8) ||
        answer[3] != static_cast<std::uint8_t>(messageId)) {
      continue;  // not the answer to the latest send (or ECONNREFUSED while nothing listens)
    }
    if (codeOf(std::span<const std::uint8_t>(answer, static_cast<std::size_t>(size))) == coap::codes::Changed.value) {
      if (next == 0) f.restartFirstMs = since();
    } else {
      ++f.restartRefused;
    }
    ++next;
    lastSent = start - 1s;  // the next device at once
  }
  if (next == sample.size()) f.restartAllMs = since();
  f.restartSampled = sample.size();
  ::close(fd);
}

// The `drive` mode (see the top): patient with a server that runs slowly (under valgrind).
int driveOnly(std::uint16_t port, std::size_t count, std::size_t updates) {
  LoopbackDevices devices(count, kSockets, port);
  std::vector<std::vector<std::uint8_t>> updateOf(count);
  LoopbackDevices::Shape shape;
  shape.outstanding = 32;
  shape.window = 3600s;
  shape.retransmitAfter = 20s;
  shape.giveUpAfter = 120s;
  shape.retryAfter = 1s;
  shape.stopAfterDone = count;
  std::size_t failures = 0;
  const auto registered = devices.run(
      shape,
      [&](std::size_t i, std::vector<std::uint8_t>& out) {
        if (!updateOf[i].empty()) return false;
        out = registerDatagram(i);
        return true;
      },
      [&](std::size_t i, std::span<const std::uint8_t> answer) {
        if (codeOf(answer) == coap::codes::ServiceUnavailable.value) return LoopbackDevices::Verdict::Retry;
        auto m = coap::decode(answer);
        std::string location;
        if (m && m->code == coap::codes::Created) {
          for (const auto& segment : m->locationPath()) location += (location.empty() ? "" : "/") + segment;
        } else {
          ++failures;
        }
        updateOf[i] = updateDatagram(i, location);
        return LoopbackDevices::Verdict::Done;
      });
  std::printf("registered %zu\n", registered.done - failures);
  std::fflush(stdout);
  std::string line;
  std::getline(std::cin, line);
  shape.stopAfterDone = updates;
  const auto updated = devices.run(
      shape,
      [&](std::size_t i, std::vector<std::uint8_t>& out) {
        out = updateOf[i];
        return true;
      },
      [&](std::size_t, std::span<const std::uint8_t> answer) {
        if (codeOf(answer) != coap::codes::Changed.value) ++failures;
        return LoopbackDevices::Verdict::Done;
      });
  std::printf("updated %zu\n", updated.done);
  std::fflush(stdout);
  std::getline(std::cin, line);
  if (failures) std::fprintf(stderr, "%zu answers were not 2.01/2.04\n", failures);
  return failures ? 1 : 0;
}

// The real gateway with `mapping` (empty: the default one), its data in a fresh directory.
PhaseFigures driveGateway(const Mosquitto& broker, const std::string& mapping, std::size_t count, const Settings& s,
                          bool restart = false) {
  const auto dir = std::filesystem::temp_directory_path() / ("bench-registration-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::uint16_t coapPort = freeUdpPort(), httpPort = freeTcpPort();
  std::vector<std::string> argv{LWM2M_GATEWAY_BIN, "--coap", "127.0.0.1:" + std::to_string(coapPort), "--http",
                                "127.0.0.1:" + std::to_string(httpPort), "--mqtt", broker.uri(), "--data-dir",
                                (dir / "data").string()};
  if (!mapping.empty()) {
    std::ofstream(dir / "mapping.yaml") << mapping;
    argv.insert(argv.end(), {"--mapping", (dir / "mapping.yaml").string()});
  }
  PhaseFigures f;
  {
    Process gateway = Process::start(argv, {(dir / "gateway.log").string()});
    if (!waitForTcpPort(httpPort, 15s)) throw std::runtime_error("gateway did not start, see " + dir.string());
    // Connected to the broker, settled, and what only the start used unmapped
    // (10 s after it, gateway/daemon/startup_pages.h): the idle RSS is the
    // running gateway's.
    std::this_thread::sleep_for(11s);
    const pid_t pid = gateway.pid();
    std::vector<std::string> locations;
    f = drive(coapPort, false, count, s, [pid] { return processCpuSeconds(pid); },
              [pid] { return static_cast<double>(residentKib(pid)); }, &locations);
    if (restart) {
      std::this_thread::sleep_for(1500ms);  // the batched lifetime refreshes committed
      ::kill(pid, SIGKILL);                 // no clean shutdown to lean on
      gateway.waitFor(5s);
      measureRestart(argv, (dir / "gateway-restarted.log").string(), coapPort, locations, gateway, f);
      if (f.restartAllMs == 0 || f.restartRefused > 0) ++f.failures;
    }
    gateway.terminate();
  }
  if (f.failures == 0) std::filesystem::remove_all(dir);
  return f;
}

}  // namespace
}  // namespace lwm2m::testing

int main(int argc, char** argv) {
  using namespace lwm2m::testing;
  std::vector<std::string> args;  // positional; flags meant for other benchmarks are skipped
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind("--", 0) != 0) args.emplace_back(argv[i]);
  }
  if (args.size() == 4 && args[0] == "drive") {
    return driveOnly(static_cast<std::uint16_t>(std::stoul(args[1])), std::stoul(args[2]), std::stoul(args[3]));
  }
  Settings s;
  if (args.size() > 0) s.updateDevices = std::stoul(args[0]);
  if (args.size() > 1) s.storm = std::stoul(args[1]);
  if (args.size() > 2) s.outstanding = std::stoul(args[2]);
  if (args.size() > 3) s.seconds = std::stoi(args[3]);
  s.storm = std::max(s.storm, s.updateDevices);

  const std::string loadBefore = loadAverage();
  Mosquitto broker;
  std::printf("%zu devices register (%zu outstanding), then %zu of them send Updates for %d s (%zu outstanding)\n",
              s.storm, s.outstanding, s.updateDevices, s.seconds, s.outstanding);
  std::fflush(stdout);

  PhaseFigures echo;
  {
    UdpEchoServer server;
    echo = drive(server.port(), true, s.storm, s, [&server] { return server.cpuSeconds(); }, {});
  }
  const PhaseFigures quiet = driveGateway(broker, "uplink: []\ndownlink: []\n", s.storm, s, true);
  const PhaseFigures full = driveGateway(broker, "", s.updateDevices, s);

  const auto row = [](const char* name, const PhaseFigures& f) {
    std::printf("  %-34s %9.0f %9.0f %8.1f %7.3f %7.3f %7zu %7zu %7zu\n", name, f.registrationsPerSecond,
                f.updatesPerSecond, f.cpuMicrosPerUpdate, f.p50Ms, f.p99Ms, f.lost, f.retries, f.failures);
  };
  std::printf("  %-34s %9s %9s %8s %7s %7s %7s %7s %7s\n", "", "Reg/s", "Update/s", "CPU µs", "p50 ms", "p99 ms",
              "lost", "5.03", "failed");
  row("UDP echo (baseline)", echo);
  row("gateway, mapping publishes nothing", quiet);
  row("gateway, default mapping (MQTT)", full);
  const double perDevice = quiet.registered ? (quiet.rssRegisteredKb - quiet.rssIdleKb) * 1024 / quiet.registered : 0;
  std::printf("  Updates/s, mapping publishes nothing: %.1f %% of the echo rate; registrations/s: %.1f %% of it\n",
              100 * quiet.updatesPerSecond / echo.updatesPerSecond,
              100 * quiet.registrationsPerSecond / echo.registrationsPerSecond);
  std::printf("  gateway RSS %.1f MB idle, %.1f MB with %zu devices registered: %.0f bytes per device\n",
              quiet.rssIdleKb / 1024, quiet.rssRegisteredKb / 1024, quiet.registered, perDevice);
  std::printf("  restart (SIGKILL, %zu registrations stored): first Update answered %.0f ms after the start, "
              "%zu sampled devices %.0f ms, %zu answered otherwise\n",
              quiet.registered, quiet.restartFirstMs, quiet.restartSampled, quiet.restartAllMs, quiet.restartRefused);

  BenchReport report("bench_registration_updates");
  report.parameter("update devices", static_cast<double>(s.updateDevices));
  report.parameter("registering devices", static_cast<double>(s.storm));
  report.parameter("outstanding", static_cast<double>(s.outstanding));
  report.parameter("seconds", s.seconds);
  report.loadAverage(loadBefore, loadAverage());
  report.figure("Updates/s, mapping publishes nothing", "1/s", "higher", quiet.updatesPerSecond, echo.updatesPerSecond);
  report.figure("Updates/s, default mapping (MQTT QoS 1)", "1/s", "higher", full.updatesPerSecond,
                echo.updatesPerSecond);
  report.figure("Updates/s, mapping publishes nothing, share of the echo rate", "%", "higher",
                100 * quiet.updatesPerSecond / echo.updatesPerSecond, BenchReport::kNone);
  report.figure("server CPU per Update, mapping publishes nothing", "µs", "lower", quiet.cpuMicrosPerUpdate,
                echo.cpuMicrosPerUpdate);
  report.figure("server CPU per Update, default mapping", "µs", "lower", full.cpuMicrosPerUpdate,
                echo.cpuMicrosPerUpdate);
  report.figure("registrations/s (storm)", "1/s", "higher", quiet.registrationsPerSecond, echo.registrationsPerSecond);
  report.figure("RSS per registered device", "bytes", "lower", perDevice, BenchReport::kNone);
  report.figure("RSS idle", "MB", "lower", quiet.rssIdleKb / 1024, BenchReport::kNone);
  report.figure("restart: first stored registration's Update answered", "ms", "lower", quiet.restartFirstMs,
                BenchReport::kNone);
  report.figure("restart: 100 sampled registrations' Updates answered", "ms", "lower", quiet.restartAllMs,
                BenchReport::kNone);
  report.figure("Updates or Registers lost", "requests", "lower", static_cast<double>(quiet.lost + full.lost),
                static_cast<double>(echo.lost));
  report.latency(true, "Updates, mapping publishes nothing", BenchReport::kNone, quiet.updatesPerSecond, quiet.p50Ms,
                 quiet.p99Ms);
  report.latency(true, "Updates, default mapping", BenchReport::kNone, full.updatesPerSecond, full.p50Ms, full.p99Ms);
  report.latency(false, "UDP echo", BenchReport::kNone, echo.updatesPerSecond, echo.p50Ms, echo.p99Ms);
  const bool written = report.write();
  return written && quiet.failures == 0 && full.failures == 0 ? 0 : 1;
}
