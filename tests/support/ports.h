#pragma once
// Loopback ports that were free a moment ago: the system picks them (bind to
// port 0), so parallel tests do not collide.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace lwm2m::testing {

std::uint16_t freeTcpPort();
std::uint16_t freeUdpPort();

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
