// The real daemon's connection to a real Mosquitto, seen from outside the
// process: TCP_NODELAY is set on it (mqtt.tcp_nodelay, default on) so that a
// command's answer does not wait for the broker's delayed ACK, and with the
// switch off it is not; commands are answered either way. How fast the round
// trip is belongs to bench_mqtt_commands, not to a timed test.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct PeerSockets {
  int error = 0;             // errno when the gateway's sockets could not be copied
  std::vector<bool> noDelay;  // per connection of the gateway to the broker
};

// TCP_NODELAY on each of process `pid`'s TCP connections to 127.0.0.1:`port`,
// read from copies of its sockets (pidfd_getfd, Linux 5.6; the test is the
// gateway's parent and may).
PeerSockets noDelayOfConnections(pid_t pid, std::uint16_t port) {
  PeerSockets result;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    result.error = errno;
    return result;
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    const int target = std::atoi(entry.path().filename().c_str());
    const int copy = static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, target, 0));
    if (copy < 0) {
      if (errno == EPERM || errno == ENOSYS) result.error = errno;
      continue;  // closed meanwhile
    }
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    int type = 0;
    socklen_t typeLength = sizeof type;
    if (::getsockopt(copy, SOL_SOCKET, SO_TYPE, &type, &typeLength) == 0 && type == SOCK_STREAM &&
        ::getpeername(copy, reinterpret_cast<sockaddr*>(&peer), &length) == 0 && peer.sin_family == AF_INET &&
        ntohs(peer.sin_port) == port && ntohl(peer.sin_addr.s_addr) == INADDR_LOOPBACK) {
      int on = 0;
      socklen_t onLength = sizeof on;
      ::getsockopt(copy, IPPROTO_TCP, TCP_NODELAY, &on, &onLength);
      result.noDelay.push_back(on != 0);
    }
    ::close(copy);
  }
  ::close(pidfd);
  return result;
}

// A gateway.yaml in the temporary directory, removed with it.
class NoDelayConfig {
 public:
  explicit NoDelayConfig(bool on)
      : path_(fs::temp_directory_path() / ("nodelay-" + std::to_string(::getpid()) + (on ? "-on" : "-off") + ".yaml")) {
    std::ofstream(path_) << "mqtt:\n  tcp_nodelay: " << (on ? "true" : "false") << "\n";
  }
  ~NoDelayConfig() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// A read of /3/0/0 through the broker, the gateway and the device, answered 2.05.
void expectCommandAnswered(const Mosquitto& broker, MqttSubscriber& results, const GatewayProcess& gateway,
                           const std::string& endpoint) {
  runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-t",
              "lwm2m/" + endpoint + "/cmd", "-m", R"({"id":"nd-1","operation":"read","path":"/3/0/0"})"});
  std::optional<rapidjson::Document> answer;
  while ((answer = nextJsonOn(results, "lwm2m/" + endpoint + "/cmd/result")) && !answer->HasMember("code")) {
  }
  ASSERT_TRUE(answer) << gateway.log();
  EXPECT_EQ(str((*answer)["id"]), "nd-1");
  EXPECT_EQ(str((*answer)["code"]), "2.05");
}

// The gateway's connections to `broker`, once `want` holds (at most 5 s).
template <class Want>
PeerSockets connectionsOnce(const GatewayProcess& gateway, const Mosquitto& broker, Want want) {
  PeerSockets seen;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  do {
    seen = noDelayOfConnections(gateway.pid(), broker.port());
    if (seen.error || want(seen.noDelay)) break;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return seen;
}

void runWithNoDelay(bool on) {
  Mosquitto broker;
  MqttSubscriber results(broker, "lwm2m/+/cmd/result");
  NoDelayConfig config(on);
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.path()});
  const std::string endpoint = on ? "nodelay-on" : "nodelay-off";
  Simulator sim({"--server", gateway.coapAddress(), "-e", endpoint, "--objects", "1/0,3/0", "--quiet"});
  ASSERT_TRUE(sim.waitForLine("registered " + endpoint));
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();

  const PeerSockets seen = connectionsOnce(gateway, broker, [on](const std::vector<bool>& v) {
    return v == std::vector<bool>{on};
  });
  if (seen.error) GTEST_SKIP() << "cannot copy the gateway's sockets: " << std::strerror(seen.error);
  EXPECT_EQ(seen.noDelay, std::vector<bool>{on}) << "TCP_NODELAY of each connection to the broker";
  expectCommandAnswered(broker, results, gateway, endpoint);
}

TEST(MqttNoDelay, TheGatewaysBrokerConnectionSendsAtOnceAndCommandsAreAnswered) { runWithNoDelay(true); }

TEST(MqttNoDelay, WithTcpNodelayFalseTheConnectionKeepsNagleAndCommandsAreStillAnswered) {
  runWithNoDelay(false);
}

}  // namespace
}  // namespace lwm2m::testing
