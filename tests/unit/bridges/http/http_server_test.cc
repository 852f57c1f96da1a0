#include "bridges/http/http_server.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "tests/unit/bridges/http/fake_directory.h"

namespace lwm2m::bridges::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

using ClientResponse = beast_http::response<beast_http::string_body>;

// A client connection with every operation bounded by a deadline, so a broken
// server fails the test instead of hanging it.
class Client {
 public:
  explicit Client(tcp::endpoint server) : stream_(io_) {
    stream_.expires_after(5s);
    stream_.async_connect(server, [this](beast::error_code ec) { ec_ = ec; });
    io_.run();
  }

  beast::error_code exchange(beast_http::request<beast_http::string_body> request,
                             ClientResponse& response) {
    request.prepare_payload();
    response = {};
    ec_ = {};
    stream_.expires_after(5s);
    beast_http::async_write(stream_, request, [this, &response](beast::error_code ec, std::size_t) {
      if (ec) {
        ec_ = ec;
        return;
      }
      beast_http::async_read(stream_, buffer_, response,
                             [this](beast::error_code ec2, std::size_t) { ec_ = ec2; });
    });
    io_.restart();
    io_.run();
    return ec_;
  }

  // Waits for the server to end the connection; returns the read's error.
  beast::error_code waitForClose() {
    char byte;
    stream_.expires_after(5s);
    stream_.async_read_some(asio::buffer(&byte, 1),
                            [this](beast::error_code ec, std::size_t) { ec_ = ec; });
    io_.restart();
    io_.run();
    return ec_;
  }

  beast::error_code connectError() const { return ec_; }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code ec_;
};

