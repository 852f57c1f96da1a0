#pragma once
// The gateway's HTTP/1.1 server (REST API and health) on the gateway's
// io_context, over plain TCP or TLS (HTTPS). Requests are answered by
// ApiRouter; the server only moves bytes.
//
// Every request passes the RequestGuard (bridges/http/request_guard.h: limits,
// CORS, access control) once its header is read, before its body is. Limits
// (HttpLimits): header bytes (431), header fields (431), body bytes (413), the
// time to deliver a request and take a response (closed), connections at a
// time (closed at once beyond). Keep-alive honoured.
//
// On a TLS port, a client speaking plain HTTP gets a plain 400 saying so and
// is closed; a failed handshake (e.g. no client certificate where one is
// required) closes the connection.
//
// Threading contract: the io_context is run by the gateway's one I/O thread;
// call start() and stop() on that thread or before it runs. The directory and
// the health function are used on that thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <optional>

#include "gateway/api/device_ops.h"
#include "lwm2m/model/object_model.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/health.h"
#include "gateway/api/mapping_control.h"
#include "bridges/http/request_guard.h"
#include "bridges/http/tls_context.h"

namespace lwm2m::bridges::http {

class HttpListener;

struct HttpServerSettings {
  HttpLimits limits;
  AccessSettings access;
  CorsSettings cors;
  std::optional<TlsSettings> tls;  // nullopt: plain HTTP
};

class HttpServer {
 public:
  // Binds and listens at once, so a bad or busy address or unusable TLS files
  // fail start-up here: throws std::runtime_error naming the address or the
  // file and the reason (e.g. "address already in use").
  // Connections are accepted after start().
  HttpServer(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint listen,
             const gateway::api::DeviceDirectory& devices,
             std::function<gateway::api::HealthReport()> health,
             gateway::api::DeviceOps* commands = nullptr,  // nullptr: no command routes
             const model::ObjectModel* model = nullptr,     // types command values; with `commands`
             gateway::api::MappingControl* mapping = nullptr,  // nullptr: no mapping routes
             const HttpServerSettings& settings = {});
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Starts accepting connections.
  void start();
  // Stops accepting and closes every open connection; pending handlers then
  // finish, so io_context::run() can return. Safe to call twice; final.
  void stop();
  // The bound address, from construction on: the real port when asked for port 0.
  boost::asio::ip::tcp::endpoint localEndpoint() const;

 private:
  std::shared_ptr<HttpListener> listener_;
  bool started_ = false;
};

}  // namespace lwm2m::bridges::http
