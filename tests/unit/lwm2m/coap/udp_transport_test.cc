// Real sockets on loopback: UdpTransport + AsioScheduler + Endpoint.
#include "lwm2m/coap/udp_transport.h"

#include <random>
#include <stdexcept>
#include <unordered_set>

#include <boost/asio/ip/address.hpp>
#include <gtest/gtest.h>

#include "lwm2m/coap/asio_scheduler.h"
#include "lwm2m/coap/endpoint.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

Peer at(const char* address, std::uint16_t port) { return Peer(asio::ip::make_address(address), port); }

// Runs a client and a server Endpoint over real UDP sockets until the
// client's request is answered or 5 s pass.
std::optional<ResponseResult> exchange(const Peer& serverBind, const Peer& clientBind,
                                       const char* serverTargetAddress, Peer* seenByServer) {
  asio::io_context io;
  AsioScheduler scheduler(io);
  std::mt19937 rng(42);
  auto random = [&rng] { return static_cast<std::uint32_t>(rng()); };
  UdpTransport serverTransport(io, serverBind);
  UdpTransport clientTransport(io, clientBind);
  Endpoint server(serverTransport, scheduler, {}, random);
  Endpoint client(clientTransport, scheduler, {}, random);
  server.start();
  client.start();
  server.setRequestHandler([&](const Peer& from, const Message& request,
                               Endpoint::Responder respond) {
    *seenByServer = from;
    Message reply = Message::response(request, codes::Content);
    reply.setPayload("pong " + request.uriPath().at(0));
    respond(reply);
  });
  Message request;
  request.code = codes::Get;
  request.setUriPath("ping");
  std::optional<ResponseResult> result;
  const Peer target = at(serverTargetAddress, server.localEndpoint().port());
  client.sendRequest(target, request, [&](const ResponseResult& r) {
    result = r;
    io.stop();
  });
  io.run_for(5s);
  return result;
}

TEST(UdpTransportTest, ExchangesRequestOverIpv4Loopback) {
  Peer seen;
  auto result = exchange(at("127.0.0.1", 0), at("127.0.0.1", 0), "127.0.0.1", &seen);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, RequestStatus::Ok);
  EXPECT_EQ(result->response.payloadString(), "pong ping");
  EXPECT_TRUE(seen.address().is_v4());
  EXPECT_EQ(result->from.address(), at("127.0.0.1", 0).address());
}

TEST(UdpTransportTest, ExchangesRequestOverIpv6Loopback) {
  Peer seen;
  std::optional<ResponseResult> result;
  try {
    result = exchange(at("::1", 0), at("::1", 0), "::1", &seen);
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
  }
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, RequestStatus::Ok);
  EXPECT_EQ(result->response.payloadString(), "pong ping");
  EXPECT_TRUE(seen.address().is_v6());
}

TEST(UdpTransportTest, DualStackWildcardAcceptsIpv4AndReportsPlainIpv4Peers) {
  Peer seen;
  std::optional<ResponseResult> result;
  try {
    result = exchange(at("::", 0), at("127.0.0.1", 0), "127.0.0.1", &seen);
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no IPv6 here: " << e.what();
  }
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, RequestStatus::Ok);
  EXPECT_TRUE(seen.address().is_v4()) << seen.address().to_string();
  EXPECT_EQ(toString(seen).rfind("127.0.0.1:", 0), 0u);
}

TEST(UdpTransportTest, BindFailureNamesAddressAndReason) {
  asio::io_context io;
  UdpTransport first(io, at("127.0.0.1", 0));
  const auto port = first.localEndpoint().port();
  ASSERT_NE(port, 0);
  try {
    UdpTransport second(io, at("127.0.0.1", port));
    FAIL() << "binding a port twice must fail";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("bind"), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << message;
  }
}

