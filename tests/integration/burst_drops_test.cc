// Bursts at the real daemon: the socket buffers it was configured with are
// the ones in effect, and datagrams the kernel drops while the gateway cannot
// read (stopped with SIGSTOP) are counted in /metrics and /health and logged,
// so that received + dropped = sent: nothing is lost silently. A storm of
// Registers that fills the receive buffer is shed with 5.03 and Max-Age
// before the kernel has to drop anything.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "lwm2m/coap/codec.h"
#include "tests/integration/gateway_process.h"
#include "tests/integration/transfer_support.h"
#include "tests/integration/json_reading.h"
#include "tests/support/prometheus_text.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// No broker: the CoAP side does not need one.
const std::string kNoBroker = "tcp://127.0.0.1:" + std::to_string(freeTcpPort());

// A gateway.yaml with `yaml` in a fresh directory, removed at the end.
class BurstConfig {
 public:
  explicit BurstConfig(const std::string& yaml)
      : dir_(fs::temp_directory_path() / ("burst-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "gateway.yaml") << yaml;
  }
  ~BurstConfig() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string file() const { return (dir_ / "gateway.yaml").string(); }

 private:
  static inline int n_ = 0;
  fs::path dir_;
};

PromExposition metricsOf(const GatewayProcess& gateway) {
  auto answer = httpGet(gateway.httpUrl("/metrics"));
  EXPECT_EQ(answer.status, 200);
  auto parsed = parsePrometheusText(answer.body);
  EXPECT_TRUE(parsed.exposition) << parsed.error;
  return parsed.exposition.value_or(PromExposition{});
}

double sampleOf(const PromExposition& m, const std::string& name, const PromLabels& labels = {}) {
  auto v = m.value(name, labels);
  EXPECT_TRUE(v) << "no sample " << name;
  return v.value_or(-1);
}

// Sends `count` CoAP NON messages (empty: the gateway reads and ignores
// them) to 127.0.0.1:port from one socket, as fast as it can.
void blast(std::uint16_t port, int count) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::uint8_t datagram[64] = {0x50, 0x00, 0x00, 0x00};  // NON, empty, message ID below
  for (int i = 0; i < count; ++i) {
    datagram[2] = static_cast<std::uint8_t>(i >> 8);
    datagram[3] = static_cast<std::uint8_t>(i);
    ASSERT_EQ(::sendto(fd, datagram, sizeof(datagram), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)),
              static_cast<ssize_t>(sizeof(datagram)));
  }
  ::close(fd);
}

TEST(BurstDrops, TheConfiguredSocketBuffersAreInEffect) {
  BurstConfig config("coap:\n  receive_buffer_kb: 1024\n  send_buffer_kb: 256\n");
  GatewayProcess gateway(kNoBroker, "127.0.0.1", {"--config", config.file()});
  const auto m = metricsOf(gateway);
  const double receive = sampleOf(m, "lwm2m_gateway_coap_receive_buffer_bytes", {{"listener", "coap"}});
  if (receive == 2 * 1024 * 1024) {  // Linux reports twice the size set
    EXPECT_TRUE(waitForLog(gateway, "coap listener " + gateway.coapAddress() +
                                        ": receive buffer 1024 KiB, send buffer 256 KiB"))
        << gateway.log();
  } else {  // no CAP_NET_ADMIN and a lower net.core.rmem_max: said once, with the way out
    EXPECT_TRUE(waitForLog(gateway, "receive buffer capped by the kernel: asked 1024 KiB")) << gateway.log();
    EXPECT_TRUE(waitForLog(gateway, "sysctl -w net.core.rmem_max=1048576")) << gateway.log();
  }
  EXPECT_EQ(sampleOf(m, "lwm2m_gateway_coap_datagrams_dropped_total", {{"listener", "coap"}}), 0);
  auto health = parse(httpGet(gateway.httpUrl("/health")).body);
  ASSERT_TRUE(health.IsObject());
  ASSERT_TRUE(health["listeners"].IsArray());
  EXPECT_EQ(str(health["listeners"][0]["name"]), "coap");
  EXPECT_EQ(health["listeners"][0]["receiveBuffer"].GetDouble(), receive);
  EXPECT_FALSE(health.HasMember("warnings")) << "nothing dropped, nothing to say";
}

