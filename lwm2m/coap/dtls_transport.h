#pragma once
// DTLS 1.2 (RFC 6347) on top of another Transport (normally UdpTransport):
// the CoAP endpoint above sees plaintext datagrams per peer exactly as over
// plain UDP, and the LwM2M layer asks identityOf(peer) who a peer proved to be.
//
// Contract:
// - Runs on the I/O thread with the injected scheduler, like the endpoint.
// - Server role: many peers on one socket, one session per peer. A ClientHello
//   from an unknown peer is answered with a HelloVerifyRequest carrying a
//   stateless HMAC cookie; no per-peer state exists before a ClientHello
//   returns a valid cookie (spoofed floods cost nothing but the reply).
//   At most maxHandshakes unfinished and maxSessions sessions (the longest
//   idle session is closed to make room). Handshakes that do not finish
//   within handshakeTimeout are dropped, but a client whose Finished does
//   not decrypt when its flight comes a second time (a wrong PSK key) is
//   refused at once; sessions idle for idleTimeout are
//   closed with close_notify. A returning device resumes (session ticket or
//   session id) with an abbreviated handshake. A ClientHello from the
//   address of an established session starts a new session (the device
//   restarted) once its cookie is valid. close_notify from a peer ends its
//   session and is answered. release(peer) ends a session early, once its
//   device's registration ended (De-register or expiry) and nothing more
//   came over it for a short while.
// - Client role: send() to a peer without a session starts a handshake and
//   keeps up to maxQueuedWhileHandshaking datagrams until it finishes; the
//   session is resumed on the next handshake with that peer.
// - Handshake retransmission follows OpenSSL's DTLS timer (1 s doubling up
//   to 60 s); the timers run on the scheduler. onEvent reports every session
//   that starts, resumes, fails (with the reason, never a key), closes or
//   expires.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "lwm2m/coap/dtls_settings.h"
#include "lwm2m/coap/peer_identity.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/transport.h"

namespace lwm2m::coap {

struct DtlsCounters {
  std::uint64_t helloVerifyRequests = 0;  // cookies sent (no state kept)
  std::uint64_t fullHandshakes = 0;
  std::uint64_t resumedHandshakes = 0;
  std::uint64_t failedHandshakes = 0;
  std::uint64_t closedByPeer = 0;
  std::uint64_t expired = 0;              // idle timeout or evicted at maxSessions
  std::uint64_t droppedDatagrams = 0;     // not DTLS, no session, or over a bound
};

class DtlsTransport : public Transport, public PeerIdentities {
 public:
  // `records` carries the DTLS records and must outlive this transport.
  // Throws std::runtime_error naming the file or setting that is wrong
  // (start-up path).
  DtlsTransport(Transport& records, Scheduler& scheduler, DtlsSettings settings);
  ~DtlsTransport() override;
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  void start(ReceiveHandler handler) override;
  // Encrypts and sends; dropped (and counted) if there is no established
  // session (server), the handshake queue is full (client), or the datagram
  // is larger than 2 KiB (the record size that keeps sessions small; CoAP
  // block-wise transfers keep datagrams near 1.1 KiB).
  void send(const Peer& to, std::span<const std::uint8_t> datagram) override;
  Peer localEndpoint() const override;
  // Sends close_notify to every established peer, then closes `records`.
  void close() override;

  std::optional<PeerIdentity> identityOf(const Peer& peer) const override;
  // True if `peer` has an established session.
  bool hasSession(const Peer& peer) const;

  // Drops the session with `peer` without close_notify, as a device that
  // slept and lost its address does. A client then resumes it on the next
  // send() with an abbreviated handshake.
  void forget(const Peer& peer);
  void forgetAll();

  // Server: the LwM2M registration made over the session with `peer` ended
  // (the device de-registered, or its registration expired). The session
  // is closed (close_notify, reported as Expired "registration ended") once
  // `linger` passed without a datagram from the peer, instead of after
  // idleTimeout, so a device that left does not hold its SSL state for an
  // hour. A datagram from the peer meanwhile (RFC 6347 lets a device
  // register again over the same session right away) cancels this: the
  // session lives on under the usual idle timeout. Closing keeps
  // resumption: a device that comes back within resumptionLifetime resumes
  // with an abbreviated handshake (session ticket or session cache).
  // Nothing happens without an established session with `peer`.
  void release(const Peer& peer, std::chrono::steady_clock::duration linger);

  std::size_t sessionCount() const;
  std::size_t handshakeCount() const;
  const DtlsCounters& counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lwm2m::coap
