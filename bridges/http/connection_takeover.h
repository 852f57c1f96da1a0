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

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

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

}  // namespace lwm2m::bridges::http
