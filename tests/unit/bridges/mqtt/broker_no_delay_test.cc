// BrokerNoDelay against local TCP listeners standing in for the broker, and
// the MQTT link's connection to a real Mosquitto with mqtt.tcp_nodelay on and
// off.
#include "bridges/mqtt/broker_no_delay.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include <future>
#include <thread>

#include "bridges/mqtt/mqtt_link.h"
#include "bridges/mqtt/paho_adapter.h"
#include "tests/support/mosquitto.h"
#include "tests/unit/bridges/mqtt/io_thread_test.h"
#include "tests/unit/bridges/mqtt/log_capture.h"

namespace lwm2m::bridges::mqtt {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using lwm2m::testing::Mosquitto;

TEST(BrokerAddress, HostAndPortOfEachKindOfUriWithPahosDefaultPorts) {
  auto check = [](const std::string& uri, const std::string& host, int port) {
    auto address = brokerAddress(uri);
    ASSERT_TRUE(address) << uri;
    EXPECT_EQ(address->host, host) << uri;
    EXPECT_EQ(address->port, port) << uri;
  };
  check("tcp://127.0.0.1:1884", "127.0.0.1", 1884);
  check("tcp://broker.example.com", "broker.example.com", 1883);
  check("ssl://broker.example.com", "broker.example.com", 8883);
  check("ssl://broker.example.com:443", "broker.example.com", 443);
  check("ws://broker.example.com/mqtt", "broker.example.com", 80);
  check("wss://broker.example.com/mqtt", "broker.example.com", 443);
  check("ws://10.0.0.5:9001/mqtt", "10.0.0.5", 9001);
  check("tcp://[::1]:1885", "::1", 1885);
  check("ssl://[fe80::1]", "fe80::1", 8883);
  EXPECT_FALSE(brokerAddress("tcp://:1883"));
  EXPECT_FALSE(brokerAddress("tcp://broker:99999"));
  EXPECT_FALSE(brokerAddress("tcp://broker:mqtt"));
  EXPECT_FALSE(brokerAddress("tcp://[::1"));
  EXPECT_FALSE(brokerAddress("broker:1883"));
}

// A listener on loopback standing in for the broker, a client connected to
// it (as Paho's socket would be), and the connection as the listener accepted it.
struct LoopbackConnection {
  explicit LoopbackConnection(asio::io_context& io)
      : listener(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), client(io), accepted(io) {
    client.connect(listener.local_endpoint());
    listener.accept(accepted);
  }
  tcp::endpoint broker() const { return listener.local_endpoint(); }
  int clientFd() { return client.native_handle(); }

  tcp::acceptor listener;
  tcp::socket client;
  tcp::socket accepted;
};

TEST(TcpSocketsConnectedTo, FindsOnlyTheClientSideOfAConnectionToTheGivenAddress) {
  asio::io_context io;
  LoopbackConnection broker(io);
  LoopbackConnection other(io);
  // A UDP socket "connected" to the same address and port is not a TCP connection.
  asio::ip::udp::socket datagrams(io, asio::ip::udp::v4());
  datagrams.connect(asio::ip::udp::endpoint(broker.broker().address(), broker.broker().port()));

  EXPECT_EQ(tcpSocketsConnectedTo({broker.broker()}), std::vector<int>{broker.clientFd()});
  EXPECT_EQ(tcpSocketsConnectedTo({other.broker(), broker.broker()}),
            (std::vector<int>{std::min(broker.clientFd(), other.clientFd()),
                              std::max(broker.clientFd(), other.clientFd())}));
  // The right address, another port: nothing.
  EXPECT_TRUE(tcpSocketsConnectedTo({tcp::endpoint(broker.broker().address(), 1)}).empty());
}

TEST(BrokerNoDelay, SetsTcpNoDelayOnTheConnectionToTheBrokerOnly) {
  asio::io_context io;
  LoopbackConnection broker(io);
  LoopbackConnection other(io);
  ASSERT_FALSE(noDelayOn(broker.clientFd()));  // as Paho leaves its socket
  LogCapture logs(spdlog::level::debug);

  auto noDelay = std::make_shared<BrokerNoDelay>(io, "tcp://127.0.0.1:" + std::to_string(broker.broker().port()));
  std::optional<std::vector<int>> applied;
  noDelay->onConnected([&](const std::vector<int>& fds) { applied = fds; });
  io.run_for(5s);

  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, std::vector<int>{broker.clientFd()});
  EXPECT_TRUE(noDelayOn(broker.clientFd()));
  EXPECT_FALSE(noDelayOn(broker.accepted.native_handle()));  // the broker's side is the broker's business
  EXPECT_FALSE(noDelayOn(other.clientFd()));
  EXPECT_EQ(logs.count("TCP_NODELAY set on socket " + std::to_string(broker.clientFd())), 1u) << logs.all();
  EXPECT_EQ(logs.count("[warning]"), 0u) << logs.all();
}

