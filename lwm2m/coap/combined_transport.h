#pragma once
// The plain CoAP listener and the DTLS listener as one Transport, so one
// Endpoint (and everything above it) serves devices on both. Datagrams of
// both reach the one handler; a datagram to a peer goes out over DTLS if
// that peer has a DTLS session, else over plain UDP. identityOf() answers
// from the DTLS sessions. Either listener may be absent (not both).

#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/transport.h"

namespace lwm2m::coap {

class CombinedTransport : public Transport, public PeerIdentities {
 public:
  // Both must outlive this object; either may be nullptr.
  CombinedTransport(Transport* plain, DtlsTransport* secure);

  void start(ReceiveHandler handler) override;
  void send(const Peer& to, std::span<const std::uint8_t> datagram) override;
  // The plain listener's address if there is one, else the DTLS listener's.
  Peer localEndpoint() const override;
  void close() override;
  std::optional<PeerIdentity> identityOf(const Peer& peer) const override;

 private:
  Transport* plain_;
  DtlsTransport* secure_;
};

}  // namespace lwm2m::coap
