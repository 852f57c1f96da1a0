#include "lwm2m/server/identity_binding.h"

#include "lwm2m/server/registration_interface.h"

namespace lwm2m::server {

IdentityBinding::IdentityBinding(const coap::PeerIdentities& identities,
                                 const CredentialDirectory& directory,
                                 IdentityBindingSettings settings, Log log)
    : identities_(identities), directory_(directory), settings_(settings), log_(std::move(log)) {}

std::optional<std::string> IdentityBinding::refusal(const coap::Peer& from,
                                                    std::string_view endpoint) const {
  auto reason = check(from, endpoint);
  if (reason && log_) {
    log_("refused endpoint '" + coap::printable(endpoint) + "' from " + coap::toString(from) + ": " +
         *reason);
  }
  return reason;
}

std::optional<std::string> IdentityBinding::endpointOf(const coap::PeerIdentity& identity) const {
  if (identity.kind == coap::PeerIdentity::Kind::PreSharedKey) {
    return directory_.endpointOfPskIdentity(identity.name);
  }
  if (auto bound = directory_.endpointOfCertificateName(identity.name)) return bound;
  for (const auto& alt : identity.altNames) {
    if (auto bound = directory_.endpointOfCertificateName(alt)) return bound;
  }
  return std::nullopt;
}

std::optional<std::string> IdentityBinding::check(const coap::Peer& from,
                                                  std::string_view endpoint) const {
  const auto identity = identities_.identityOf(from);
  if (!identity) {
    if (!settings_.allowPlainCoap) return std::string("plain CoAP registrations are not allowed");
    if (directory_.securityRequired(endpoint)) {
      return std::string("the endpoint's credentials require DTLS, the device used plain CoAP");
    }
    return std::nullopt;
  }
  const auto bound = endpointOf(*identity);
  if (bound) {
    if (*bound == endpoint) return std::nullopt;
    return coap::describe(*identity) + " belongs to endpoint '" + coap::printable(*bound) + "'";
  }
  if (identity->kind == coap::PeerIdentity::Kind::Certificate && identity->hasName(endpoint)) {
    return std::nullopt;
  }
  return coap::describe(*identity) + " is bound to no endpoint and does not name this one";
}

void IdentityBinding::follow(RegistrationInterface& registrations, const coap::Peer& peer,
                             const coap::PeerIdentity& identity) const {
  const auto endpoint = endpointOf(identity);
  if (!endpoint) return;
  if (const Registration* reg = registrations.registrations().findByEndpoint(*endpoint)) {
    registrations.rebind(reg->id, peer);
  }
}

}  // namespace lwm2m::server