TEST(BrokerNoDelay, AHostNameIsResolvedAndTlsAndWebSocketUrisFindTheirSocketToo) {
  asio::io_context io;
  LoopbackConnection broker(io);
  const std::string port = std::to_string(broker.broker().port());
  for (const std::string& uri : {"ssl://localhost:" + port, "wss://localhost:" + port + "/mqtt"}) {
    auto noDelay = std::make_shared<BrokerNoDelay>(io, uri);
    std::optional<std::vector<int>> applied;
    noDelay->onConnected([&](const std::vector<int>& fds) { applied = fds; });
    io.restart();
    io.run_for(5s);
    ASSERT_TRUE(applied) << uri;
    EXPECT_EQ(*applied, std::vector<int>{broker.clientFd()}) << uri;
  }
  EXPECT_TRUE(noDelayOn(broker.clientFd()));
}

TEST(BrokerNoDelay, AConnectionThatCannotBeFoundIsWarnedAboutOnceAndOnlyOnce) {
  asio::io_context io;
  LoopbackConnection broker(io);
  tcp::acceptor idle(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));  // nobody connected
  LogCapture logs;
  auto noDelay = std::make_shared<BrokerNoDelay>(io, "tcp://127.0.0.1:" + std::to_string(idle.local_endpoint().port()));
  int calls = 0;
  for (int i = 0; i < 3; ++i) {  // three reconnects, say
    noDelay->onConnected([&](const std::vector<int>& fds) {
      EXPECT_TRUE(fds.empty());
      ++calls;
    });
    io.restart();
    io.run_for(5s);
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(logs.count("cannot set TCP_NODELAY, no connection to it found"), 1u) << logs.all();
  EXPECT_FALSE(noDelayOn(broker.clientFd()));
}

TEST(BrokerNoDelay, DestroyedWhileResolvingItCallsNothing) {
  asio::io_context io;
  bool called = false;
  {
    auto noDelay = std::make_shared<BrokerNoDelay>(io, "tcp://localhost:1883");
    noDelay->onConnected([&](const std::vector<int>&) { called = true; });
  }
  io.run_for(2s);
  EXPECT_FALSE(called);
}

// The link's own connection to a real broker, found from inside the process.
class LinkNoDelayTest : public IoThreadTest {
 protected:
  void TearDown() override {
    onIo([this] { link_.reset(); });
    IoThreadTest::TearDown();
  }

  void startLink(const Mosquitto& broker, bool tcpNoDelay) {
    MqttSettings s = quickSettings(broker, "link-under-test");
    s.tcpNoDelay = tcpNoDelay;
    onIo([&] {
      link_ = std::make_unique<MqttLink>(io_, s, nullptr);
      link_->start();
    });
  }

  // Whether TCP_NODELAY is set on each of this process's connections to `broker`.
  static std::vector<bool> noDelayTowards(const Mosquitto& broker) {
    std::vector<bool> states;
    for (int fd : tcpSocketsConnectedTo({tcp::endpoint(asio::ip::make_address("127.0.0.1"), broker.port())})) {
      states.push_back(noDelayOn(fd));
    }
    return states;
  }

  // Polls `p` every 10 ms for at most 10 s.
  template <class Predicate>
  static bool waitFor(Predicate p) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!p()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  std::unique_ptr<MqttLink> link_;
};

TEST_F(LinkNoDelayTest, TheLinksConnectionToTheBrokerGetsTcpNoDelayAfterEachConnect) {
  Mosquitto broker;
  startLink(broker, true);
  ASSERT_TRUE(waitFor([&] { return link_->connected(); })) << broker.log();
  EXPECT_TRUE(waitFor([&] { return noDelayTowards(broker) == std::vector<bool>{true}; }))
      << noDelayTowards(broker).size() << " connection(s)";
  // A new connection after the broker went away and came back: set again.
  broker.stop();
  ASSERT_TRUE(waitFor([&] { return !link_->connected(); }));
  broker.start();
  ASSERT_TRUE(waitFor([&] { return link_->connected(); })) << broker.log();
  EXPECT_TRUE(waitFor([&] { return noDelayTowards(broker) == std::vector<bool>{true}; }))
      << noDelayTowards(broker).size() << " connection(s)";
}

TEST_F(LinkNoDelayTest, WithTheSwitchOffTheConnectionKeepsNaglesAlgorithm) {
  Mosquitto broker;
  startLink(broker, false);
  ASSERT_TRUE(waitFor([&] { return link_->connected(); })) << broker.log();
  std::this_thread::sleep_for(200ms);  // with the switch on, it would have been set by now
  EXPECT_EQ(noDelayTowards(broker), std::vector<bool>{false});
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
