#pragma once
// The CoAP reliability layer (RFC 7252 §4, §5.3, RFC 7641 tokens), usable as
// server (gateway) and client (device simulator). One Endpoint per Transport;
// single-threaded: every call and callback happens on the transport's thread.
//
// Outgoing requests: the endpoint assigns the message ID (per-peer 16-bit
// space, random start, never reused within EXCHANGE_LIFETIME) and an 8-byte
// random token unless the request carries one. CON requests are retransmitted
// with randomised exponential back-off; the handler gets exactly one final
// call (Ok/Timeout/Reset/Cancelled/Overloaded), except with keepToken=true.
// Responses are matched by token, from any source address (NAT rebinding:
// ResponseResult::from tells the new address).
//
// Incoming requests: duplicates (same peer and message ID within
// EXCHANGE_LIFETIME for CON, NON_LIFETIME for NON) never reach the handler; a
// duplicate CON gets the cached ACK (piggybacked response or empty ACK)
// replayed. Exception: a piggybacked Block2 block over 64 bytes is not kept
// (a download would otherwise keep its whole body for EXCHANGE_LIFETIME); a
// duplicate of that GET/FETCH, a safe method, reaches the handler again. The handler answers through `respond` exactly once (later calls
// are ignored). A response given within separateAckDelay is piggybacked on the
// ACK; otherwise an empty ACK goes out at separateAckDelay and the response
// follows as a separate CON (retransmitted). NON requests get NON responses.
// Unknown critical options: CON request → 4.02 piggybacked, NON → RST.
// Malformed datagrams: RST if a CON header is readable, else dropped.
// Empty CON (ping) → RST. Codes of class 1, 6, 7 → RST for CON, else dropped.
// Block-wise (RFC 7959), transparent in both roles:
//  - a request arriving in Block1 blocks is answered 2.31 Continue per block
//    (asking for setBlockSize() blocks if the peer's are larger) and reaches
//    the handler once, whole (its response gets the final Block1);
//  - a response body over the block size is cut to the Block2 block the peer
//    asks for (block 0 first, with Size2); the handler runs for each block
//    request, so it should answer GETs the same way each time (ETag); a
//    response that already carries a Block2 option (a handler that serves
//    the asked block itself, from a file) goes out as it is;
//  - a request body over the block size is sent in Block1 blocks (with Size1);
//    the final response reaches the handler; a RequestBody is read block by
//    block as the transfer goes (request_body.h), never held whole;
//  - a response to our request that arrives in Block2 blocks is fetched block
//    by block and delivered once, whole, without Block2; with a block size
//    below 1024, GET and FETCH carry Block2 block 0 of that size so the peer
//    uses it from the start (early negotiation, RFC 7959 §2.4).
// Bodies over setMaxBodySize() get 4.13 (Block1) or are delivered as the last
// block received, Block2 option included (Block2). A notification carrying
// Block2 block 0 has the rest fetched (GET without Observe, RFC 7959 §3.4)
// before the observation handler sees it whole.
// NSTART is not enforced: the caller decides how many requests a peer gets at
// once (LwM2M servers commonly send several). Handlers may destroy the Endpoint.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "lwm2m/coap/message.h"
#include "lwm2m/coap/request_body.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/transmission_parameters.h"
#include "lwm2m/coap/transport.h"

