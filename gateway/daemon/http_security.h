#pragma once
// The HTTP server's security settings from the configuration: HTTPS files,
// credentials (http.auth.tokens, their token files, http.auth.file), CORS and
// limits. Secret files are read here, at start-up.

#include "bridges/http/http_server.h"
#include "gateway/daemon/config.h"

namespace lwm2m::gateway {

// Throws std::runtime_error naming the key or file and the reason, e.g.
// "http.auth.tokens 'ci': token_file '/etc/gw/ci.token' is empty".
bridges::http::HttpServerSettings httpServerSettings(const HttpConfig& config);

// One line for the log: "https, client certificates required, 3 credentials"; never a secret.
std::string describeHttpSecurity(const bridges::http::HttpServerSettings& settings);

}  // namespace lwm2m::gateway
