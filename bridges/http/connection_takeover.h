#pragma once
// ConnectionTakeover: a route that takes the connection over from the HTTP
// session once the request's header is read and admitted, the way a WebSocket
// upgrade leaves Beast's HTTP session: the session hands the stream (plain TCP
// or TLS) and the request over and ends; the new owner writes its own response
// and keeps the connection for as long as it needs (the event stream,
// bridges/http/event_stream.h).
//
// The hook (HttpServer::setTakeover) is asked after the RequestGuard admitted
// the request (limits, CORS preflight, access control: request_guard.h) and
// before its body is read: matches() must be cheap and must not answer
// anything. The request handed over carries the header only; a body, if the
// client sent one, is still in the stream. `responseFields` are the header
// fields every response on this connection must carry (the CORS allowance).
//
// Threading contract: every call is made on the gateway's I/O thread.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "bridges/http/api_router.h"

namespace lwm2m::bridges::http {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

class ConnectionTakeover {
 public:
  virtual ~ConnectionTakeover() = default;

  // True when takeOver() answers this request (only its header is looked at).
  virtual bool matches(const Request& request) const = 0;
  // Owns the connection from here on: answers `request` (with an error
  // response, or by keeping the connection open) and closes it when done.
  virtual void takeOver(boost::beast::tcp_stream stream, Request request,
                        boost::beast::http::fields responseFields) = 0;
  virtual void takeOver(TlsStream stream, Request request, boost::beast::http::fields responseFields) = 0;
  // The server stops: close every connection taken over. Final.
  virtual void stop() = 0;
};

// The same for routes that must see a request before its body is read: a
// firmware upload (bridges/http/firmware_routes.h) streams a body bigger than
// any limit of the session to the package store, with its own limit. Asked
// once the header is read (after the checks every request passes), before
// the session's body limit applies; the body is still on the stream, part of
// it maybe in `buffer`, and `header` is the parser, mid-message.
class HeaderTakeover {
 public:
  using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  virtual ~HeaderTakeover() = default;

  // True when takeOver() answers this request; `header` has no body yet.
  virtual bool matches(const Request& header) const = 0;
  // Owns the connection from here on: reads the body (or not), answers and
  // closes. `header` may be moved from. Every response carries `responseFields`
  // (the CORS allowance), as ConnectionTakeover's do.
  virtual void takeOver(boost::beast::tcp_stream stream, boost::beast::flat_buffer buffer, RequestParser& header,
                        boost::beast::http::fields responseFields) = 0;
  virtual void takeOver(TlsStream stream, boost::beast::flat_buffer buffer, RequestParser& header,
                        boost::beast::http::fields responseFields) = 0;
  // The server stops: close every connection taken over. Final.
  virtual void stop() = 0;
};

}  // namespace lwm2m::bridges::http