namespace lwm2m::coap {

enum class RequestStatus {
  Ok,          // a response arrived (any code)
  Timeout,     // no ACK after maxRetransmit, or no response within the response timeout
  Reset,       // the peer answered RST
  Cancelled,   // cancelRequest() (never called when the Endpoint is destroyed)
  Overloaded,  // no free message ID for this peer (more than 65536 within EXCHANGE_LIFETIME)
  BodyUnavailable,  // a block of the RequestBody could not be read
};

std::string_view requestStatusName(RequestStatus status);  // "ok", "timeout", ...

struct ResponseResult {
  RequestStatus status = RequestStatus::Ok;
  Message response;  // meaningful only when status == Ok
  Peer from;         // where the response came from (the request's peer otherwise)
};

struct EndpointStats {
  std::uint64_t received = 0;         // datagrams in
  std::uint64_t sent = 0;             // datagrams out, retransmissions included
  std::uint64_t retransmissions = 0;
  std::uint64_t duplicates = 0;       // incoming duplicate CON/NON messages
  std::uint64_t malformed = 0;        // datagrams that failed to decode
  std::uint64_t timeouts = 0;         // requests ended with Timeout
  std::uint64_t resets = 0;           // RST sent or received for our messages
};

// What the endpoint currently holds in memory (all of it bounded in time).
struct EndpointLoad {
  std::size_t pendingRequests = 0;     // outgoing requests and observations
  std::size_t rememberedMessages = 0;  // incoming messages kept for duplicate detection
                                       // and partial Block1 bodies
  std::size_t knownPeers = 0;          // peers with message IDs in use
  std::size_t notifyingPeers = 0;      // peers whose last NON notifications are kept for
                                       // duplicate detection (a few each, whatever their rate)
};

class Endpoint {
 public:
  using Responder = std::function<void(Message response)>;
  // The handler answers by calling `respond` once, at once or later (it
  // copies it to answer after returning); further calls are ignored.
  using RequestHandler =
      std::function<void(const Peer& from, const Message& request, const Responder& respond)>;
  using ResponseHandler = std::function<void(const ResponseResult&)>;
  using RequestId = std::uint64_t;

  // `random` supplies uniformly distributed 32-bit values (message IDs, tokens, back-off).
  Endpoint(Transport& transport, Scheduler& scheduler, TransmissionParameters parameters,
           std::function<std::uint32_t()> random);
  // Cancels every timer; pending handlers are not called. Responders kept by
  // the application become no-ops.
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // Hooks the transport's receive path.
  void start();
  // Requests arriving before a handler is set are answered 5.03 Service Unavailable.
  void setRequestHandler(RequestHandler handler);
  // Largest block-wise body assembled in either direction (default 1 MiB).
  void setMaxBodySize(std::size_t bytes);
  // Largest payload sent in one datagram; larger bodies go block-wise, and
  // peers are asked for blocks no larger (see above).
  // Rounded down to a power of two in 16..1024 (default 1024).
  void setBlockSize(std::uint16_t bytes);

  // Sends `request` (CON unless request.type is NonConfirmable) to `to`.
  // The handler is never called from inside sendRequest.
  // keepToken (Observe): the handler is called for the response and every
  // later notification with that token (CON notifications are ACKed) until
  // cancelRequest(id), or until a response without an Observe option or with
  // a non-2.xx code ends the observation (RFC 7641 §3.2, §4.2). After that a
  // notification with the token is answered with RST (passive cancel).
  RequestId sendRequest(const Peer& to, Message request, ResponseHandler onResponse,
                        bool keepToken = false);
  // As above, with `body` in place of the request's payload: sent whole when
  // it fits one block, else in Block1 blocks read from `body` one at a time.
  RequestId sendRequest(const Peer& to, Message request, RequestBody body,
                        ResponseHandler onResponse);
  // Sends a response outside any exchange: an Observe notification (RFC 7641
  // §4.2) carrying the observer's token, a response code and the Observe
  // option. The endpoint assigns the message ID. CON is retransmitted until
  // ACKed → Ok; RST → Reset (the observer is gone: forget it); no ACK →
  // Timeout. NON → Ok once sent (asynchronously).
  RequestId sendNotification(const Peer& to, Message notification,
                             ResponseHandler onDelivered);
  // Registers an observation whose request was sent earlier (e.g. restored
  // after a restart): notifications with `token` from any address reach the
  // handler as with keepToken=true. No request is sent.
  RequestId adoptObservation(const Peer& peer, Token token,
                             ResponseHandler onNotification);
  // Stops retransmissions and forgets the token; the handler is called with
  // Cancelled before this returns, unless the request already finished.
  // Unknown or finished id: no-op.
  void cancelRequest(RequestId id);
  // The peer is gone (e.g. its registration ended): the messages remembered
  // from it for duplicate detection are dropped at the next sweep (within
  // seconds) instead of after EXCHANGE_LIFETIME; one still being answered is
  // kept. A later message from the address is handled as a new one, and the
  // message IDs of requests to it start again at random.
  void forgetPeer(const Peer& peer);
  // True once the peer acknowledged the pending request with an empty ACK (it
  // is awake and a separate response is to follow); false for unknown ids.
  bool acknowledged(RequestId id) const;

  Peer localEndpoint() const;
  const EndpointStats& stats() const;
  EndpointLoad load() const;
  const TransmissionParameters& parameters() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace lwm2m::coap
