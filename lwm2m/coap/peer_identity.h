#pragma once
// Who a datagram comes from, as proven by DTLS: the PSK identity the device
// used, or the names in its verified certificate. The LwM2M layer binds
// registrations to this instead of to an address (a device behind a NAT
// changes address; its credentials stay).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/coap/transport.h"

namespace lwm2m::coap {

struct PeerIdentity {
  enum class Kind { PreSharedKey, Certificate };
  Kind kind = Kind::PreSharedKey;
  // The PSK identity, or the certificate's subject common name.
  std::string name;
  // Certificate subjectAltName entries (DNS, URI); empty for PSK.
  std::vector<std::string> altNames;

  // True if `candidate` is the name or one of the alternative names.
  bool hasName(std::string_view candidate) const;
};

// `text` as it may appear in a log line: at most 128 characters, bytes
// outside printable ASCII written as \xNN (identities come from the network).
std::string printable(std::string_view text);

// "psk identity 'sensor-1'" or "certificate CN 'sensor-1'": for log lines (never a key).
std::string describe(const PeerIdentity& identity);

class PeerIdentities {
 public:
  virtual ~PeerIdentities();
  // The authenticated identity of the established session with `peer`;
  // nullopt when there is none (plain UDP, or handshake not finished).
  virtual std::optional<PeerIdentity> identityOf(const Peer& peer) const = 0;
};

// Where a DTLS server finds the key of a PSK identity. Called on the I/O
// thread during handshakes only (not per datagram). nullopt: unknown identity.
class PskKeyring {
 public:
  virtual ~PskKeyring();
  virtual std::optional<std::vector<std::uint8_t>> keyFor(std::string_view identity) const = 0;
};

}  // namespace lwm2m::coap
