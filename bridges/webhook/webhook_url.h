#pragma once
// The URL of a webhook: http://host[:port][/path][?query] or https://...
// Host: a DNS name, an IPv4 address or an [IPv6] literal. No user info, no
// fragment, no spaces or control characters. Pure code (no sockets), shared
// by the configuration check and the client.

#include <cstdint>
#include <string>
#include <string_view>

#include "lwm2m/result.h"

namespace lwm2m::bridges::webhook {

struct WebhookUrl {
  bool tls = false;
  std::string host;      // without brackets for IPv6
  std::uint16_t port = 0;
  std::string target;    // "/path?query", "/" when absent
  bool ipLiteral = false;  // host is an IP address (no SNI, IP check of the certificate)

  // The Host header: host[:port] with brackets for IPv6, port left out when default.
  std::string hostHeader() const;
};

// Errors name the problem, e.g. "must start with http:// or https://".
Result<WebhookUrl> parseWebhookUrl(std::string_view text);

}  // namespace lwm2m::bridges::webhook
