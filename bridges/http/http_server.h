#pragma once
// The gateway's HTTP/1.1 server (REST API and health) on the gateway's
// io_context. Requests are answered by ApiRouter; the server only moves bytes.
//
// Limits: 8 KiB of headers, 64 KiB of body (413 beyond), 30 s to receive a
// request or send a response, keep-alive honoured. Firmware uploads are the
// exception: their routes (firmware_routes.h) take the connection over after
// the header and stream the body, up to firmware.max_size.
//
// Threading contract: the io_context is run by the gateway's one I/O thread;
// call start() and stop() on that thread or before it runs. The directory and
// the health function are used on that thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>

#include "gateway/api/device_ops.h"
#include "lwm2m/model/object_model.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/firmware.h"
#include "gateway/api/health.h"
#include "gateway/api/mapping_control.h"

namespace lwm2m::bridges::http {

class HttpListener;

class HttpServer {
 public:
  // Binds and listens at once, so a bad or busy address fails start-up here:
  // throws std::runtime_error naming the address and the reason (e.g.
  // "address already in use"). Connections are accepted after start().
  HttpServer(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint listen,
             const gateway::api::DeviceDirectory& devices,
             std::function<gateway::api::HealthReport()> health,
             gateway::api::DeviceOps* commands = nullptr,  // nullptr: no command routes
             const model::ObjectModel* model = nullptr,     // types command values; with `commands`
             gateway::api::MappingControl* mapping = nullptr,  // nullptr: no mapping routes
             gateway::api::Firmware* firmware = nullptr);      // nullptr: no firmware routes
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