TEST(UdpTransportTest, ResolvesBindAddresses) {
  auto any4 = UdpTransport::resolveBind("0.0.0.0", 5683);
  ASSERT_TRUE(any4);
  EXPECT_TRUE(any4->address().is_v4());
  EXPECT_EQ(any4->port(), 5683);
  auto wildcard = UdpTransport::resolveBind("", 5684);
  ASSERT_TRUE(wildcard);
  EXPECT_EQ(wildcard->address(), asio::ip::make_address("::"));
  auto bracketed = UdpTransport::resolveBind("[::1]", 1);
  ASSERT_TRUE(bracketed);
  EXPECT_EQ(bracketed->address(), asio::ip::make_address("::1"));
  auto named = UdpTransport::resolveBind("localhost", 7);
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_TRUE(named->address().is_loopback());
  EXPECT_EQ(named->port(), 7);
}

TEST(UdpTransportTest, SendAfterCloseIsDroppedAndReceivingStops) {
  asio::io_context io;
  UdpTransport receiver(io, at("127.0.0.1", 0));
  UdpTransport sender(io, at("127.0.0.1", 0));
  int received = 0;
  receiver.start([&](const Peer&, std::span<const std::uint8_t>) { ++received; });
  const std::uint8_t datagram[] = {0x40, 0x00, 0x00, 0x01};
  sender.send(receiver.localEndpoint(), datagram);
  io.run_for(200ms);
  EXPECT_EQ(received, 1);
  receiver.close();
  sender.send(at("127.0.0.1", 9), datagram);
  io.restart();
  io.run_for(50ms);
  EXPECT_EQ(received, 1);
  sender.close();
  sender.send(at("127.0.0.1", 9), datagram);  // no throw
}

TEST(UdpTransportTest, LargeDatagramArrivesWhole) {
  asio::io_context io;
  UdpTransport receiver(io, at("127.0.0.1", 0));
  UdpTransport sender(io, at("127.0.0.1", 0));
  std::size_t receivedSize = 0;
  receiver.start([&](const Peer&, std::span<const std::uint8_t> datagram) {
    receivedSize = datagram.size();
    io.stop();
  });
  std::vector<std::uint8_t> big(60000, 0x5a);
  sender.send(receiver.localEndpoint(), big);
  io.run_for(2s);
  EXPECT_EQ(receivedSize, big.size());
}

TEST(UdpTransportTest, BufferSizesCanBeRaised) {
  asio::io_context io;
  UdpTransport transport(io, at("127.0.0.1", 0));
  auto small = transport.setBufferSizes(4096, 4096);
  ASSERT_TRUE(small) << small.error().message;
  auto larger = transport.setBufferSizes(1 << 20, 1 << 20);
  ASSERT_TRUE(larger) << larger.error().message;
  EXPECT_GT(larger->receiveBytes, small->receiveBytes);
  EXPECT_GT(larger->sendBytes, small->sendBytes);
  EXPECT_EQ(larger->receiveAsked, 1 << 20);
  EXPECT_EQ(transport.bufferSizes().receiveBytes, larger->receiveBytes);
}

TEST(UdpTransportTest, ZeroKeepsTheSystemDefault) {
  asio::io_context io;
  UdpTransport transport(io, at("127.0.0.1", 0));
  const SocketBuffers before = transport.bufferSizes();
  auto kept = transport.setBufferSizes(0, 0);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->receiveBytes, before.receiveBytes);
  EXPECT_EQ(kept->sendBytes, before.sendBytes);
  EXPECT_FALSE(kept->receiveCapped());
}

TEST(UdpTransportTest, CappedSizesAreRecognised) {
  EXPECT_TRUE((SocketBuffers{4 << 20, 425984, 0, 0}.receiveCapped()));   // 208 KiB x 2 of 4 MiB
  EXPECT_FALSE((SocketBuffers{4 << 20, 8 << 20, 0, 0}.receiveCapped()));  // granted (reported twice)
  EXPECT_TRUE((SocketBuffers{0, 0, 1 << 20, 1 << 19}.sendCapped()));
  EXPECT_FALSE((SocketBuffers{0, 212992, 0, 0}.receiveCapped()));         // default kept
}

