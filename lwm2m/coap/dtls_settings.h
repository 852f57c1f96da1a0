#pragma once
// What a DTLS 1.2 endpoint (lwm2m/coap/dtls_transport.h) is configured with.
// Plain data; no OpenSSL types, so configuration code need not include OpenSSL.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lwm2m/coap/peer_identity.h"
#include "lwm2m/coap/transport.h"

namespace lwm2m::coap {

// What happened to a DTLS session, for logs and counters. `reason` never
// contains key material.
struct DtlsEvent {
  enum class Kind {
    Established,  // full handshake done
    Resumed,      // abbreviated handshake (session ticket or session cache)
    Failed,       // handshake refused or broken; reason says why
    Closed,       // close_notify received (or sent on close())
    Expired,      // idle longer than idleTimeout, evicted at maxSessions, or released
                  // after its registration ended (DtlsTransport::release)
  };
  Kind kind;
  Peer peer;
  // The proven identity; for Failed, the PSK identity the peer named (it
  // may not own it: the refusal may be about exactly that).
  std::optional<PeerIdentity> identity;
  std::string reason;
};

struct DtlsSettings {
  enum class Role { Server, Client };
  Role role = Role::Server;

  // Server: where PSK identities are looked up (not owned; outlives the
  // transport). nullptr: no PSK suites.
  const PskKeyring* pskKeyring = nullptr;
  // Client: the identity and key it presents. Empty identity: no PSK.
  std::string pskIdentity;
  std::vector<std::uint8_t> pskKey;

  // X.509 (PEM files). Own certificate chain and key: the server presents
  // them, a client presents them when asked. caFile: the peers' certificates
  // must chain to it (a server then asks clients for a certificate).
  std::string certificateFile;
  std::string privateKeyFile;
  std::string caFile;

  // OpenSSL cipher list; empty: the LwM2M suites for the credentials set
  // (PSK: AES-128-CCM-8, -CBC-SHA256, -GCM-SHA256, ECDHE-PSK; certificates:
  // ECDHE-ECDSA AES-128-CCM-8, -GCM-SHA256, -CBC-SHA256).
  std::string cipherList;

  // Bounds. A server holds at most maxSessions sessions (the longest idle
  // one is closed to make room) and at most maxHandshakes of them unfinished
  // (further ClientHellos are dropped until one finishes or times out).
  std::size_t maxSessions = 10000;
  std::size_t maxHandshakes = 256;
  // A handshake not finished within this is dropped.
  std::chrono::seconds handshakeTimeout{30};
  // A session with no datagram either way for this long is closed.
  std::chrono::seconds idleTimeout{3600};
  // How long a session can be resumed (ticket and cache lifetime).
  std::chrono::seconds resumptionLifetime{86400};
  // Largest datagram DTLS sends (records are packed into datagrams up to it).
  std::size_t mtu = 1232;
  // Client: plaintext datagrams kept per peer while its handshake runs.
  std::size_t maxQueuedWhileHandshaking = 16;

  std::function<void(const DtlsEvent&)> onEvent;
};

}  // namespace lwm2m::coap
