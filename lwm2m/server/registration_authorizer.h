#pragma once
// Who may act as an endpoint in the Registration Interface. The
// RegistrationInterface asks before a Register, an Update and a De-register;
// a refusal is answered 4.03 Forbidden. Implementations log the refusal
// (never a key) and keep the reason out of the answer to the device.

#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/coap/transport.h"

namespace lwm2m::server {

class RegistrationAuthorizer {
 public:
  virtual ~RegistrationAuthorizer() = default;
  // nullopt: `from` may act as `endpoint`. Otherwise why not, for the log.
  virtual std::optional<std::string> refusal(const coap::Peer& from, std::string_view endpoint) const = 0;
};

}  // namespace lwm2m::server
