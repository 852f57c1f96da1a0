// Value checks of the configuration, shared by the YAML loader and the command line.
#include "gateway/daemon/config.h"

#include "bridges/webhook/webhook_url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace lwm2m::gateway {
namespace {

std::string inQuotes(std::string_view s) { return "'" + std::string(s) + "'"; }

bool isIpv4(const std::string& host) {
  in_addr a{};
  return inet_pton(AF_INET, host.c_str(), &a) == 1;
}

bool isIpv6(const std::string& host) {
  in6_addr a{};
  return inet_pton(AF_INET6, host.c_str(), &a) == 1;
}

// Parses a decimal port; nullopt if not a number in 0..65535.
std::optional<std::uint16_t> parsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<ListenAddress> parseListenAddress(std::string_view text) {
  const std::string example = " (expected HOST:PORT, e.g. 0.0.0.0:5683 or [::]:5683)";
  std::string host;
  std::string_view portText;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return fail("missing ']' after the IPv6 address in " + inQuotes(text) + example);
    }
    host = std::string(text.substr(1, close - 1));
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return fail("missing ':PORT' in " + inQuotes(text) + example);
    }
    portText = text.substr(close + 2);
    if (!isIpv6(host)) return fail(inQuotes(host) + " is not an IPv6 address" + example);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return fail("missing ':PORT' in " + inQuotes(text) + example);
    }
    host = std::string(text.substr(0, colon));
    portText = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      return fail("IPv6 address in " + inQuotes(text) + " must be in brackets" + example);
    }
    if (!isIpv4(host)) {
      return fail(inQuotes(host) + " is not an IPv4 address" + example);
    }
  }
  const auto port = parsePort(portText);
  if (!port) return fail("port " + inQuotes(portText) + " is not a number from 0 to 65535");
  return ListenAddress{host, *port};
}

std::optional<std::string> checkListenAddress(std::string_view text) {
  auto parsed = parseListenAddress(text);
  if (!parsed) return parsed.error().message;
  return std::nullopt;
}

std::optional<std::string> checkMqttUri(std::string_view uri) {
  static constexpr std::array<std::string_view, 6> schemes = {"tcp", "ssl", "mqtt",
                                                              "mqtts", "ws", "wss"};
  const auto sep = uri.find("://");
  if (sep == std::string_view::npos) {
    return "expected SCHEME://HOST[:PORT] with scheme tcp, ssl, mqtt, mqtts, ws or wss (got " +
           inQuotes(uri) + ")";
  }
  const auto scheme = uri.substr(0, sep);
  bool known = false;
  for (auto s : schemes) known = known || s == scheme;
  if (!known) {
    return "unsupported scheme " + inQuotes(scheme) +
           " (expected tcp, ssl, mqtt, mqtts, ws or wss)";
  }
  auto rest = uri.substr(sep + 3);
  const bool web = scheme == "ws" || scheme == "wss";
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (!web) return "a path is only allowed with ws:// and wss:// (got " + inQuotes(uri) + ")";
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  std::optional<std::string_view> port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return "missing ']' in " + inQuotes(uri);
    host = rest.substr(1, close - 1);
    auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "unexpected " + inQuotes(after) + " after the host";
      port = after.substr(1);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return "missing host in " + inQuotes(uri);
  const bool bracketed = !rest.empty() && rest.front() == '[';
  for (const char c : host) {
    const bool name = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
    const bool ipv6 = bracketed && (c == ':' || c == '%');
    if (!name && !ipv6) {
      return "host " + inQuotes(host) + " is not a host name or IP address" +
             (c == ':' ? " (an IPv6 address goes in brackets: tcp://[::1]:1883)" : "");
    }
  }
  if (port) {
    const auto p = parsePort(*port);
    if (!p || *p == 0) return "port " + inQuotes(*port) + " is not a number from 1 to 65535";
  }
  return std::nullopt;
}

