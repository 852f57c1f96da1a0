#pragma once
// REST routes for firmware packages (gateway/api/firmware.h). Unlike the other
// routes these are not a function from a whole request to a response: an
// upload's body (up to firmware.max_size, 64 MiB by default, while the rest of
// the API takes 64 KiB) is streamed to the package store as it arrives, and a
// package is streamed out in chunks. The HTTP session reads a request's header
// first and, when matches(), hands the connection over (a HeaderTakeover,
// connection_takeover.h); the connection is closed after the response.
// The routes are listed in api_routes.h like every other.
//
//   PUT  /api/v1/devices/{endpoint}/firmware[?mode=push|pull]   body: the package
//   POST /api/v1/devices/{endpoint}/5/0/0   Content-Type: application/octet-stream (push)
//   POST /api/v1/devices/{endpoint}/5/0/1   Content-Type: application/octet-stream (pull)
//        202 {"requestId":"q…","status":"queued","mode":"push","sha256":"…","size":N}
//        once the package is stored and its command queued | 413 larger than
//        firmware.max_size | 400/404/429/503 as for commands (statusOf)
//   GET  /api/v1/devices/{endpoint}/firmware   200 <transfer> of the latest
//        package transfer to the device | 404
//   GET|HEAD /api/v1/firmware/{sha256}   the package (application/octet-stream,
//        ETag "sha256"; Range: bytes=a-b, a- or -n → 206, unsatisfiable → 416)
//
// <transfer>: toJson(TransferProgress) of rest_json.h.
//
// Threading contract: on the gateway's I/O thread.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <string>

#include <memory>
#include <vector>

#include "bridges/http/api_router.h"
#include "bridges/http/connection_takeover.h"
#include "gateway/api/firmware.h"

namespace lwm2m::bridges::http {

class ExchangeBase;

class FirmwareRoutes : public HeaderTakeover {
 public:
  explicit FirmwareRoutes(gateway::api::Firmware& firmware) : firmware_(firmware) {}

  // True for the routes above; `header` is a request whose body is not read yet.
  bool matches(const Request& header) const override;
  // Takes the connection over: reads the body if any, answers, closes.
  // `header` is left moved-from.
  void takeOver(boost::beast::tcp_stream stream, boost::beast::flat_buffer buffer, RequestParser& header,
                boost::beast::http::fields responseFields) override;
  void takeOver(TlsStream stream, boost::beast::flat_buffer buffer, RequestParser& header,
                boost::beast::http::fields responseFields) override;
  // Closes the connections of uploads and downloads under way.
  void stop() override;

 private:
  template <class Stream>
  void start(Stream stream, boost::beast::flat_buffer buffer, RequestParser& header,
             boost::beast::http::fields responseFields);

  gateway::api::Firmware& firmware_;
  std::vector<std::weak_ptr<ExchangeBase>> exchanges_;
};

}  // namespace lwm2m::bridges::http
