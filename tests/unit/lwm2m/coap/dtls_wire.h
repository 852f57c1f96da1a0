#pragma once
// An in-memory datagram network for DTLS tests: any number of ports, each a
// Transport at an address, delivering through the ManualScheduler (a
// zero-delay timer, never from inside send()). A filter can drop datagrams;
// every datagram is recorded so tests can replay or spoof them.

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "lwm2m/coap/manual_scheduler.h"
#include "lwm2m/coap/transport.h"

namespace lwm2m::coap::testing {

struct WireDatagram {
  Peer from, to;
  std::vector<std::uint8_t> bytes;
};

class Wire {
 public:
  class Port : public Transport {
   public:
    Port(Wire& wire, Peer local) : wire_(wire), local_(local) {}
    ~Port() override { wire_.ports_.erase(local_); }
    void start(ReceiveHandler handler) override { handler_ = std::move(handler); }
    void send(const Peer& to, std::span<const std::uint8_t> datagram) override {
      if (!closed_) wire_.carry(local_, to, {datagram.begin(), datagram.end()});
    }
    Peer localEndpoint() const override { return local_; }
    void close() override { closed_ = true; }
    // The port now speaks from `local` (a NAT gave it a new address).
    void moveTo(const Peer& local) {
      wire_.ports_.erase(local_);
      local_ = local;
      wire_.ports_[local_] = this;
    }
    void receive(const Peer& from, std::span<const std::uint8_t> bytes) {
      if (handler_ && !closed_) handler_(from, bytes);
    }

   private:
    Wire& wire_;
    Peer local_;
    ReceiveHandler handler_;
    bool closed_ = false;
  };

  explicit Wire(ManualScheduler& scheduler) : scheduler_(scheduler) {}

  std::unique_ptr<Port> port(const Peer& local) {
    auto port = std::make_unique<Port>(*this, local);
    ports_[local] = port.get();
    return port;
  }

  // Injects a datagram as if `from` had sent it (spoofing included).
  void inject(const Peer& from, const Peer& to, std::vector<std::uint8_t> bytes) {
    carry(from, to, std::move(bytes));
  }

  std::function<bool(const WireDatagram&)> drop;  // true: lose this datagram
  std::vector<WireDatagram> log;

 private:
  void carry(const Peer& from, const Peer& to, std::vector<std::uint8_t> bytes) {
    WireDatagram datagram{from, to, std::move(bytes)};
    log.push_back(datagram);
    if (drop && drop(datagram)) return;
    scheduler_.schedule(std::chrono::steady_clock::duration::zero(), [this, datagram] {
      auto it = ports_.find(datagram.to);
      if (it != ports_.end()) it->second->receive(datagram.from, datagram.bytes);
    });
  }

  ManualScheduler& scheduler_;
  std::unordered_map<Peer, Port*, PeerHash, PeerEqual> ports_;
};

}  // namespace lwm2m::coap::testing