TEST(BurstDrops, DatagramsDroppedWhileTheGatewayCannotReadAreCountedAndLogged) {
  BurstConfig config("coap:\n  receive_buffer_kb: 4\n");  // a few dozen datagrams
  GatewayProcess gateway(kNoBroker, "127.0.0.1", {"--config", config.file()});
  const double receivedBefore = sampleOf(metricsOf(gateway), "lwm2m_gateway_coap_datagrams_received_total");

  constexpr int kBurst = 3000;
  ASSERT_EQ(::kill(gateway.pid(), SIGSTOP), 0);
  blast(gateway.coapPort(), kBurst);
  ASSERT_EQ(::kill(gateway.pid(), SIGCONT), 0);

  ASSERT_TRUE(waitForLog(gateway, "datagrams dropped by the kernel (receive buffer full", 5s)) << gateway.log();
  EXPECT_TRUE(waitForLog(gateway, "Raise coap.receive_buffer_kb (now 4 KiB)")) << gateway.log();
  const auto m = metricsOf(gateway);
  const double dropped = sampleOf(m, "lwm2m_gateway_coap_datagrams_dropped_total", {{"listener", "coap"}});
  const double received = sampleOf(m, "lwm2m_gateway_coap_datagrams_received_total") - receivedBefore;
  EXPECT_GT(dropped, kBurst / 2);
  EXPECT_EQ(received + dropped, kBurst) << "every datagram either read or counted as dropped";

  auto health = parse(httpGet(gateway.httpUrl("/health")).body);
  ASSERT_TRUE(health.IsObject());
  EXPECT_EQ(str(health["status"]), "ok") << "the gateway serves; the drops are named, not a failure";
  EXPECT_EQ(health["listeners"][0]["dropped"].GetDouble(), dropped);
  ASSERT_TRUE(health["warnings"].IsArray());
  ASSERT_EQ(health["warnings"].Size(), 1u);
  EXPECT_NE(str(health["warnings"][0]).find("datagrams dropped by the kernel"), std::string::npos);
}

// The bytes waiting in the receive queue of the UDP socket bound to
// 127.0.0.1:port, as /proc/net/udp tells them (rx_queue, the kernel's
// accounting); -1 when no such socket is listed.
long receiveQueueBytes(std::uint16_t port) {
  std::ifstream table("/proc/net/udp");
  std::string line;
  std::getline(table, line);  // header
  char wanted[16];
  std::snprintf(wanted, sizeof(wanted), "0100007F:%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    if (local != wanted) continue;
    return std::stol(queues.substr(queues.find(':') + 1), nullptr, 16);
  }
  return -1;
}

// A device on a socket of its own that sends one CON Register.
struct StormDevice {
  RawCoapSocket socket;
  std::uint16_t messageId = 0;

