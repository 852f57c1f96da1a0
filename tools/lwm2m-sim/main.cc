// lwm2m-sim: simulates LwM2M clients (devices) against an LwM2M server.
// One process drives thousands of devices, each with its own UDP socket.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "lwm2m/coap/asio_scheduler.h"
#include "lwm2m/coap/udp_transport.h"
#include "lwm2m/formats/content_format.h"
#include "tools/lwm2m-sim/bootstrap_client.h"
#include "tools/lwm2m-sim/simulated_device.h"
#include "tools/lwm2m-sim/vendor_object.h"

namespace {

struct Options {
  std::string server = "127.0.0.1:5683";
  std::string bootstrap;
  std::string stateDir;
  bool bootstrapPack = false;
  std::string packFormat = "senml-cbor";
  std::string bind;
  int firstPort = 0;
  int count = 1;
  std::string endpoint;
  std::string prefix = "sim-";
  std::uint32_t lifetime = 300;
  std::string version = "1.1";
  std::string binding = "U";
  bool queue = false;
  std::string objects = "1/0,3/0,5/0,3303/0,3311/0,3311/1";
  double sendInterval = 0;
  int updateInterval = 0;
  double duration = 0;
  double rate = 0;
  double rebindAfter = 0;
  std::string rebindWith = "update";
  bool noDeregister = false;
  bool quiet = false;
  std::string pskIdentity;
  std::string pskKey;
  std::string certFile, keyFile, caFile;
  std::vector<std::string> neverAnswer;
  double awakeFor = 0;
  double answerAfter = 0;
  int customObject = -1;
  std::string writeDdf;
};

// Hex digits to bytes; empty on malformed input.
std::vector<std::uint8_t> hexBytes(const std::string& hex) {
  std::vector<std::uint8_t> out;
  if (hex.size() % 2 != 0) return {};
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    char* end = nullptr;
    const std::string pair = hex.substr(i, 2);
    const long value = std::strtol(pair.c_str(), &end, 16);
    if (end != pair.c_str() + 2) return {};
    out.push_back(static_cast<std::uint8_t>(value));
  }
  return out;
}

