#pragma once
// Validation of Register and Update requests: pure functions from a CoAP
// request to either the parameters or the rejection the spec prescribes.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "lwm2m/coap/message.h"
#include "lwm2m/formats/link_format.h"

namespace lwm2m::server {

struct Rejection {
  coap::Code code;     // 4.00 Bad Request, 4.12 Precondition Failed, ...
  std::string reason;  // names the offending parameter; logged and sent as diagnostic payload
};

struct RegisterParameters {
  std::string endpoint;
  std::uint32_t lifetime = 86400;
  std::string version = "1.0";
  std::string binding = "U";
  bool queueMode = false;
  std::string smsNumber;
  std::string rootPath = "/";
  std::vector<formats::Link> objectLinks;
  std::vector<std::pair<std::string, std::string>> extraParameters;
};

// Only the parameters present in the Update; absent ones keep their value.
struct UpdateParameters {
  std::optional<std::uint32_t> lifetime;
  std::optional<std::string> binding;
  std::optional<bool> queueMode;  // set when b= or Q says something about queue mode
  std::optional<std::string> smsNumber;
  std::optional<std::vector<formats::Link>> objectLinks;
  std::optional<std::string> rootPath;
};

struct RegistrationPolicy {
  // Reject a Register without lwm2m= (4.00) instead of treating it as 1.0.
  bool strictVersion = false;
  // lt= outside [minLifetime, maxLifetime] seconds is rejected with 4.00.
  std::uint32_t minLifetime = 1;
  std::uint32_t maxLifetime = 2592000;
};

// Register: POST /rd?ep=..&lt=..&lwm2m=..&b=..&sms=..&Q with a link-format payload.
std::variant<RegisterParameters, Rejection> parseRegister(const coap::Message& request,
                                                          const RegistrationPolicy& policy);

// Update: POST /rd/{id}[?lt=..&b=..&sms=..&Q], payload optional. `version` is the
// registered LwM2M version, against which the binding is re-checked.
std::variant<UpdateParameters, Rejection> parseUpdate(const coap::Message& request,
                                                      const std::string& version,
                                                      const RegistrationPolicy& policy = {});

}  // namespace lwm2m::server