  void sendRegister(std::uint16_t port, int n) {
    coap::Message request;
    request.type = coap::MessageType::Confirmable;
    request.code = coap::codes::Post;
    messageId = static_cast<std::uint16_t>(n + 1);
    request.messageId = messageId;
    request.token = {static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    request.setUriPath("rd");
    request.addUriQuery("ep=storm-" + std::to_string(n));
    request.addUriQuery("lt=300");
    request.addUriQuery("lwm2m=1.1");
    const std::string links = "</1/0>,</3/0>";
    request.payload.assign(links.begin(), links.end());
    socket.send(port, request);
  }

  // The answer to the Register (an ACK with its message ID), skipping the
  // gateway's own requests; nullopt after `wait`.
  std::optional<coap::Message> answer(std::chrono::milliseconds wait) { return socket.acknowledgement(messageId, wait); }
};

// A power cut's worth of devices registering at once while the gateway is
// behind (here: stopped): the first Registers it reads find its receive
// buffer filling and are answered 5.03 with Max-Age; once the queue has
// drained below three quarters of the bound the rest register; the kernel
// drops nothing, so every device gets an answer.
TEST(BurstDrops, ARegisterStormFillingTheReceiveBufferIsShedWithMaxAgeNotDroppedByTheKernel) {
  BurstConfig config(
      "coap:\n  receive_buffer_kb: 256\nlwm2m:\n  overload_receive_queue_percent: 20\n"
      "  overload_receive_queue_retry_s: 3\n");
  GatewayProcess gateway(kNoBroker, "127.0.0.1", {"--config", config.file()});
  const double capacity =
      sampleOf(metricsOf(gateway), "lwm2m_gateway_coap_receive_buffer_bytes", {{"listener", "coap"}});
  ASSERT_GT(capacity, 0);
  ASSERT_GE(receiveQueueBytes(gateway.coapPort()), 0) << "the gateway's socket is not in /proc/net/udp";

  // Registers until the stopped gateway's queue is 60 % full: the first
  // ones read see it well above the 20 % bound, and nothing is dropped.
  ASSERT_EQ(::kill(gateway.pid(), SIGSTOP), 0);
  std::vector<std::unique_ptr<StormDevice>> devices;
  while (receiveQueueBytes(gateway.coapPort()) < 0.6 * capacity && devices.size() < 5000) {
    devices.push_back(std::make_unique<StormDevice>());
    devices.back()->sendRegister(gateway.coapPort(), static_cast<int>(devices.size()));
  }
  const double queued = static_cast<double>(receiveQueueBytes(gateway.coapPort()));
  ASSERT_EQ(::kill(gateway.pid(), SIGCONT), 0);
  ASSERT_LT(queued, capacity) << "the storm itself overflowed the buffer; the test needs fewer devices";
  ASSERT_GE(devices.size(), 20u);

  int registered = 0, shed = 0, other = 0, unanswered = 0;
  for (auto& device : devices) {
    const auto answer = device->answer(10s);
    if (!answer) {
      ++unanswered;
    } else if (answer->code == coap::codes::Created) {
      ++registered;
    } else if (answer->code == coap::codes::ServiceUnavailable) {
      ++shed;
      const auto maxAge = answer->uintOption(coap::option::MaxAge);
      ASSERT_TRUE(maxAge) << "a 5.03 without Max-Age";
      EXPECT_GE(*maxAge, 3u);
      EXPECT_LE(*maxAge, 6u) << "between overload_receive_queue_retry_s and twice it";
    } else {
      ++other;
    }
  }
  EXPECT_EQ(unanswered, 0) << "every device got an answer";
  EXPECT_EQ(other, 0);
  EXPECT_GT(shed, 0) << "the Registers read first saw the queue above the bound";
  EXPECT_GT(registered, 0) << "the later ones, once the queue had drained, registered";
  const auto m = metricsOf(gateway);
  EXPECT_EQ(sampleOf(m, "lwm2m_gateway_coap_datagrams_dropped_total", {{"listener", "coap"}}), 0);
  EXPECT_EQ(sampleOf(m, "lwm2m_gateway_coap_requests_shed_total", {{"request", "register"}}), shed);
  EXPECT_EQ(sampleOf(m, "lwm2m_gateway_registered_devices",
                     {{"state", "registered"}, {"lwm2m_version", "1.1"}, {"binding", "U"}}),
            registered);
  std::cout << devices.size() << " devices: " << shed << " shed, " << registered << " registered\n";
  EXPECT_TRUE(waitForLog(gateway, "% of a device listener's receive buffer is queued "
                                  "(lwm2m.overload_receive_queue_percent: 20); new Registers and Sends are "
                                  "answered 5.03 Service Unavailable with Max-Age 3..6 s"))
      << gateway.log();
  EXPECT_TRUE(waitForLog(gateway, "Registers and Sends were answered 5.03 meanwhile")) << gateway.log();
}

}  // namespace
}  // namespace lwm2m::testing
