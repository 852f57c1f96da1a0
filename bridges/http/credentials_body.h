#pragma once
// The body of PUT /api/v1/credentials/{endpoint}: one endpoint's DTLS
// credentials as JSON, decoded and checked by the rules the command line uses
// (gateway/api/device_credentials.h).
//
//   {"pskIdentity":"sensor-1","pskKey":"000102030405060708090a0b0c0d0e0f",
//    "certificateName":"sensor-1.example.com","securityRequired":true}
//
// pskIdentity and pskKey together, certificateName, or both; securityRequired
// defaults to true (refused over plain CoAP). "endpoint" may be given and
// must then equal the path's. Unknown members, wrong types and malformed
// JSON are errors naming the member; no error repeats the key.

#include <string_view>

#include "gateway/api/device_credentials.h"
#include "lwm2m/result.h"

namespace lwm2m::bridges::http {

Result<gateway::api::CredentialsEntry> decodeCredentialsBody(std::string_view endpoint, std::string_view body);

}  // namespace lwm2m::bridges::http