// A burst into a small receive buffer while nobody reads: what the kernel
// dropped is counted, before and after the next datagram arrives.
TEST(UdpTransportTest, KernelDropsAreCounted) {
  asio::io_context io;
  UdpTransport receiver(io, at("127.0.0.1", 0));
  UdpTransport sender(io, at("127.0.0.1", 0));
  if (!receiver.dropCountProblem().empty()) GTEST_SKIP() << "no drop count here: " << receiver.dropCountProblem();
  ASSERT_TRUE(receiver.setBufferSizes(4096, 0));
  EXPECT_EQ(receiver.kernelDrops(), 0u);
  std::size_t received = 0;
  receiver.start([&](const Peer&, std::span<const std::uint8_t>) { ++received; });
  const std::vector<std::uint8_t> datagram(100, 0x40);
  constexpr int kBurst = 500;
  for (int i = 0; i < kBurst; ++i) sender.send(receiver.localEndpoint(), datagram);
  const std::uint64_t dropped = receiver.kernelDrops();  // read before the receiver ran
  EXPECT_GT(dropped, 0u);
  io.run_for(200ms);
  EXPECT_EQ(received + dropped, static_cast<std::size_t>(kBurst));
  sender.send(receiver.localEndpoint(), datagram);  // carries the count in its control message
  io.restart();
  io.run_for(100ms);
  EXPECT_EQ(receiver.kernelDrops(), dropped);  // the same drops, not counted twice
}

// A burst held in a large receive buffer is read to the end without waiting
// for another datagram to arrive (the reactor's wait is edge-triggered).
TEST(UdpTransportTest, ABurstQueuedBeforeReadingIsReadWhole) {
  asio::io_context io;
  UdpTransport receiver(io, at("127.0.0.1", 0));
  UdpTransport sender(io, at("127.0.0.1", 0));
  ASSERT_TRUE(receiver.setBufferSizes(1 << 20, 0));
  std::size_t received = 0;
  receiver.start([&](const Peer&, std::span<const std::uint8_t>) { ++received; });
  const std::vector<std::uint8_t> datagram(100, 0x40);
  constexpr std::size_t kBurst = 500;  // many reading batches
  for (std::size_t i = 0; i < kBurst; ++i) sender.send(receiver.localEndpoint(), datagram);
  ASSERT_EQ(receiver.kernelDrops(), 0u);
  io.run_for(300ms);
  EXPECT_EQ(received, kBurst);
}

// What waits unread shows in the receive queue's fill, and is gone once read.
TEST(UdpTransportTest, TheReceiveQueueShowsWhatWaitsUnread) {
  asio::io_context io;
  UdpTransport receiver(io, at("127.0.0.1", 0));
  UdpTransport sender(io, at("127.0.0.1", 0));
  ASSERT_TRUE(receiver.setBufferSizes(256 * 1024, 0));
  const ReceiveQueue empty = receiver.receiveQueue();
  if (empty.capacity == 0) GTEST_SKIP() << "the kernel does not tell the receive queue here (SO_MEMINFO)";
  EXPECT_EQ(empty.bytes, 0u);
  EXPECT_EQ(empty.percent(), 0u);
  EXPECT_EQ(empty.capacity, static_cast<std::uint32_t>(receiver.bufferSizes().receiveBytes));
  const std::vector<std::uint8_t> datagram(100, 0x40);
  for (int i = 0; i < 100; ++i) sender.send(receiver.localEndpoint(), datagram);
  const ReceiveQueue queued = receiver.receiveQueue();
  EXPECT_GE(queued.bytes, 100u * datagram.size()) << "each datagram counts at least its payload";
  EXPECT_GT(queued.percent(), 0u);
  EXPECT_LE(queued.percent(), 100u);
  std::size_t received = 0;
  receiver.start([&](const Peer&, std::span<const std::uint8_t>) { ++received; });
  io.run_for(200ms);
  EXPECT_EQ(received, 100u);
  EXPECT_EQ(receiver.receiveQueue().bytes, 0u);
  receiver.close();
  EXPECT_EQ(receiver.receiveQueue().capacity, 0u) << "closed: nothing to tell";
}

