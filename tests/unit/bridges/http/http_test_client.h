#pragma once
// A blocking HTTP/1.1 client for the server's unit tests: every operation is
// bounded by a deadline, so a broken server fails a test instead of hanging it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <string>

namespace lwm2m::bridges::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

using ClientResponse = beast_http::response<beast_http::string_body>;

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

inline beast_http::request<beast_http::string_body> request(beast_http::verb verb, std::string target) {
  beast_http::request<beast_http::string_body> r{verb, target, 11};
  r.set(beast_http::field::host, "127.0.0.1");
  return r;
}

}  // namespace lwm2m::bridges::http
