#include "gateway/daemon/http_security.h"

#include <fstream>
#include <stdexcept>

namespace lwm2m::gateway {
namespace http = bridges::http;

namespace {

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// The first line of a token file, without surrounding blanks.
std::string readTokenFile(const std::string& owner, const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    throw std::runtime_error(owner + ": token_file '" + path + "' cannot be read or is empty");
  }
  line = trimmed(std::move(line));
  if (line.empty()) throw std::runtime_error(owner + ": token_file '" + path + "' is empty");
  return line;
}

http::Role role(const std::string& text) {
  return http::parseRole(text).value_or(http::Role::Read);  // checked when the configuration loaded
}

void addCredentials(const HttpAuthConfig& auth, const std::string& source, http::AccessSettings& out) {
  for (const auto& t : auth.tokens) {
    const std::string owner = source + " '" + t.name + "'";
    std::string secret = t.tokenFile.empty() ? t.token : readTokenFile(owner, t.tokenFile);
    if (secret.size() < 16) {
      throw std::runtime_error(owner + ": the token is too short (at least 16 characters; "
                               "e.g. openssl rand -hex 32)");
    }
    for (const auto& known : out.credentials) {
      if (known.name == t.name) throw std::runtime_error(owner + ": the name is used twice");
    }
    out.credentials.push_back({t.name, std::move(secret), role(t.role)});
  }
  for (const auto& c : auth.certificates) out.certificates.push_back({c.cn, role(c.role)});
}

}  // namespace

http::HttpServerSettings httpServerSettings(const HttpConfig& config) {
  http::HttpServerSettings s;
  s.limits.headerBytes = config.limits.headerBytes;
  s.limits.bodyBytes = config.limits.bodyBytes;
  s.limits.maxHeaders = config.limits.maxHeaders;
  s.limits.idleTimeout = config.limits.idleTimeout;
  s.limits.maxConnections = config.limits.maxConnections;

  if (!config.tls.cert.empty()) {
    s.tls = http::TlsSettings{config.tls.cert, config.tls.key, config.tls.clientCa,
                              http::parseClientAuth(config.tls.clientAuth).value_or(http::ClientAuth::None)};
  }

  addCredentials(config.auth, "http.auth.tokens", s.access);
  if (!config.auth.file.empty()) {
    auto file = loadHttpAuthFile(config.auth.file);
    if (!file) throw std::runtime_error("http.auth.file: " + file.error().message);
    if (!file->certificates.empty() && config.tls.clientAuth == "none") {
      throw std::runtime_error("http.auth.file " + config.auth.file +
                               ": certificates need http.tls.client_auth optional or require");
    }
    addCredentials(*file, config.auth.file, s.access);
  }
  s.access.enabled = !s.access.credentials.empty() || !s.access.certificates.empty();
  s.access.publicMetrics = config.auth.publicMetrics;

  s.cors.origins = config.cors.origins;
  s.cors.maxAge = config.cors.maxAge;
  return s;
}

std::string describeHttpSecurity(const http::HttpServerSettings& s) {
  std::string text = s.tls ? "https" : "plain http";
  if (s.tls && s.tls->clientAuth == http::ClientAuth::Require) text += ", client certificates required";
  if (s.tls && s.tls->clientAuth == http::ClientAuth::Optional) text += ", client certificates optional";
  if (s.access.enabled) {
    text += ", " + std::to_string(s.access.credentials.size()) + " token(s) and " +
            std::to_string(s.access.certificates.size()) + " certificate role(s)";
  } else {
    text += ", no authentication";
  }
  if (!s.cors.origins.empty()) text += ", CORS for " + std::to_string(s.cors.origins.size()) + " origin(s)";
  return text;
}

}  // namespace lwm2m::gateway
