#pragma once
// REST routes for firmware packages (gateway/api/firmware.h). Unlike the other
// routes these are not a function from a whole request to a response: an
// upload's body (up to firmware.max_size, 64 MiB by default, while the rest of
// the API takes 64 KiB) is streamed to the package store as it arrives. The
// HTTP session therefore reads a request's header first and, when matches(),
// hands the connection over with take(); the connection is closed after the
// response.
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
// <transfer>: {"requestId","endpoint","mode":"push"|"pull","state":"queued"|
//   "transferring"|"delivered"|"failed","sha256","size","bytes","blocks",
//   "totalBlocks","startedAt","updatedAt"[,"error"]}
//
// Threading contract: on the gateway's I/O thread.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <string>

#include "bridges/http/api_router.h"
#include "gateway/api/firmware.h"

namespace lwm2m::bridges::http {

// <transfer> above.
std::string toJson(const gateway::api::TransferProgress& transfer);

class FirmwareRoutes {
 public:
  explicit FirmwareRoutes(gateway::api::Firmware& firmware) : firmware_(firmware) {}

  // True for the routes above; `header` is a request whose body is not read yet.
  bool matches(const Request& header) const;
  // Takes the connection over: reads the body if any, answers, closes.
  // `header` is left moved-from.
  void take(boost::beast::tcp_stream stream, boost::beast::flat_buffer buffer,
            boost::beast::http::request_parser<boost::beast::http::string_body>& header);

 private:
  gateway::api::Firmware& firmware_;
};

}  // namespace lwm2m::bridges::http
