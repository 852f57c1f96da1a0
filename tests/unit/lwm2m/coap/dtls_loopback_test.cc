// DtlsTransport on a real UDP socket with the Asio scheduler, against a stock
// OpenSSL DTLS client (BIO_new_dgram on its own socket, in its own thread):
// the cookie exchange, a PSK handshake, application data both ways and
// close_notify, as any OpenSSL-based device does them over loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <gtest/gtest.h>

#include "lwm2m/coap/asio_scheduler.h"
#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/udp_transport.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;

const std::string kKey = "loopback key";

class OneKey : public PskKeyring {
 public:
  std::optional<std::vector<std::uint8_t>> keyFor(std::string_view identity) const override {
    if (identity != "stock-client") return std::nullopt;
    return std::vector<std::uint8_t>(kKey.begin(), kKey.end());
  }
};

unsigned clientPsk(SSL*, const char*, char* identity, unsigned maxIdentity, unsigned char* psk, unsigned maxPsk) {
  const std::string name = "stock-client";
  if (name.size() + 1 > maxIdentity || kKey.size() > maxPsk) return 0;
  std::memcpy(identity, name.c_str(), name.size() + 1);
  std::memcpy(psk, kKey.data(), kKey.size());
  return static_cast<unsigned>(kKey.size());
}

// A blocking OpenSSL DTLS client: handshake, send `message`, read one reply,
// close_notify. Returns the reply ("" on failure, with the reason in `error`).
std::string stockClient(std::uint16_t port, const std::string& message, std::string& error) {
  SSL_CTX* ctx = SSL_CTX_new(DTLS_client_method());
  SSL_CTX_set_cipher_list(ctx, "PSK-AES128-CCM8");
  SSL_CTX_set_psk_client_callback(ctx, clientPsk);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(port);
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  BIO* bio = BIO_new_dgram(fd, BIO_CLOSE);
  BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &server);
  SSL* ssl = SSL_new(ctx);
  SSL_set_bio(ssl, bio, bio);
  std::string reply;
  if (SSL_connect(ssl) != 1) {
    error = "handshake failed";
  } else if (SSL_write(ssl, message.data(), static_cast<int>(message.size())) <= 0) {
    error = "write failed";
  } else {
    char buffer[2048];
    const int n = SSL_read(ssl, buffer, sizeof buffer);
    if (n > 0) reply.assign(buffer, static_cast<std::size_t>(n));
    else error = "no reply";
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return reply;
}

TEST(DtlsLoopbackTest, StockOpenSslClientHandshakesAndExchangesData) {
  boost::asio::io_context io;
  AsioScheduler scheduler(io);
  UdpTransport socket(io, Peer(boost::asio::ip::make_address("127.0.0.1"), 0));
  OneKey keyring;
  DtlsSettings settings;
  settings.pskKeyring = &keyring;
  std::vector<DtlsEvent> events;
  settings.onEvent = [&events](const DtlsEvent& e) { events.push_back(e); };
  DtlsTransport server(socket, scheduler, settings);
  std::optional<PeerIdentity> identity;
  server.start([&](const Peer& from, std::span<const std::uint8_t> datagram) {
    identity = server.identityOf(from);
    std::string echo = "echo " + std::string(datagram.begin(), datagram.end());
    server.send(from, std::vector<std::uint8_t>(echo.begin(), echo.end()));
  });

  std::string error, reply;
  std::atomic<bool> done{false};
  std::thread client([&] {
    reply = stockClient(socket.localEndpoint().port(), "ping", error);
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!(done && server.sessionCount() == 0) && std::chrono::steady_clock::now() < deadline) {
    io.run_for(20ms);
  }
  client.join();

  EXPECT_EQ(reply, "echo ping") << error;
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->name, "stock-client");
  EXPECT_EQ(server.counters().helloVerifyRequests, 1u);
  EXPECT_EQ(server.counters().fullHandshakes, 1u);
  EXPECT_EQ(server.counters().closedByPeer, 1u) << "close_notify from the client ends the session";
  EXPECT_EQ(server.sessionCount(), 0u);
}

}  // namespace
}  // namespace lwm2m::coap
