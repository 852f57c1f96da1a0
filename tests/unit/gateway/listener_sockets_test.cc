// Real UDP sockets on loopback, time from a ManualScheduler.
#include "gateway/daemon/listener_sockets.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

coap::Peer loopback() { return coap::Peer(boost::asio::ip::make_address("127.0.0.1"), 0); }

// Captures what spdlog's default logger writes while it lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(text_));
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }
  std::size_t count(const std::string& what) const {
    std::size_t n = 0;
    const std::string all = text();
    for (auto at = all.find(what); at != std::string::npos; at = all.find(what, at + 1)) ++n;
    return n;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(ListenerSockets, CappedBuffersNameAskedGotAndTheSysctl) {
  const coap::SocketBuffers capped{4096 * 1024, 212992 * 2, 1024 * 1024, 2 * 1024 * 1024};
  const auto lines = bufferWarnings("coap listener 0.0.0.0:5683", capped);
  ASSERT_EQ(lines.size(), 1u) << "the send buffer was granted";
  EXPECT_NE(lines[0].find("coap listener 0.0.0.0:5683: receive buffer capped by the kernel: asked 4096 KiB, got "
                          "208 KiB"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("sysctl -w net.core.rmem_max=4194304"), std::string::npos) << lines[0];
  EXPECT_TRUE(bufferWarnings("x", {4096, 8192, 4096, 8192}).empty());
  EXPECT_TRUE(bufferWarnings("x", {0, 212992, 0, 212992}).empty()) << "defaults kept: nothing to warn of";
}

TEST(ListenerSockets, AppliesTheSizesAndWarnsOfDropsAtMostOncePerInterval) {
  LogCapture log;
  boost::asio::io_context io;
  coap::ManualScheduler clock;
  CoapConfig config;
  config.receiveBufferKb = 4;
  config.sendBufferKb = 64;
  coap::UdpTransport listener(io, loopback());
  coap::UdpTransport device(io, loopback());
  if (!listener.dropCountProblem().empty()) GTEST_SKIP() << "no drop count here: " << listener.dropCountProblem();
  ListenerSockets sockets(clock, config);
  sockets.add("coap", listener);
  EXPECT_NE(log.text().find("coap listener " + coap::toString(listener.localEndpoint()) +
                            ": receive buffer 4 KiB, send buffer 64 KiB"),
            std::string::npos)
      << log.text();
  ASSERT_EQ(sockets.figures().size(), 1u);
  EXPECT_EQ(sockets.figures()[0].buffers.sendBytes, 2 * 64 * 1024) << "Linux reports twice the size set";
  sockets.start();

  const std::vector<std::uint8_t> datagram(100, 0x40);
  auto burst = [&] {
    for (int i = 0; i < 300; ++i) device.send(listener.localEndpoint(), datagram);
  };
  burst();  // nobody reads: most are dropped
  clock.advance(1s);
  const std::uint64_t dropped = sockets.figures()[0].dropped;
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(log.count("datagrams dropped by the kernel"), 1u) << log.text();
  EXPECT_NE(log.text().find(std::to_string(dropped) + " datagrams dropped by the kernel (receive buffer full"),
            std::string::npos)
      << log.text();

  burst();  // the buffer is still full: all dropped
  clock.advance(1s);
  clock.advance(1s);
  EXPECT_EQ(log.count("datagrams dropped by the kernel"), 1u) << "rate-limited";
  clock.advance(ListenerSockets::kDropWarningInterval);
  EXPECT_EQ(log.count("datagrams dropped by the kernel"), 2u) << log.text();
  EXPECT_NE(log.text().find("300 datagrams dropped by the kernel in the last 60 s"), std::string::npos)
      << log.text();
  clock.advance(ListenerSockets::kDropWarningInterval * 2);
  EXPECT_EQ(log.count("datagrams dropped by the kernel"), 2u) << "no new drops, no line";
}

}  // namespace
}  // namespace lwm2m::gateway
