#pragma once
// Keep-alive HTTP/1.1 load and the HTTP floor, both with Beast:
//   - httpLoad: `concurrency` keep-alive connections on one client thread,
//     each sending `depth` GETs target(connection, n) in one write (pipelined
//     when depth > 1) once the previous ones are answered; an answer counts
//     when its status is 200, its round trip from that write to its arrival.
//   - FloorServer: a trivial Beast server on its own thread (as the gateway
//     serves HTTP from its one I/O thread) answering every request with the
//     same small JSON body: what any HTTP answer costs here.
// Both set TCP_NODELAY, so neither adds a Nagle stall to what is measured.
// Loopback only; everything stops by itself (each operation times out).

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "tests/bench/round_trips.h"

namespace lwm2m::testing {

RoundTrips httpLoad(std::uint16_t port, const TargetOf& target, const LoadShape& shape);

// One GET answered or not: (status, body); status 0 when the connection failed.
std::pair<unsigned, std::string> httpGet(std::uint16_t port, const std::string& target);

class FloorServer {
 public:
  // Listens on a free loopback port and serves `body` as application/json.
  explicit FloorServer(std::string body);
  ~FloorServer();
  FloorServer(const FloorServer&) = delete;
  FloorServer& operator=(const FloorServer&) = delete;

  std::uint16_t port() const;
  // CPU time its thread has used so far.
  double cpuSeconds() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lwm2m::testing
