#pragma once
// The gateway's HTTP/1.1 server (REST API and health) on the gateway's
// io_context, over plain TCP or TLS (HTTPS). Requests are answered by
// ApiRouter; the server only moves bytes.
//
// Every request passes the RequestGuard (bridges/http/request_guard.h: limits,
// CORS, access control) once its header is read, before its body is. Limits
// (HttpLimits): header bytes (431), header fields (431), body bytes (413), the
// time to deliver a request and take a response (closed), connections at a
// time (closed at once beyond). Keep-alive honoured. A connection reads its
// next request only once the previous response is written, so pipelined
// requests are answered in order, also when one waits for a device (no
// timeout runs while the router works: the call's own timeout bounds it).
// Answers leave at once (TCP_NODELAY), never held back for a delayed ACK.
//
// On a TLS port, a client speaking plain HTTP gets a plain 400 saying so and
// is closed; a failed handshake (e.g. no client certificate where one is
// required) closes the connection.
//
// A request's header is read first: routes that stream their body (firmware
// uploads, HeaderTakeover) take the connection over there, with their own
// body limit; for every other request http.limits' body limit applies (413
// from the Content-Length, before the body is read) and the body is read whole.
//
// Threading contract: the io_context is run by the gateway's one I/O thread;
// call start() and stop() on that thread or before it runs. The services
// are used on that thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <optional>

#include "bridges/http/api_router.h"
#include "bridges/http/request_guard.h"
#include "bridges/http/tls_context.h"
#include "gateway/api/device_events.h"

namespace lwm2m::bridges::http {

class HttpListener;
class OperationsRoutes;
class ConnectionTakeover;
class HeaderTakeover;

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
             RestServices services, const HttpServerSettings& settings = {});
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves GET /ready and GET /metrics (operations_routes.h). Call before start().
  void setOperationsRoutes(std::shared_ptr<const OperationsRoutes> routes);

  // Routes that take the connection over once their request is parsed (the
  // event stream; see connection_takeover.h). Call before start().
  void setTakeover(std::shared_ptr<ConnectionTakeover> takeover);
  // Routes that take the connection over once the request's header is read,
  // before its body (firmware uploads; see connection_takeover.h). Call before start().
  void setUploads(std::shared_ptr<HeaderTakeover> uploads);
  // Starts accepting connections.
  void start();
  // Stops accepting and closes every open connection (those taken over too); pending handlers then
  // finish, so io_context::run() can return. Safe to call twice; final.
  void stop();
  // The bound address, from construction on: the real port when asked for port 0.
  boost::asio::ip::tcp::endpoint localEndpoint() const;
  // Subscribe to the device events: command results and presence for the
  // request resources and the calls that wait for a device.
  gateway::api::DeviceEventListener& events() { return *router_; }
  // Forgets the finished requests past their maximum age (ApiRouter::expireFinished).
  void expireFinished() { router_->expireFinished(); }

 private:
  std::shared_ptr<ApiRouter> router_;
  std::shared_ptr<HttpListener> listener_;
  bool started_ = false;
};

}  // namespace lwm2m::bridges::http
