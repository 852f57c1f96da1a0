#pragma once
// The http section of gateway.yaml (listen, REST timings, tls, auth, cors,
// limits) as a table of fields, shared with the credentials file
// (http.auth.file), which holds the same `tokens` and `certificates` lists.

#include <vector>

#include "gateway/daemon/config.h"
#include "gateway/daemon/config_fields.h"

namespace lwm2m::gateway {

std::vector<config_fields::Field> httpFields(HttpConfig& c);

}  // namespace lwm2m::gateway
