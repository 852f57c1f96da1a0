#pragma once
// In-memory Transport for endpoint tests: records every datagram it sends,
// lets the test inject datagrams, and can be linked to another FakeTransport
// so two Endpoints talk through the ManualScheduler (delivery is a zero-delay
// timer, never a call from inside send()).

#include <deque>
#include <functional>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "lwm2m/coap/codec.h"
#include "lwm2m/coap/manual_scheduler.h"
#include "lwm2m/coap/transport.h"

namespace lwm2m::coap::testing {

inline Peer peerAt(const char* address, std::uint16_t port) {
  return Peer(boost::asio::ip::make_address(address), port);
}

struct SentDatagram {
  Peer to;
  std::vector<std::uint8_t> bytes;
  std::chrono::steady_clock::time_point at;

  Message message() const {
    auto decoded = decode(bytes);
    return decoded ? std::move(*decoded) : Message{};
  }
};

class FakeTransport : public Transport {
 public:
  FakeTransport(ManualScheduler& scheduler, Peer local) : scheduler_(scheduler), local_(local) {}

  void start(ReceiveHandler handler) override { handler_ = std::move(handler); }
  void send(const Peer& to, std::span<const std::uint8_t> datagram) override {
    sent.push_back(SentDatagram{to, {datagram.begin(), datagram.end()}, scheduler_.now()});
    if (closed_ || link_ == nullptr) return;
    if (dropNext > 0) {
      --dropNext;
      return;
    }
    FakeTransport* target = link_;
    Peer from = sourceOverride.value_or(local_);
    std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
    scheduler_.schedule(std::chrono::steady_clock::duration::zero(),
                        [target, from, copy] { target->inject(from, copy); });
  }
  Peer localEndpoint() const override { return local_; }
  void close() override { closed_ = true; }

  void linkTo(FakeTransport& other) { link_ = &other; }
  void inject(const Peer& from, const std::vector<std::uint8_t>& bytes) {
    if (handler_ && !closed_) handler_(from, bytes);
  }
  void inject(const Peer& from, const Message& message) { inject(from, encode(message)); }

  std::vector<SentDatagram> sent;
  int dropNext = 0;                   // drop this many outgoing datagrams
  std::optional<Peer> sourceOverride;  // pretend our address changed (NAT rebinding)

 private:
  ManualScheduler& scheduler_;
  Peer local_;
  ReceiveHandler handler_;
  FakeTransport* link_ = nullptr;
  bool closed_ = false;
};

// Deterministic "random" source cycling through given values.
class SequenceRandom {
 public:
  explicit SequenceRandom(std::vector<std::uint32_t> values) : values_(std::move(values)) {}
  std::uint32_t operator()() {
    std::uint32_t value = values_[next_ % values_.size()];
    ++next_;
    return value;
  }

 private:
  std::vector<std::uint32_t> values_;
  std::size_t next_ = 0;
};

}  // namespace lwm2m::coap::testing
