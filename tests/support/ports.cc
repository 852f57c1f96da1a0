#include "tests/support/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <unistd.h>

#include <fcntl.h>

#include <filesystem>
#include <fstream>

#include <stdexcept>
#include <thread>

namespace lwm2m::testing {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

std::uint16_t freePort(int type) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  auto addr = loopback(0);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool udpPortFree(int port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  auto addr = loopback(static_cast<std::uint16_t>(port));
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return bound;
}

constexpr int kPortChunk = 500;

// The system's ephemeral range (ip_local_port_range), else Linux's default.
std::pair<int, int> ephemeralPortRange() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768, high = 60999;
  range >> low >> high;
  return {low, high};
}

}  // namespace

UdpPortBlock::UdpPortBlock(int count) {
  const auto [low, high] = ephemeralPortRange();
  const int chunks = (count + kPortChunk - 1) / kPortChunk;
  // Candidate starts: chunk-aligned, below and above the ephemeral range,
  // beginning at a place that depends on the process so that tests started
  // together rarely try the same chunk first.
  std::vector<int> starts;
  for (int first = 10000; first + chunks * kPortChunk <= 65536; first += kPortChunk) {
    const int last = first + chunks * kPortChunk - 1;
    if (last < low || first > high) starts.push_back(first);
  }
  if (starts.empty()) throw std::runtime_error("no UDP ports outside the ephemeral range");
  const auto offset = static_cast<std::size_t>(getpid()) % starts.size();
  const auto dir = std::filesystem::temp_directory_path();
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const int first = starts[(offset + i) % starts.size()];
    bool held = true;
    for (int c = 0; c < chunks && held; ++c) {
      const auto file = dir / ("lwm2m-test-udp-ports-" + std::to_string(first + c * kPortChunk) + ".lock");
      const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
      if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (fd >= 0) ::close(fd);
        held = false;
        break;
      }
      locks_.push_back(fd);
    }
    for (int port = first; held && port < first + count; ++port) held = udpPortFree(port);
    if (held) {
      first_ = first;
      return;
    }
    for (int fd : locks_) ::close(fd);
    locks_.clear();
  }
  throw std::runtime_error("no block of " + std::to_string(count) + " free UDP ports");
}

UdpPortBlock::~UdpPortBlock() {
  for (int fd : locks_) ::close(fd);
}

std::uint16_t freeTcpPort() { return freePort(SOCK_STREAM); }
std::uint16_t freeUdpPort() { return freePort(SOCK_DGRAM); }

bool waitForTcpPort(std::uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    auto addr = loopback(port);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (ok) {
      // Nobody listening, and the system chose `port` itself as this
      // socket's own port: TCP's simultaneous open connects the socket to
      // itself. That is not the server being up.
      sockaddr_in local{};
      socklen_t size = sizeof local;
      ok = getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) == 0 && ntohs(local.sin_port) != port;
    }
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

std::optional<std::string> LineReader::readLine(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (eof_) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n <= 0) continue;
    char chunk[4096];
    const ssize_t got = read(fd_, chunk, sizeof chunk);
    if (got <= 0) {
      eof_ = true;
    } else {
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }
}

}  // namespace lwm2m::testing
