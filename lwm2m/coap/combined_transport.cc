#include "lwm2m/coap/combined_transport.h"

#include <cassert>

namespace lwm2m::coap {

CombinedTransport::CombinedTransport(Transport* plain, DtlsTransport* secure)
    : plain_(plain), secure_(secure) {
  assert(plain_ || secure_);
}

void CombinedTransport::start(ReceiveHandler handler) {
  if (plain_) plain_->start(handler);
  if (secure_) secure_->start(std::move(handler));
}

void CombinedTransport::send(const Peer& to, std::span<const std::uint8_t> datagram) {
  if (secure_ && (!plain_ || secure_->hasSession(to))) {
    secure_->send(to, datagram);
  } else {
    plain_->send(to, datagram);
  }
}

Peer CombinedTransport::localEndpoint() const {
  return plain_ ? plain_->localEndpoint() : secure_->localEndpoint();
}

void CombinedTransport::close() {
  if (secure_) secure_->close();
  if (plain_) plain_->close();
}

std::optional<PeerIdentity> CombinedTransport::identityOf(const Peer& peer) const {
  return secure_ ? secure_->identityOf(peer) : std::nullopt;
}

}  // namespace lwm2m::coap