TEST(UdpTransportTest, ManyTransportsShareOneIoContext) {
  asio::io_context io;
  UdpTransport server(io, at("127.0.0.1", 0));
  server.start([&](const Peer& from, std::span<const std::uint8_t> datagram) {
    server.send(from, datagram);  // echo
  });
  constexpr int kClients = 300;
  std::vector<std::unique_ptr<UdpTransport>> clients;
  int echoes = 0;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<UdpTransport>(io, at("127.0.0.1", 0)));
    clients.back()->start([&, i](const Peer&, std::span<const std::uint8_t> datagram) {
      if (datagram.size() == 1 && datagram[0] == static_cast<std::uint8_t>(i)) ++echoes;
      if (echoes % 50 == 0) io.stop();
    });
  }
  // In batches that fit the kernel's socket buffer (a burst of hundreds would be dropped).
  for (int batch = 0; batch < kClients / 50; ++batch) {
    for (int i = batch * 50; i < (batch + 1) * 50; ++i) {
      const std::uint8_t payload[] = {static_cast<std::uint8_t>(i)};
      clients[static_cast<std::size_t>(i)]->send(server.localEndpoint(), payload);
    }
    io.restart();
    io.run_for(2s);
  }
  EXPECT_EQ(echoes, kClients);
}

// Answers written while a burst is handled leave together at the end of the
// reading batch: every one arrives, in the order written, also when one of
// them is too large to be held (it goes out at once, after those held).
TEST(UdpTransportTest, AnswersToABurstAllArriveInTheOrderWritten) {
  asio::io_context io;
  UdpTransport server(io, at("127.0.0.1", 0));
  UdpTransport client(io, at("127.0.0.1", 0));
  ASSERT_TRUE(server.setBufferSizes(1 << 20, 0));
  ASSERT_TRUE(client.setBufferSizes(1 << 20, 0));
  constexpr std::size_t kLarge = 40 * 1024;  // beyond what a batch holds
  server.start([&](const Peer& from, std::span<const std::uint8_t> datagram) {
    server.send(from, datagram);  // the echo, then a second answer
    if (datagram[0] == 7) {
      server.send(from, std::vector<std::uint8_t>(kLarge, 7));
    } else {
      server.send(from, std::vector<std::uint8_t>{datagram[0], 0xff});
    }
  });
  std::vector<std::pair<std::uint8_t, std::size_t>> arrived;  // first byte, size
  client.start([&](const Peer&, std::span<const std::uint8_t> datagram) {
    arrived.emplace_back(datagram[0], datagram.size());
    if (arrived.size() == 2 * 100) io.stop();
  });
  for (std::uint8_t i = 0; i < 100; ++i) client.send(server.localEndpoint(), std::vector<std::uint8_t>{i});
  io.run_for(5s);
  ASSERT_EQ(arrived.size(), 200u);
  for (std::size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(arrived[2 * i], std::make_pair(static_cast<std::uint8_t>(i), std::size_t{1})) << i;
    EXPECT_EQ(arrived[2 * i + 1].first, static_cast<std::uint8_t>(i)) << i;
    EXPECT_EQ(arrived[2 * i + 1].second, i == 7 ? kLarge : std::size_t{2}) << i;
  }
  EXPECT_EQ(server.sendErrors(), 0u);
}

