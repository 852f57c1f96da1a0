#include "bridges/webhook/webhook_url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lwm2m::bridges::webhook {
namespace {

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char p, char t) { return std::tolower(static_cast<unsigned char>(t)) == p; });
}

bool isIpv4(const std::string& host) {
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1;
}

bool isIpv6(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

// Letters, digits, '-', '.', '_' (seen in internal names).
bool isDnsName(std::string_view host) {
  return !host.empty() && host.size() <= 253 && host.front() != '.' && host.front() != '-' &&
         std::all_of(host.begin(), host.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
         });
}

}  // namespace

std::string WebhookUrl::hostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

Result<WebhookUrl> parseWebhookUrl(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return fail("must not contain spaces or control characters");
    }
  }
  WebhookUrl url;
  if (startsWithNoCase(text, "https://")) {
    url.tls = true;
    text.remove_prefix(8);
  } else if (startsWithNoCase(text, "http://")) {
    text.remove_prefix(7);
  } else {
    return fail("must start with http:// or https:// (got '" + std::string(text.substr(0, 64)) + "')");
  }
  if (text.find('#') != std::string_view::npos) return fail("must not have a fragment ('#')");
  const auto pathStart = text.find_first_of("/?");
  std::string_view authority = text.substr(0, pathStart);
  url.target = pathStart == std::string_view::npos ? "/" : std::string(text.substr(pathStart));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    return fail("must not carry a user name or password (put credentials in headers)");
  }
  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return fail("unexpected text after ']'");
    if (!rest.empty()) portText = rest.substr(1);
    if (!isIpv6(url.host)) return fail("'" + url.host + "' is not an IPv6 address");
    url.ipLiteral = true;
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) portText = authority.substr(colon + 1);
    url.ipLiteral = isIpv4(url.host);
    if (!url.ipLiteral && !isDnsName(url.host)) {
      return fail(url.host.empty() ? "has no host" : "'" + url.host + "' is not a host name or address");
    }
  }
  url.port = url.tls ? 443 : 80;
  if (authority.back() == ':' && portText.empty()) return fail("has an empty port");
  if (!portText.empty()) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || end != portText.data() + portText.size() || port == 0 || port > 65535) {
      return fail("port must be 1 to 65535 (got '" + std::string(portText.substr(0, 16)) + "')");
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  return url;
}

}  // namespace lwm2m::bridges::webhook