// "host:port" or "[v6]:port" → host, port.
bool splitHostPort(const std::string& text, std::string& host, std::uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    int p = std::stoi(text.substr(colon + 1));
    if (p <= 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

std::vector<std::string> objectLinks(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item.front() == '/' ? item : "/" + item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void raiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string endpointName(const Options& o, int index) {
  if (o.count == 1 && !o.endpoint.empty()) return o.endpoint;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", index + 1);
  return o.prefix + buf;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "lwm2m-sim: simulated LwM2M devices. Each device registers with the server, sends\n"
      "Updates, answers every device management operation (Read, Discover, Write,\n"
      "Write-Attributes, Execute, Create, Delete, composite operations, Observe) on Server (1),\n"
      "Device (3), Firmware Update (5), Temperature (3303) and Light Control (3311), sends\n"
      "notifications as the written attributes ask, optionally Send reports (--send), and\n"
      "de-registers on exit (SIGINT/SIGTERM or --duration). Prints one line per event on stdout;\n"
      "a firmware package written to /5/0/0, or downloaded (CoAP Block2) from a Package URI\n"
      "written to /5/0/1, is reported with its size and CRC-32\n"
      "(firmware-received EP bytes=N crc=XXXXXXXX)."};
  app.add_option("-s,--server", o.server, "LwM2M server as HOST:PORT ([::1]:5683 for IPv6)")
      ->capture_default_str();
  app.add_option("--bootstrap", o.bootstrap,
                 "bootstrap first from this LwM2M bootstrap server (HOST:PORT), then register with the "
                 "server it provisions (over DTLS PSK when it gives coaps and PSK credentials); "
                 "--server is then not used and the DTLS options are for the bootstrap server "
                 "(its DTLS port, bootstrap.listen_dtls)");
  app.add_flag("--bootstrap-pack", o.bootstrapPack,
               "with --bootstrap: ask for the whole configuration at once with a Bootstrap-Pack-Request "
               "(LwM2M 1.2, GET /bspack) instead of a Bootstrap-Request; the devices announce LwM2M 1.2");
  app.add_option("--pack-format", o.packFormat, "the format the Bootstrap-Pack is asked for in")
      ->check(CLI::IsMember({"senml-cbor", "senml-json", "lwm2m-cbor"}))
      ->capture_default_str();
  app.add_option("--state-dir", o.stateDir,
                 "with --bootstrap: keep each device's provisioned account in DIR/ENDPOINT.account "
                 "(key included, mode 0600) and, when there is one, register with it without bootstrapping")
      ->type_name("DIR");
  app.add_option("--bind", o.bind, "local address for the devices' sockets (default: loopback of the server's family)");
  app.add_option("--first-port", o.firstPort,
                 "device N (from 0) sends from UDP port FIRST-PORT+N, so a later run can reuse the ports of an "
                 "earlier one (0: a port the system picks)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("-n,--count", o.count, "number of devices")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("-e,--endpoint", o.endpoint, "endpoint name (with --count 1)");
  app.add_option("--prefix", o.prefix, "endpoint name prefix; devices are PREFIX0001, PREFIX0002, ...")
      ->capture_default_str();
  app.add_option("-l,--lifetime", o.lifetime, "registration lifetime in seconds")->capture_default_str();
  app.add_option("--lwm2m", o.version, "LwM2M version to announce: 1.0, 1.1, 1.2, or \"\" for none")
      ->capture_default_str();
  app.add_option("-b,--binding", o.binding, "binding mode")->capture_default_str();
  app.add_flag("-q,--queue", o.queue, "announce queue mode (Q parameter, or b=UQ for 1.0)");
  app.add_option("--objects", o.objects, "object links, comma separated")->capture_default_str();
  app.add_option("--update-interval", o.updateInterval, "seconds between Updates (0: lifetime/2)")
      ->capture_default_str();
  app.add_option("-d,--duration", o.duration, "run this many seconds, then de-register and exit (0: until a signal)")
      ->capture_default_str();
  app.add_option("--rate", o.rate, "registrations started per second (0: all at once)")->capture_default_str();
  app.add_option("--send", o.sendInterval,
                 "send a Send report (POST /dp, SenML CBOR: temperature and battery) every this many seconds (0: never)")
      ->capture_default_str();
  app.add_option("--rebind-after", o.rebindAfter,
                 "seconds after registering to move to a new UDP port, as after a NAT rebinding (0: never)")
      ->capture_default_str();
  app.add_option("--rebind-with", o.rebindWith,
                 "first message from the new port: update (an Update), notify (the next notification) "
                 "or send (a Send report; refused with 4.03, the device then Updates and sends again)")
      ->check(CLI::IsMember({"update", "notify", "send"}))
      ->capture_default_str();
  app.add_option("--custom-object", o.customObject,
                 "implement a vendor object with this id (no registry defines it): Label (String), Counter "
                 "(Integer), Setpoint (Float), Enabled (Boolean), Blob (Opaque), Reset (Execute), Levels "
                 "(multiple Integer), Last Reset (Time), Serial (Unsigned Integer); instances can be created and "
                 "deleted. Announced as /ID/0 unless --objects names its instances")
      ->check(CLI::Range(0, 65534));
  app.add_option("--write-ddf", o.writeDdf,
                 "write the OMA DDF XML of --custom-object to this file (for the server's object definitions) and exit");
  app.add_flag("--no-deregister", o.noDeregister, "exit without de-registering (the registration then expires)");
  app.add_flag("--quiet", o.quiet, "print only life-cycle events, not every Update, request and notification");
  const std::string misbehave = "Misbehaving on purpose";
  app.add_option("--never-answer", o.neverAnswer,
                 "acknowledge requests for this path (/3/0/9) or operation (read, read-composite, execute, ...) "
                 "with an empty ACK and never answer them (printed: never-answered EP OPERATION PATH); repeatable")
      ->group(misbehave);
  app.add_option("--answer-after", o.answerAfter,
                 "answer the --never-answer requests after all, this many seconds after they came (printed: "
                 "answering-late, answered-late)")
      ->check(CLI::NonNegativeNumber)
      ->group(misbehave);
  app.add_option("--awake-for", o.awakeFor,
                 "stay awake this many seconds after each Register and Update, then sleep: every datagram to the "
                 "device is lost until its next Update (printed: asleep EP, awake EP); 0: always awake")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(misbehave);
  const std::string dtls = "DTLS (point --server at the gateway's coaps port, 5684)";
  app.add_option("--psk-key", o.pskKey, "speak DTLS with this pre-shared key (hex)")->group(dtls);
  app.add_option("--psk-identity", o.pskIdentity,
                 "PSK identity (default: each device's endpoint name)")->group(dtls);
  app.add_option("--cert", o.certFile, "speak DTLS with this client certificate (PEM; with --key)")->group(dtls);
  app.add_option("--key", o.keyFile, "private key of --cert (PEM)")->group(dtls);
  app.add_option("--ca", o.caFile, "CA certificates the gateway's certificate must chain to (PEM)")->group(dtls);
  CLI11_PARSE(app, argc, argv);
  if (!o.writeDdf.empty()) {
    if (o.customObject < 0) {
      std::cerr << "lwm2m-sim: --write-ddf needs --custom-object ID\n";
      return 2;
    }
    std::ofstream ddf(o.writeDdf, std::ios::binary | std::ios::trunc);
    ddf << lwm2m::sim::vendorObjectDdf(static_cast<lwm2m::model::ObjectId>(o.customObject));
    ddf.close();
    if (!ddf) {
      std::cerr << "lwm2m-sim: --write-ddf " << o.writeDdf << ": cannot write\n";
      return 1;
    }
    return 0;
  }

  std::optional<std::uint16_t> packFormat;
  if (o.bootstrapPack) {
    if (o.bootstrap.empty()) {
      std::cerr << "lwm2m-sim: --bootstrap-pack needs --bootstrap HOST:PORT\n";
      return 2;
    }
    if (app.count("--lwm2m") == 0) o.version = "1.2";
    if (o.version != "1.2") {
      std::cerr << "lwm2m-sim: --bootstrap-pack is LwM2M 1.2, not --lwm2m " << o.version << "\n";
      return 2;
    }
    packFormat = o.packFormat == "senml-json"   ? lwm2m::formats::kSenmlJson
                 : o.packFormat == "lwm2m-cbor" ? lwm2m::formats::kLwm2mCbor
                                                : lwm2m::formats::kSenmlCbor;
  }

  std::optional<lwm2m::coap::DtlsSettings> dtlsSettings;
  if (!o.pskKey.empty() || !o.certFile.empty()) {
    lwm2m::coap::DtlsSettings d;
    d.role = lwm2m::coap::DtlsSettings::Role::Client;
    if (!o.pskKey.empty()) {
      d.pskKey = hexBytes(o.pskKey);
      if (d.pskKey.empty()) {
        std::cerr << "lwm2m-sim: --psk-key: expected an even number of hex digits\n";
        return 2;
      }
    }
    d.certificateFile = o.certFile;
    d.privateKeyFile = o.keyFile;
    d.caFile = o.caFile;
    dtlsSettings = d;
  }

  std::string host;
  std::uint16_t port = 0;
  const std::string serverOption = o.bootstrap.empty() ? "--server" : "--bootstrap";
  const std::string& serverText = o.bootstrap.empty() ? o.server : o.bootstrap;
  if (!splitHostPort(serverText, host, port)) {
    std::cerr << "lwm2m-sim: " << serverOption << " " << serverText << ": expected HOST:PORT\n";
    return 2;
  }
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) {
    std::cerr << "lwm2m-sim: " << serverOption << " " << serverText << ": '" << host << "' is not an IP address\n";
    return 2;
  }
  const lwm2m::coap::Peer server(address, port);
  auto bindAddress = o.bind.empty()
                         ? (address.is_v6() ? boost::asio::ip::make_address("::1")
                                            : boost::asio::ip::make_address("127.0.0.1"))
                         : boost::asio::ip::make_address(o.bind, ec);
  if (ec) {
    std::cerr << "lwm2m-sim: --bind " << o.bind << ": not an IP address\n";
    return 2;
  }
  raiseFileLimit();

  boost::asio::io_context io;
  lwm2m::coap::AsioScheduler scheduler(io);
  std::mt19937 rng(std::random_device{}());
  auto random = [&rng] { return static_cast<std::uint32_t>(rng()); };
  lwm2m::sim::EventLog log(o.quiet);

  std::vector<std::unique_ptr<lwm2m::sim::SimulatedDevice>> devices;
  devices.reserve(static_cast<std::size_t>(o.count));
  std::vector<std::unique_ptr<lwm2m::sim::BootstrapClient>> bootstraps;
  bool stopping = false;
  auto deviceSettings = [&](int i) {
    lwm2m::sim::DeviceSettings settings;
    settings.endpoint = endpointName(o, i);
    settings.lifetime = o.lifetime;
    settings.version = o.version;
    settings.binding = o.binding;
    settings.queueMode = o.queue;
    settings.objectLinks = objectLinks(o.objects);
    if (o.customObject >= 0) {
      const auto id = static_cast<lwm2m::model::ObjectId>(o.customObject);
      settings.vendorObject = id;
      const std::string prefix = "/" + std::to_string(id) + "/";
      const bool announced = std::any_of(settings.objectLinks.begin(), settings.objectLinks.end(),
                                         [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
      if (!announced) settings.objectLinks.push_back(prefix + "0");
    }
    settings.updateInterval = std::chrono::seconds(o.updateInterval);
    settings.sendInterval = std::chrono::milliseconds(static_cast<long>(o.sendInterval * 1000));
    settings.rebindAfter = std::chrono::milliseconds(static_cast<long>(o.rebindAfter * 1000));
    settings.misbehaviour.neverAnswer = o.neverAnswer;
    settings.misbehaviour.answerAfter = std::chrono::milliseconds(static_cast<long>(o.answerAfter * 1000));
    settings.misbehaviour.awakeFor = std::chrono::milliseconds(static_cast<long>(o.awakeFor * 1000));
    if (dtlsSettings) {
      settings.dtls = dtlsSettings;
      if (!o.pskKey.empty()) settings.dtls->pskIdentity = o.pskIdentity.empty() ? settings.endpoint : o.pskIdentity;
    }
    settings.rebindWith = o.rebindWith == "notify" ? lwm2m::sim::RebindUplink::Notify
                          : o.rebindWith == "send" ? lwm2m::sim::RebindUplink::Send
                                                   : lwm2m::sim::RebindUplink::Update;
    return settings;
  };
  // With --bootstrap a device is created once its bootstrap finished, with
  // the server, lifetime and credentials it was given.
  auto accountFile = [&](int i) { return o.stateDir + "/" + endpointName(o, i) + ".account"; };
  auto afterBootstrap = [&](int i, std::optional<lwm2m::sim::ProvisionedAccount> account) {
    if (!account || stopping) return;
    if (!o.stateDir.empty() && !lwm2m::sim::saveAccount(accountFile(i), *account)) {
      log.lifecycle("bootstrap-failed", endpointName(o, i), "cannot write " + accountFile(i));
    }
    lwm2m::sim::DeviceSettings settings = deviceSettings(i);
    settings.lifetime = account->lifetime;
    settings.dtls.reset();
    if (account->secure) {
      lwm2m::coap::DtlsSettings d;
      d.role = lwm2m::coap::DtlsSettings::Role::Client;
      d.pskIdentity = account->pskIdentity;
      d.pskKey = account->pskKey;
      settings.dtls = d;
    }
    try {
      devices.push_back(std::make_unique<lwm2m::sim::SimulatedDevice>(
          io, scheduler, account->server, lwm2m::coap::Peer(bindAddress, 0), settings, log, random));
      devices.back()->start();
    } catch (const std::exception& e) {
      log.lifecycle("register-failed", settings.endpoint, e.what());
    }
  };
  try {
    for (int i = 0; i < o.count; ++i) {
      if (!o.bootstrap.empty()) {
        if (auto kept = o.stateDir.empty() ? std::nullopt : lwm2m::sim::loadAccount(accountFile(i))) {
          log.lifecycle("bootstrap-skipped", endpointName(o, i), "account from " + accountFile(i));
          scheduler.schedule(std::chrono::milliseconds(0), [&afterBootstrap, i, account = *kept] {
            afterBootstrap(i, account);
          });
          continue;
        }
        auto dtls = deviceSettings(i).dtls;  // toward the bootstrap server
        bootstraps.push_back(std::make_unique<lwm2m::sim::BootstrapClient>(
            io, scheduler, server, lwm2m::coap::Peer(bindAddress, 0), endpointName(o, i), log, random,
            [&afterBootstrap, i](std::optional<lwm2m::sim::ProvisionedAccount> account) {
              afterBootstrap(i, std::move(account));
            },
            dtls, packFormat));
        continue;
      }
      const int port = o.firstPort > 0 ? o.firstPort + i : 0;
      if (port > 65535) {
        std::cerr << "lwm2m-sim: --first-port " << o.firstPort << " leaves no port for device " << i + 1 << "\n";
        return 2;
      }
      devices.push_back(std::make_unique<lwm2m::sim::SimulatedDevice>(
          io, scheduler, server, lwm2m::coap::Peer(bindAddress, static_cast<std::uint16_t>(port)),
          deviceSettings(i), log, random));
    }
  } catch (const std::exception& e) {
    std::cerr << "lwm2m-sim: cannot create devices: " << e.what() << "\n";
    return 1;
  }

  // Start devices, paced by --rate.
  const auto spacing = o.rate > 0 ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(1.0 / o.rate))
                                  : std::chrono::steady_clock::duration::zero();
  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto* device = devices[i].get();
    if (spacing.count() == 0) {
      device->start();
    } else {
      scheduler.schedule(spacing * static_cast<long>(i), [device] { device->start(); });
    }
  }
  for (std::size_t i = 0; i < bootstraps.size(); ++i) {
    auto* client = bootstraps[i].get();
    if (spacing.count() == 0) {
      client->start();
    } else {
      scheduler.schedule(spacing * static_cast<long>(i), [client] { client->start(); });
    }
  }

  std::size_t pending = 0;
  auto stopAll = [&] {
    if (stopping) return;
    stopping = true;
    pending = devices.size();
    for (auto& device : devices) {
      device->stop(!o.noDeregister, [&] {
        if (--pending == 0) io.stop();
      });
    }
    if (devices.empty()) io.stop();
    // Bounded: give up on unanswered De-registers after the CoAP timeout.
    scheduler.schedule(std::chrono::seconds(30), [&io] { io.stop(); });
  };

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int) {
    if (!error) stopAll();
  });
  if (o.duration > 0) {
    scheduler.schedule(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(o.duration)),
                       stopAll);
  }
  io.run();
  devices.clear();
  bootstraps.clear();
  return 0;
}