namespace {

// No wildcards, and only the placeholders in `allowed` ("{endpoint} or {kind}").
std::optional<std::string> checkTopicTemplate(std::string_view topic,
                                              std::initializer_list<std::string_view> allowed) {
  if (topic.find_first_of("+#") != std::string_view::npos) {
    return "must not contain the wildcards '+' or '#' (got " + inQuotes(topic) + ")";
  }
  for (std::size_t pos = topic.find('{'); pos != std::string_view::npos;
       pos = topic.find('{', pos + 1)) {
    const auto close = topic.find('}', pos);
    if (close == std::string_view::npos) return "unclosed '{' in " + inQuotes(topic);
    const auto name = topic.substr(pos + 1, close - pos - 1);
    bool known = false;
    std::string expected;
    for (std::string_view a : allowed) {
      known = known || a == name;
      expected += (expected.empty() ? "{" : " or {") + std::string(a) + "}";
    }
    if (!known) {
      return "unknown placeholder {" + std::string(name) + "} (expected " + expected + ")";
    }
  }
  return std::nullopt;
}

}  // namespace

std::string defaultGatewayId() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "lwm2m-gateway";
  return name;
}

std::optional<std::string> checkStatusTopic(std::string_view topic) {
  return checkTopicTemplate(topic, {"gateway"});
}

std::optional<std::string> checkDeviceStatusTopic(std::string_view topic) {
  return checkTopicTemplate(topic, {"endpoint"});
}

std::optional<std::string> checkMqttVersion(std::string_view version) {
  if (version == "5" || version == "3.1.1") return std::nullopt;
  return "must be \"5\" or \"3.1.1\" (got " + inQuotes(version) + ")";
}

std::optional<std::string> checkGatewayId(std::string_view id) {
  if (id.empty()) return "must not be empty";
  if (id.size() > 128) return "must be at most 128 bytes long";
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return "must not contain control characters";
  }
  return std::nullopt;
}

std::optional<std::string> checkOnDamaged(std::string_view value) {
  if (value == "move_aside" || value == "refuse") return std::nullopt;
  return "must be move_aside or refuse (got " + inQuotes(value) + ")";
}

std::optional<std::string> checkLogLevel(std::string_view level) {
  static constexpr std::array<std::string_view, 6> levels = {"trace", "debug", "info",
                                                             "warn",  "error", "off"};
  for (auto l : levels) {
    if (l == level) return std::nullopt;
  }
  return "must be trace, debug, info, warn, error or off (got " + inQuotes(level) + ")";
}

std::optional<std::string> checkReadableFile(std::string_view path) {
  if (path.empty()) return std::nullopt;
  const std::string p(path);
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) return "no such file " + inQuotes(path);
  if (!std::filesystem::is_regular_file(p, ec)) return inQuotes(path) + " is not a regular file";
  if (access(p.c_str(), R_OK) != 0) return "cannot read " + inQuotes(path) + ": " + std::strerror(errno);
  return std::nullopt;
}