// A send outside a reading batch (a timer's retransmission) leaves at once.
TEST(UdpTransportTest, ASendOutsideAReadingBatchLeavesAtOnce) {
  asio::io_context io;
  UdpTransport receiver(io, at("127.0.0.1", 0));
  UdpTransport sender(io, at("127.0.0.1", 0));
  if (receiver.receiveQueue().capacity == 0) GTEST_SKIP() << "the kernel does not tell the receive queue here";
  sender.send(receiver.localEndpoint(), std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_GE(receiver.receiveQueue().bytes, 3u) << "queued at the receiver before the io_context ran";
}

// Peers as unordered keys: equal exactly when Peer's operator== says so, and
// equal peers hash alike (compared on the socket address bytes).
TEST(PeerKeys, EqualityAndHashAgreeWithThePeerItself) {
  const std::vector<Peer> peers = {
      at("127.0.0.1", 5683), at("127.0.0.1", 5684), at("127.0.0.2", 5683), at("10.1.2.3", 5683),
      at("::1", 5683), at("::ffff:127.0.0.1", 5683), at("fe80::1", 5683), at("fe80::1%1", 5683),
      at("2001:db8::1", 5683), at("2001:db8::1", 1)};
  for (const Peer& a : peers) {
    for (const Peer& b : peers) {
      EXPECT_EQ(PeerEqual{}(a, b), a == b) << a << " vs " << b;
    }
    const Peer copy(a.address(), a.port());
    EXPECT_TRUE(PeerEqual{}(a, copy));
    EXPECT_EQ(PeerHash{}(a), PeerHash{}(copy));
  }
  std::unordered_set<std::size_t> hashes;
  for (const Peer& p : peers) hashes.insert(PeerHash{}(p));
  EXPECT_EQ(hashes.size(), peers.size()) << "these few differ in their hash too";
}

TEST(PeerKeys, PeersPrintAsHostAndPort) {
  EXPECT_EQ(toString(at("127.0.0.1", 5683)), "127.0.0.1:5683");
  EXPECT_EQ(toString(at("255.255.255.255", 65535)), "255.255.255.255:65535");
  EXPECT_EQ(toString(at("0.0.0.0", 0)), "0.0.0.0:0");
  EXPECT_EQ(toString(at("::ffff:10.1.2.3", 7)), "10.1.2.3:7");
  EXPECT_EQ(toString(at("::1", 5684)), "[::1]:5684");
  EXPECT_EQ(toString(at("2001:db8::ffff:1.2.3.4", 9)), "[2001:db8::ffff:102:304]:9");
  EXPECT_EQ(toString(at("fe80::1%1", 5683)).rfind("[fe80::1%", 0), 0u);
}

TEST(AsioSchedulerTest, RunsTimersInDeadlineOrderAndHonoursCancel) {
  asio::io_context io;
  AsioScheduler scheduler(io);
  std::vector<int> order;
  scheduler.schedule(30ms, [&] { order.push_back(3); });
  scheduler.schedule(10ms, [&] { order.push_back(1); });
  auto cancelled = scheduler.schedule(20ms, [&] { order.push_back(2); });
  scheduler.schedule(0ms, [&] {
    order.push_back(0);
    scheduler.schedule(15ms, [&] { order.push_back(15); });
  });
  scheduler.cancel(cancelled);
  scheduler.cancel(cancelled);
  io.run_for(500ms);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 15, 3}));
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
  EXPECT_GE(scheduler.wallNow().time_since_epoch().count(), 0);
}

TEST(AsioSchedulerTest, HandlesManyPendingTimers) {
  asio::io_context io;
  AsioScheduler scheduler(io);
  int fired = 0;
  std::vector<Scheduler::TimerId> ids;
  for (int i = 0; i < 100000; ++i) {
    ids.push_back(scheduler.schedule(std::chrono::microseconds(i % 5000), [&] { ++fired; }));
  }
  for (std::size_t i = 0; i < ids.size(); i += 4) scheduler.cancel(ids[i]);
  io.run_for(1s);
  EXPECT_EQ(fired, 75000);
}

TEST(AsioSchedulerTest, DestroyedSchedulerNeverRunsItsTimers) {
  asio::io_context io;
  bool fired = false;
  {
    AsioScheduler scheduler(io);
    scheduler.schedule(1ms, [&] { fired = true; });
  }
  io.run_for(50ms);
  EXPECT_FALSE(fired);
}

}  // namespace
}  // namespace lwm2m::coap
