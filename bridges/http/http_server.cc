// Listener + session in the shape of Beast's asynchronous server examples:
// each connection owns itself through shared_from_this(), reads one request's
// header, then its body (unless a HeaderTakeover takes the connection), writes
// the router's response, and reads again while keep-alive holds.
#include "bridges/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "bridges/http/api_router.h"
#include "bridges/http/connection_takeover.h"

namespace lwm2m::bridges::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::uint64_t kBodyLimit = 64 * 1024;
constexpr std::chrono::seconds kIoTimeout{30};

std::string toString(const tcp::endpoint& endpoint) {
  std::ostringstream s;
  s << endpoint;
  return s.str();
}

// The hooks that take a connection over from its session (connection_takeover.h).
struct Takeovers {
  std::shared_ptr<HeaderTakeover> afterHeader;       // firmware uploads
  std::shared_ptr<ConnectionTakeover> afterRequest;  // the event stream
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ApiRouter> router, Takeovers takeovers)
      : stream_(std::move(socket)), router_(std::move(router)), takeovers_(std::move(takeovers)) {}

  void run() { doRead(); }

  // From HttpServer::stop(): ends the connection; pending operations complete
  // with operation_aborted and the session goes away.
  void close() {
    if (handedOver_) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void doRead() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The route chooses the limit once the header is read (onHeader). Not
    // boost::none: Boost 1.74 then refuses every body.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(kIoTimeout);
    beast_http::async_read_header(stream_, buffer_, *parser_,
                                  beast::bind_front_handler(&Session::onHeader, shared_from_this()));
  }

  // Checks every request must pass come first; then a route that streams its
  // body takes the connection, and the others get the session's body limit.
  void onHeader(beast::error_code ec, std::size_t n) {
    if (ec) return onRead(ec, n);
    if (takeovers_.afterHeader && takeovers_.afterHeader->matches(parser_->get())) {
      handedOver_ = true;
      return takeovers_.afterHeader->takeOver(std::move(stream_), std::move(buffer_), *parser_);
    }
    if (const auto length = parser_->content_length(); length && *length > kBodyLimit) {
      return onRead(beast_http::error::body_limit, n);
    }
    parser_->body_limit(kBodyLimit);
    if (parser_->is_done()) return onRead({}, n);
    beast_http::async_read(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec == beast_http::error::end_of_stream) return shutdown();
    if (ec == beast_http::error::body_limit) {
      return replyAndClose(beast_http::status::payload_too_large,
                           "request body larger than " + std::to_string(kBodyLimit) + " bytes");
    }
    if (ec == beast_http::error::header_limit) {
      return replyAndClose(beast_http::status::request_header_fields_too_large,
                           "request headers larger than " + std::to_string(kHeaderLimit) +
                               " bytes");
    }
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return;  // the stream is closed or about to be: nothing to answer
    }
    if (ec) return replyAndClose(beast_http::status::bad_request, "malformed HTTP request: " + ec.message());

    // The answer may come now or later (a call waiting for its device); it
    // is written from this connection's executor, and nothing else is read
    // meanwhile. A client gone by then only makes the write fail.
    const Request& request = parser_->get();
    if (takeovers_.afterRequest && takeovers_.afterRequest->matches(request)) {  // the stream and the request go
      handedOver_ = true;
      return takeovers_.afterRequest->takeOver(std::move(stream_), parser_->release());
    }
    router_->handle(request, [self = shared_from_this()](Response response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->onResponse(std::move(response));
      });
    });
  }

  void onResponse(Response response) {
    const Request& request = parser_->get();
    spdlog::debug("HTTP {} {} -> {}", std::string(request.method_string()), std::string(request.target()),
                  response.result_int());
    response_ = std::move(response);
    doWrite();
  }

  void replyAndClose(beast_http::status status, const std::string& message) {
    spdlog::debug("HTTP request rejected: {}", message);
    response_ = errorResponse(status, message);
    doWrite();
  }

  void doWrite() {
    stream_.expires_after(kIoTimeout);
    beast_http::async_write(stream_, response_,
                            beast::bind_front_handler(&Session::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!response_.keep_alive()) return shutdown();
    doRead();
  }

  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  Response response_;
  std::shared_ptr<ApiRouter> router_;
  Takeovers takeovers_;
  bool handedOver_ = false;
};

}  // namespace

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  HttpListener(asio::io_context& io, std::shared_ptr<ApiRouter> router)
      : io_(io), acceptor_(io), router_(std::move(router)) {}

  void listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      throw std::runtime_error("HTTP server cannot listen on " + toString(endpoint) + ": " +
                               ec.message());
    }
  }

  void accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&HttpListener::onAccept, shared_from_this()));
  }

  void setTakeover(std::shared_ptr<ConnectionTakeover> takeover) { takeovers_.afterRequest = std::move(takeover); }
  void setUploads(std::shared_ptr<HeaderTakeover> uploads) { takeovers_.afterHeader = std::move(uploads); }

  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    router_->stop();
    if (takeovers_.afterRequest) takeovers_.afterRequest->stop();
    if (takeovers_.afterHeader) takeovers_.afterHeader->stop();
    for (auto& weak : sessions_) {
      if (auto session = weak.lock()) session->close();
    }
    sessions_.clear();
  }

  tcp::endpoint localEndpoint() const {
    beast::error_code ec;
    auto endpoint = acceptor_.local_endpoint(ec);
    return ec ? tcp::endpoint{} : endpoint;
  }

 private:
  void onAccept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;  // stopped
    if (ec) {
      spdlog::warn("HTTP accept failed: {}", ec.message());
    } else {
      // Every answer is complete when written: send it at once. Without this,
      // an answer written while the previous one is unacknowledged (pipelined
      // requests, streamed events) waits for the client's delayed ACK (~40 ms).
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<Session>(std::move(socket), router_, takeovers_);
      std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
      sessions_.push_back(session);
      session->run();
    }
    accept();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::shared_ptr<ApiRouter> router_;
  std::vector<std::weak_ptr<Session>> sessions_;
  Takeovers takeovers_;
};

HttpServer::HttpServer(asio::io_context& io, tcp::endpoint listen, RestServices services)
    : router_(std::make_shared<ApiRouter>(io.get_executor(), std::move(services))),
      listener_(std::make_shared<HttpListener>(io, router_)) {
  listener_->listen(listen);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::setOperationsRoutes(std::shared_ptr<const OperationsRoutes> routes) {
  router_->setOperationsRoutes(std::move(routes));
}

void HttpServer::start() {
  if (started_ || !listener_) return;
  started_ = true;
  listener_->accept();
}

void HttpServer::setTakeover(std::shared_ptr<ConnectionTakeover> takeover) {
  if (listener_) listener_->setTakeover(std::move(takeover));
}

void HttpServer::setUploads(std::shared_ptr<HeaderTakeover> uploads) {
  if (listener_) listener_->setUploads(std::move(uploads));
}

void HttpServer::stop() {
  if (!listener_) return;
  listener_->stop();
  listener_.reset();
}

tcp::endpoint HttpServer::localEndpoint() const {
  return listener_ ? listener_->localEndpoint() : tcp::endpoint{};
}

}  // namespace lwm2m::bridges::http
