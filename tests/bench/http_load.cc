#include "tests/bench/http_load.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace lwm2m::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kIoTimeout{15};

tcp::endpoint loopback(std::uint16_t port) { return {asio::ip::make_address_v4("127.0.0.1"), port}; }

// What every connection of one load run shares; used on the client thread only.
struct LoadRun {
  const TargetOf& target;
  Clock::time_point measuredFrom;
  Clock::time_point end;
  RoundTrips result;

  void fail(std::string what) {
    if (result.failures++ == 0) result.firstFailure = std::move(what);
  }
};

class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  LoadConnection(asio::io_context& io, LoadRun& run, int index, int depth)
      : stream_(io), run_(run), index_(index), depth_(depth) {}

  void start(const tcp::endpoint& server) {
    stream_.expires_after(kIoTimeout);
    stream_.async_connect(server, beast::bind_front_handler(&LoadConnection::onConnect, shared_from_this()));
  }

 private:
  void onConnect(beast::error_code ec) {
    if (ec) return run_.fail("connect: " + ec.message());
    stream_.socket().set_option(tcp::no_delay(true), ec);
    send();
  }

  void send() {
    if (Clock::now() >= run_.end) return;
    requests_.clear();
    for (int i = 0; i < depth_; ++i) {
      requests_ += "GET " + run_.target(index_, sent_++) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }
    unanswered_ = depth_;
    started_ = Clock::now();
    stream_.expires_after(kIoTimeout);
    asio::async_write(stream_, asio::buffer(requests_),
                      beast::bind_front_handler(&LoadConnection::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    if (ec) return run_.fail("write: " + ec.message());
    readAnswer();
  }

  void readAnswer() {
    response_ = {};
    http::async_read(stream_, buffer_, response_, beast::bind_front_handler(&LoadConnection::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec) return run_.fail("read: " + ec.message());
    const auto done = Clock::now();
    if (response_.result_int() != 200) {
      run_.fail(std::to_string(response_.result_int()) + " " + response_.body());
    } else {
      ++run_.result.answered;
      if (started_ >= run_.measuredFrom && done <= run_.end) {
        run_.result.seconds.push_back(std::chrono::duration<double>(done - started_).count());
      }
    }
    if (--unanswered_ > 0) return readAnswer();
    send();
  }

  beast::tcp_stream stream_;
  LoadRun& run_;
  int index_;
  int depth_;
  std::uint64_t sent_ = 0;
  int unanswered_ = 0;
  Clock::time_point started_;
  std::string requests_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
};

class FloorSession : public std::enable_shared_from_this<FloorSession> {
 public:
  FloorSession(tcp::socket socket, const std::string& body) : stream_(std::move(socket)), body_(body) {}

  void run() { doRead(); }

 private:
  void doRead() {
    request_ = {};
    stream_.expires_after(kIoTimeout);
    http::async_read(stream_, buffer_, request_, beast::bind_front_handler(&FloorSession::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec) return;  // closed by the client, or timed out
    response_ = {http::status::ok, request_.version()};
    response_.set(http::field::server, "bench-floor");
    response_.set(http::field::content_type, "application/json");
    response_.set(http::field::cache_control, "no-store");
    response_.keep_alive(request_.keep_alive());
    response_.body() = body_;
    response_.prepare_payload();
    http::async_write(stream_, response_, beast::bind_front_handler(&FloorSession::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    if (ec || !response_.keep_alive()) return;
    doRead();
  }

  beast::tcp_stream stream_;
  const std::string& body_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

RoundTrips httpLoad(std::uint16_t port, const TargetOf& target, const LoadShape& shape) {
  asio::io_context io{1};
  const auto start = Clock::now();
  LoadRun run{target, start + shape.warmup, start + shape.warmup + shape.window, {}};
  for (int i = 0; i < shape.concurrency; ++i) {
    std::make_shared<LoadConnection>(io, run, i, std::max(1, shape.depth))->start(loopback(port));
  }
  io.run();  // returns once every connection has stopped (at the end, or on an error)
  run.result.windowSeconds = std::chrono::duration<double>(shape.window).count();
  return std::move(run.result);
}

std::pair<unsigned, std::string> httpGet(std::uint16_t port, const std::string& target) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.connect(loopback(port), ec);
  if (ec) return {0, "connect: " + ec.message()};
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(stream, buffer, response, ec);
  if (ec) return {0, ec.message()};
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {response.result_int(), response.body()};
}

struct FloorServer::State {
  explicit State(std::string answer) : body(std::move(answer)) {}

  void accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // stopped
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<FloorSession>(std::move(socket), body)->run();
      accept();
    });
  }

  asio::io_context io{1};
  tcp::acceptor acceptor{io, loopback(0)};
  std::string body;
  std::thread thread;
};

FloorServer::FloorServer(std::string body) : state_(std::make_unique<State>(std::move(body))) {
  state_->accept();
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

FloorServer::~FloorServer() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t FloorServer::port() const { return state_->acceptor.local_endpoint().port(); }

double FloorServer::cpuSeconds() const {
  clockid_t clock;
  timespec used{};
  if (pthread_getcpuclockid(state_->thread.native_handle(), &clock) != 0 || clock_gettime(clock, &used) != 0) return 0;
  return static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) * 1e-9;
}

}  // namespace lwm2m::testing