bool isLoopbackHost(std::string_view host) {
  const std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, h.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

namespace {

std::vector<std::string> httpProblems(const HttpConfig& http) {
  std::vector<std::string> problems;
  const auto& tls = http.tls;
  if (tls.cert.empty() != tls.key.empty()) {
    problems.push_back(tls.cert.empty() ? "http.tls.key: needs http.tls.cert, the server's certificate"
                                        : "http.tls.cert: needs http.tls.key, the server's private key");
  }
  const bool clientAuth = tls.clientAuth != "none";
  if (clientAuth && tls.cert.empty()) {
    problems.push_back("http.tls.client_auth: client certificates need HTTPS (http.tls.cert and http.tls.key)");
  }
  if (clientAuth && tls.clientCa.empty()) {
    problems.push_back("http.tls.client_auth: needs http.tls.client_ca, the CAs client certificates chain to");
  }
  if (!clientAuth && !tls.clientCa.empty()) {
    problems.push_back("http.tls.client_ca: only used with http.tls.client_auth optional or require");
  }
  if (!clientAuth && !http.auth.certificates.empty()) {
    problems.push_back("http.auth.certificates: client certificates need http.tls.client_auth optional or require");
  }
  const bool credentials = !http.auth.tokens.empty() || !http.auth.certificates.empty() || !http.auth.file.empty();
  auto listen = parseListenAddress(http.listen);
  if (listen && !isLoopbackHost(listen->host) && !credentials && !http.auth.allowAnonymous) {
    problems.push_back("http.listen: " + http.listen +
                       " is not a loopback address and the API has no credentials: set "
                       "http.auth.tokens or http.auth.file (or, behind a proxy that authenticates, "
                       "http.auth.allow_anonymous: true)");
  }
  return problems;
}

}  // namespace

std::vector<std::string> crossCheck(const GatewayConfig& config) {
  std::vector<std::string> problems;
  const auto& mqtt = config.mqtt;
  const bool tls = mqtt.uri.starts_with("ssl://") || mqtt.uri.starts_with("mqtts://") ||
                   mqtt.uri.starts_with("wss://");
  if (!tls) {
    for (const auto& [key, value] : {std::pair{"ca_file", &mqtt.caFile},
                                     {"cert_file", &mqtt.certFile},
                                     {"key_file", &mqtt.keyFile}}) {
      if (!value->empty()) {
        problems.push_back(std::string("mqtt.") + key +
                           ": only used with ssl://, mqtts:// or wss:// (mqtt.uri is '" +
                           mqtt.uri + "')");
      }
    }
  }
  if (mqtt.certFile.empty() != mqtt.keyFile.empty()) {
    problems.push_back(mqtt.certFile.empty()
                           ? "mqtt.key_file: needs mqtt.cert_file, the client certificate"
                           : "mqtt.cert_file: needs mqtt.key_file, the client's private key");
  }
  for (auto& problem : httpProblems(config.http)) problems.push_back(std::move(problem));
  if (config.lwm2m.minLifetimeSeconds > config.lwm2m.maxLifetimeSeconds) {
    problems.push_back("lwm2m.min_lifetime_s: must not exceed lwm2m.max_lifetime_s (" +
                       std::to_string(config.lwm2m.minLifetimeSeconds) + " > " +
                       std::to_string(config.lwm2m.maxLifetimeSeconds) + ")");
  }
  if (config.storage.maxSizeKb > 0 && config.storage.reserveKb >= config.storage.maxSizeKb) {
    problems.push_back("storage.reserve_kb: must be smaller than storage.max_size_kb (" +
                       std::to_string(config.storage.reserveKb) + " >= " +
                       std::to_string(config.storage.maxSizeKb) + ")");
  }
  if (config.webhooks.retryMin > config.webhooks.retryMax) {
    problems.push_back("webhooks.retry_min_ms: must not exceed webhooks.retry_max_ms (" +
                       std::to_string(config.webhooks.retryMin.count()) + " > " +
                       std::to_string(config.webhooks.retryMax.count()) + ")");
  }
  for (std::size_t i = 0; i < config.webhooks.targets.size(); ++i) {
    const WebhookTargetConfig& t = config.webhooks.targets[i];
    const auto url = bridges::webhook::parseWebhookUrl(t.url);
    if (!t.caFile.empty() && url && !url->tls) {
      problems.push_back("webhooks.targets[" + std::to_string(i) + "].ca_file: only used with an https:// url ('" +
                         t.url + "')");
    }
  }
  if (config.mqtt.reconnectMin > config.mqtt.reconnectMax) {
    problems.push_back("mqtt.reconnect_min_ms: must not exceed mqtt.reconnect_max_ms (" +
                       std::to_string(config.mqtt.reconnectMin.count()) + " > " +
                       std::to_string(config.mqtt.reconnectMax.count()) + ")");
  }
  return problems;
}

}  // namespace lwm2m::gateway