beast_http::request<beast_http::string_body> request(beast_http::verb verb, std::string target) {
  beast_http::request<beast_http::string_body> r{verb, target, 11};
  r.set(beast_http::field::host, "127.0.0.1");
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_.list = {testing::device("sensor-1", "r1"), testing::device("sensor 2", "r2")};
    RestServices services;
    services.devices = &directory_;
    services.health = [] { return gateway::api::HealthReport{"1.2.3", 5s, 2, false}; };
    services.commands = &commands_;
    services.model = &model_;
    server_ = std::make_unique<HttpServer>(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), services);
    server_->start();
    endpoint_ = server_->localEndpoint();
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    stopServer();
    if (thread_.joinable()) thread_.join();
  }

  // stop() belongs on the I/O thread; afterwards run() must return by itself.
  void stopServer() {
    if (stopped_) return;
    stopped_ = true;
    std::promise<void> done;
    asio::post(io_, [&] {
      server_->stop();
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  }

  asio::io_context io_;
  testing::FakeDirectory directory_;
  testing::FakeDeviceOps commands_;
  model::ModelSource model_{model::ObjectModel::builtIn()};
  std::unique_ptr<HttpServer> server_;
  tcp::endpoint endpoint_;
  std::thread thread_;
  bool stopped_ = false;
};

TEST_F(HttpServerTest, BindsAFreePortWhenAskedForPortZero) {
  EXPECT_EQ(endpoint_.address().to_string(), "127.0.0.1");
  EXPECT_NE(endpoint_.port(), 0);
}

TEST_F(HttpServerTest, ServesTheDeviceListAndOneDevice) {
  Client client(endpoint_);
  ASSERT_FALSE(client.connectError()) << client.connectError().message();
  ClientResponse response;
  ASSERT_FALSE(client.exchange(request(beast_http::verb::get, "/api/v1/devices"), response));
  EXPECT_EQ(response.result(), beast_http::status::ok);
  rapidjson::Document doc;
  doc.Parse(response.body().c_str());
  ASSERT_TRUE(doc.IsObject()) << response.body();
  ASSERT_EQ(doc["devices"].Size(), 2u);
  EXPECT_STREQ(doc["devices"][1]["endpoint"].GetString(), "sensor 2");

  // Same connection (keep-alive): the second request is answered too.
  ASSERT_FALSE(client.exchange(request(beast_http::verb::get, "/api/v1/devices/sensor%202"),
                               response));
  EXPECT_EQ(response.result(), beast_http::status::ok);
  doc.Parse(response.body().c_str());
  EXPECT_STREQ(doc["registrationId"].GetString(), "r2");

  ASSERT_FALSE(client.exchange(request(beast_http::verb::get, "/api/v1/devices/ghost"), response));
  EXPECT_EQ(response.result(), beast_http::status::not_found);
  EXPECT_EQ(response.body(), R"({"error":"device 'ghost' is not registered"})");
}

TEST_F(HttpServerTest, HealthAnswers) {
  Client client(endpoint_);
  ClientResponse response;
  ASSERT_FALSE(client.exchange(request(beast_http::verb::get, "/health"), response));
  EXPECT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(response.body(),
            R"({"status":"ok","version":"1.2.3","uptime":5,"devices":2,"mqtt":"disconnected"})");
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  Client client(endpoint_);
  ClientResponse response;
  auto r = request(beast_http::verb::get, "/health");
  r.keep_alive(false);
  ASSERT_FALSE(client.exchange(r, response));
  EXPECT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(client.waitForClose(), asio::error::eof);
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  Client client(endpoint_);
  ClientResponse response;
  auto r = request(beast_http::verb::post, "/api/v1/devices");
  r.body() = std::string(100 * 1024, 'x');
  ASSERT_FALSE(client.exchange(r, response));
  EXPECT_EQ(response.result(), beast_http::status::payload_too_large);
  EXPECT_NE(response.body().find("larger than 65536 bytes"), std::string::npos) << response.body();
}

TEST_F(HttpServerTest, WrongMethodIs405) {
  Client client(endpoint_);
  ClientResponse response;
  ASSERT_FALSE(client.exchange(request(beast_http::verb::put, "/health"), response));
  EXPECT_EQ(response.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(response[beast_http::field::allow], "GET");
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndLetsTheLoopEnd) {
  Client client(endpoint_);
  ClientResponse response;
  ASSERT_FALSE(client.exchange(request(beast_http::verb::get, "/health"), response));
  stopServer();
  EXPECT_TRUE(client.waitForClose());  // eof or reset: the server hung up
  thread_.join();                      // run() returned: no work left behind
  Client late(endpoint_);
  EXPECT_TRUE(late.connectError());    // nobody listens any more
}

TEST_F(HttpServerTest, ACallWaitingForItsDeviceDoesNotHoldOtherConnections) {
  // The fake device never answers: the call waits (timeout 1 s + grace), then
  // answers 202; meanwhile another connection is served, and a client that
  // hung up while waiting costs nothing.
  {
    asio::io_context io;
    tcp::socket gone(io);
    gone.connect(endpoint_);
    const std::string text = "GET /api/v1/devices/sensor-1/3/0/0?timeout=1 HTTP/1.1\r\nHost: x\r\n\r\n";
    asio::write(gone, asio::buffer(text));
  }  // closed while its call waits
  Client waiting(endpoint_);
  std::promise<ClientResponse> slow;
  std::thread caller([&] {
    ClientResponse response;
    (void)waiting.exchange(request(beast_http::verb::get, "/api/v1/devices/sensor-1/3/0/0?timeout=1"), response);
    slow.set_value(response);
  });
  Client other(endpoint_);
  ClientResponse response;
  ASSERT_FALSE(other.exchange(request(beast_http::verb::get, "/health"), response));
  EXPECT_EQ(response.result(), beast_http::status::ok);
  auto answer = slow.get_future();
  ASSERT_EQ(answer.wait_for(8s), std::future_status::ready);
  caller.join();
  const ClientResponse late = answer.get();
  EXPECT_EQ(late.result(), beast_http::status::accepted) << late.body();
  EXPECT_EQ(late[beast_http::field::location].substr(0, 17), "/api/v1/requests/");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrderBehindACallThatWaits) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(endpoint_);
  const std::string two =
      "GET /api/v1/devices/sensor-1/3/0/0?timeout=1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(socket, asio::buffer(two));
  beast::flat_buffer buffer;
  ClientResponse first, second;
  beast_http::read(socket, buffer, first);
  beast_http::read(socket, buffer, second);
  EXPECT_EQ(first.result(), beast_http::status::accepted) << first.body();  // the device never answered
  EXPECT_EQ(second.result(), beast_http::status::ok);
  EXPECT_NE(second.body().find("\"version\":\"1.2.3\""), std::string::npos) << second.body();
}

TEST_F(HttpServerTest, PipelinedAnswersAreNotHeldBackForTheClientsDelayedAck) {
  // Two requests in one write: the second answer is written while the first
  // is still unacknowledged, and with Nagle's algorithm on it would wait for
  // the client's delayed ACK (40 ms or more on Linux) every time.
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(endpoint_);
  socket.set_option(tcp::no_delay(true));
  const std::string two = "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  beast::flat_buffer buffer;
  std::vector<std::chrono::steady_clock::duration> rounds;
  for (int i = 0; i < 11; ++i) {
    const auto start = std::chrono::steady_clock::now();
    asio::write(socket, asio::buffer(two));
    ClientResponse first, second;
    beast_http::read(socket, buffer, first);
    beast_http::read(socket, buffer, second);
    ASSERT_EQ(second.result(), beast_http::status::ok);
    rounds.push_back(std::chrono::steady_clock::now() - start);
  }
  std::sort(rounds.begin(), rounds.end());
  EXPECT_LT(rounds[rounds.size() / 2], 20ms) << "median of two pipelined answers";
}

TEST(HttpServer, BusyAddressIsAClearErrorAtConstruction) {
  asio::io_context io;
  testing::FakeDirectory directory;
  RestServices services;
  services.devices = &directory;
  services.health = [] { return gateway::api::HealthReport{}; };
  HttpServer first(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), services);
  EXPECT_NE(first.localEndpoint().port(), 0);  // known before start()
  try {
    HttpServer second(io, first.localEndpoint(), services);
    FAIL() << "second server bound a busy port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lwm2m::bridges::http
