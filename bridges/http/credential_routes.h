#pragma once
// The devices' DTLS credentials over REST (api::CredentialAdmin; admin role):
//
//   GET    /api/v1/credentials             200 {"credentials":[<entry>, ...]}
//   GET    /api/v1/credentials/{endpoint}  200 <entry> | 404 {"error"}
//   PUT    /api/v1/credentials/{endpoint}  201 <entry> (new) | 200 <entry> (replaced)
//                                          | 400 {"error"} naming the problem (credentials_body.h)
//   DELETE /api/v1/credentials/{endpoint}  200 {"endpoint","removed":true} | 404 {"error"}
//
// <entry>: {"endpoint":"sensor-1","pskIdentity":"sensor-1","pskKey":"stored",
//           "certificateName":"…","securityRequired":true}; members that are
//           not set are left out. Keys are write-only: "pskKey":"stored" says
//           one is there, never what it is.
// A change applies to the next DTLS handshake (sessions already up stay; a
// removed identity cannot resume its session).
//
// Threading contract: the gateway's I/O thread, as ApiRouter.

#include <string>
#include <vector>

#include "bridges/http/rest_reply.h"
#include "gateway/api/device_credentials.h"

namespace lwm2m::bridges::http {

// `segments`: the decoded path, "api","v1","credentials"[,endpoint].
Response handleCredentialRoute(gateway::api::CredentialAdmin& credentials, const Request& request,
                               const std::vector<std::string>& segments);

}  // namespace lwm2m::bridges::http
