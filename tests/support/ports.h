#pragma once
// Loopback ports that were free a moment ago: the system picks them (bind to
// port 0), so parallel tests do not collide.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lwm2m::testing {

std::uint16_t freeTcpPort();
std::uint16_t freeUdpPort();

// `count` consecutive loopback UDP ports that were free when probed, outside
// the system's ephemeral port range (so no socket is given one meanwhile),
// held for this process while the object lives: every process that asks
// for a block here locks the 500-port chunks it covers (flock on a file per
// chunk in the temp directory), so tests running at once never pick the same
// ports. For a simulator whose devices must come back on the ports they had.
class UdpPortBlock {
 public:
  // Throws std::runtime_error when no such block is free.
  explicit UdpPortBlock(int count);
  ~UdpPortBlock();
  UdpPortBlock(const UdpPortBlock&) = delete;
  UdpPortBlock& operator=(const UdpPortBlock&) = delete;

  int first() const { return first_; }

 private:
  int first_ = 0;
  std::vector<int> locks_;  // file descriptors holding the chunks' locks
};

// True once something accepts TCP connections on 127.0.0.1:port, polling
// until the deadline.
bool waitForTcpPort(std::uint16_t port, std::chrono::milliseconds timeout);

// Milliseconds on the steady clock since `start`.
inline long long millisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// Reads a file descriptor line by line with a timeout (e.g. a child's stdout pipe).
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  // The next line without its '\n'; nullopt on timeout or end of stream.
  std::optional<std::string> readLine(std::chrono::milliseconds timeout);

 private:
  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace lwm2m::testing
