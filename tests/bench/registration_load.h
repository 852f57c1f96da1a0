#pragma once
// Many simulated LwM2M devices on loopback for the registration benchmark,
// from a handful of UDP sockets: device i speaks from its own address and
// port, 127.1.x.y (one address per device and socket) on one of the sockets'
// ports, chosen per datagram with IP_PKTINFO. So 100,000 devices need a few
// descriptors, not 100,000, and each still looks like its own peer to the
// server. Answers are matched to their device by the address they were sent
// to (IP_PKTINFO on receive) and the socket that got them.
//
// The load is a closed loop of `outstanding` requests: when an answer (or a
// timeout) ends one, the next device in turn sends the next request. What the
// server answers is judged by the caller (a Judge). A CON request without an
// answer after `retransmitAfter` is sent again with the same message ID (the
// server answers a duplicate from its cache); one still unanswered after
// `giveUpAfter` counts as lost and its device takes a turn again.
//
// Single thread; every socket is closed by the destructor.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <netinet/in.h>

namespace lwm2m::testing {

class LoopbackDevices {
 public:
  // `devices` peers from `sockets` UDP sockets, all sending to 127.0.0.1:`serverPort`.
  LoopbackDevices(std::size_t devices, std::size_t sockets, std::uint16_t serverPort);
  ~LoopbackDevices();
  LoopbackDevices(const LoopbackDevices&) = delete;
  LoopbackDevices& operator=(const LoopbackDevices&) = delete;

  std::size_t size() const { return devices_; }
  // "127.1.0.5:40112": the address device `i` speaks from.
  std::string peerOf(std::size_t i) const;

  // What to do with an answer to device `i`'s request in flight.
  enum class Verdict {
    Done,   // the request ended well: counted, the device's turn is over
    Retry,  // e.g. 5.03: ended, not counted; the device sends again later
    Ignore, // not the answer to the request in flight (a stale duplicate)
  };
  // Builds device `i`'s next request into `out` (CON, any message ID; the
  // loop sets the ID). Returns false when the device has nothing to send.
  using NextRequest = std::function<bool(std::size_t i, std::vector<std::uint8_t>& out)>;
  using Judge = std::function<Verdict(std::size_t i, std::span<const std::uint8_t> answer)>;

  struct Shape {
    std::size_t outstanding = 32;
    std::size_t devices = 0;  // the first `devices` devices take turns (0: all)
    std::chrono::milliseconds warmup{0};       // answers before it are not counted in `inWindow`
    std::chrono::milliseconds window{3000};    // the loop stops after warmup + window...
    std::size_t stopAfterDone = 0;             // ...or once this many requests ended Done (0: no limit)
    std::chrono::milliseconds retransmitAfter{1000};
    std::chrono::milliseconds giveUpAfter{5000};
    std::chrono::milliseconds retryAfter{100};  // a Retry verdict: the device waits this long
  };
  struct Outcome {
    std::size_t done = 0;       // every Done
    std::size_t inWindow = 0;   // Done after the warm-up
    std::size_t retries = 0;    // Retry verdicts
    std::size_t lost = 0;       // given up
    std::size_t retransmitted = 0;
    double windowSeconds = 0;   // from the end of the warm-up to the end of the loop
    std::vector<double> latencySeconds;  // per Done in the window: first send to answer
    double perSecond() const { return windowSeconds > 0 ? static_cast<double>(inWindow) / windowSeconds : 0; }
  };
  // Runs the closed loop; `onWindowStart` runs when the warm-up ends (e.g. to
  // read the server's CPU time).
  Outcome run(const Shape& shape, const NextRequest& next, const Judge& judge,
              const std::function<void()>& onWindowStart = {});

  // Outside run(): sends `datagram` from device `i` at once (a full send
  // buffer is waited out).
  void sendFrom(std::size_t i, std::span<const std::uint8_t> datagram);
  // Outside run(): hands every datagram the server sends to a device until
  // `until` to `onDatagram` (which may sendFrom() an answer).
  using OnDatagram = std::function<void(std::size_t i, std::span<const std::uint8_t> datagram)>;
  void receiveUntil(std::chrono::steady_clock::time_point until, const OnDatagram& onDatagram);

 private:
  struct InFlight {
    std::int64_t firstSentNs = 0;
    std::int64_t lastSentNs = 0;
    std::uint16_t messageId = 0;
    bool active = false;
  };
  void send(std::size_t i, const std::vector<std::uint8_t>& datagram);
  // Waits up to `timeoutMs` for datagrams and reads all that are there:
  // `received` gets each (device, bytes, arrival ns; device == size() for an
  // address no device has), `afterBatch` runs after each batch read.
  using Received = std::function<void(std::size_t i, std::span<const std::uint8_t> bytes, std::int64_t atNs)>;
  void receiveReady(int timeoutMs, const Received& received, const std::function<void(std::int64_t)>& afterBatch = {});
  std::size_t deviceOf(std::size_t socket, in_addr_t to) const;

  std::size_t devices_;
  std::vector<int> fds_;
  std::vector<std::uint16_t> ports_;
  int epoll_ = -1;
  sockaddr_in server_{};
  std::uint16_t nextMessageId_ = 1;
  std::vector<std::uint8_t> buffers_;  // receive slots, made on first use
  std::vector<char> controls_;
};

// Device `i`'s Register (CON POST /rd?ep=PREFIX000042&lt=3600&lwm2m=1.1&b=U)
// announcing `objectLinks` (CoRE link format), message ID 0 (the loop sets it).
std::vector<std::uint8_t> registerDatagram(std::size_t i, std::string_view endpointPrefix,
                                           std::string_view objectLinks);

// A do-nothing UDP echo server on 127.0.0.1 (one socket, one thread): every
// datagram goes back to its sender as it came (recvfrom, sendto): the
// ceiling for "CoAP request in, response out" on the machine at hand.
class UdpEchoServer {
 public:
  UdpEchoServer();
  ~UdpEchoServer();
  UdpEchoServer(const UdpEchoServer&) = delete;
  UdpEchoServer& operator=(const UdpEchoServer&) = delete;
  std::uint16_t port() const { return port_; }
  // CPU seconds the server's thread has used so far.
  double cpuSeconds() const;

 private:
  int fd_ = -1;
  int stopFd_ = -1;
  std::uint16_t port_ = 0;
  struct Thread;
  std::unique_ptr<Thread> thread_;
};

}  // namespace lwm2m::testing
