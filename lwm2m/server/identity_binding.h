#pragma once
// Binds registrations to DTLS identities: a device may register (and update,
// and de-register) only as the endpoint its credentials belong to, and a
// device whose DTLS session comes from a new address is followed there by
// its identity.
//
// Rules, in order:
// - Plain CoAP (no DTLS identity for the peer): refused when plain
//   registrations are off, or when the endpoint's credentials say
//   "security required"; otherwise allowed.
// - PSK identity: the endpoint must be the one the identity belongs to.
// - Certificate: the endpoint must be the one its CN or a SAN belongs to in
//   the credentials; without such an entry the CN or a SAN must equal the
//   endpoint name.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/coap/peer_identity.h"
#include "lwm2m/server/registration_authorizer.h"

namespace lwm2m::server {

class RegistrationInterface;

// What the binding needs to know of the credentials store.
class CredentialDirectory {
 public:
  virtual ~CredentialDirectory() = default;
  virtual std::optional<std::string> endpointOfPskIdentity(std::string_view identity) const = 0;
  virtual std::optional<std::string> endpointOfCertificateName(std::string_view name) const = 0;
  virtual bool securityRequired(std::string_view endpoint) const = 0;
};

struct IdentityBindingSettings {
  bool allowPlainCoap = true;
};

class IdentityBinding : public RegistrationAuthorizer {
 public:
  using Log = std::function<void(const std::string& line)>;
  // `identities` and `directory` must outlive this object. `log` gets one
  // line per refusal.
  IdentityBinding(const coap::PeerIdentities& identities, const CredentialDirectory& directory,
                  IdentityBindingSettings settings, Log log);

  std::optional<std::string> refusal(const coap::Peer& from, std::string_view endpoint) const override;

  // The endpoint `identity` belongs to, if any.
  std::optional<std::string> endpointOf(const coap::PeerIdentity& identity) const;

  // A DTLS session with `identity` was established from `peer`: the
  // registration of the endpoint it belongs to moves there (RegistrationInterface::rebind).
  void follow(RegistrationInterface& registrations, const coap::Peer& peer,
              const coap::PeerIdentity& identity) const;

 private:
  std::optional<std::string> check(const coap::Peer& from, std::string_view endpoint) const;

  const coap::PeerIdentities& identities_;
  const CredentialDirectory& directory_;
  IdentityBindingSettings settings_;
  Log log_;
};

}  // namespace lwm2m::server
