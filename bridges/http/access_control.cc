#include "bridges/http/access_control.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path as routes see it, whatever spelling reached us: percent-escapes
// decoded (a bad one kept as it is), "//" as "/", no trailing "/". A rule
// checked on this form cannot be sidestepped by "/%72eload" or "/reload/".
std::string canonicalPath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%' && i + 2 < path.size()) {
      const int high = hexDigit(path[i + 1]);
      const int low = hexDigit(path[i + 2]);
      if (high >= 0 && low >= 0) {
        c = static_cast<char>(high * 16 + low);
        i += 2;
      }
    }
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool under(std::string_view path, std::string_view prefix) {
  return path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/');
}

std::string_view accessName(Access access) {
  switch (access) {
    case Access::Open: return "none";
    case Access::Read: return "read";
    case Access::Operate: return "operate";
    case Access::Admin: return "admin";
  }
  return "admin";
}

}  // namespace

std::string_view roleName(Role role) {
  switch (role) {
    case Role::Read: return "read";
    case Role::Operate: return "operate";
    case Role::Admin: return "admin";
  }
  return "read";
}

std::optional<Role> parseRole(std::string_view name) {
  if (name == "read") return Role::Read;
  if (name == "operate") return Role::Operate;
  if (name == "admin") return Role::Admin;
  return std::nullopt;
}

Access requiredAccess(beast_http::verb method, std::string_view rawPath, bool publicMetrics) {
  const std::string path = canonicalPath(rawPath);
  if (path == "/health" || path == "/ready") return Access::Open;
  if (path == "/metrics") return publicMetrics ? Access::Open : Access::Read;
  if (method == beast_http::verb::options) return Access::Open;
  const bool reload = path.ends_with("/reload");
  if (reload || under(path, "/api/v1/credentials") || under(path, "/api/v1/bootstrap")) {
    return Access::Admin;
  }
  if (method == beast_http::verb::get || method == beast_http::verb::head) return Access::Read;
  // A read that carries its paths in a body.
  if (method == beast_http::verb::post && path.ends_with("/composite/read")) return Access::Read;
  return Access::Operate;
}

AccessControl::AccessControl(const AccessSettings& settings)
    : enabled_(settings.enabled),
      publicMetrics_(settings.publicMetrics),
      certificates_(settings.certificates) {
  for (const auto& credential : settings.credentials) {
    secrets_.push_back(Secret{sha256(credential.secret), credential.name, credential.role});
  }
}

std::optional<AccessControl::Caller> AccessControl::findSecret(std::string_view secret) const {
  // Digests of equal length are compared whole, and every one of them, so
  // neither the position of a mismatch nor which credential matched shows in
  // the time taken.
  const auto digest = sha256(secret);
  const Secret* found = nullptr;
  for (const auto& candidate : secrets_) {
    const bool equal = CRYPTO_memcmp(candidate.digest.data(), digest.data(), digest.size()) == 0;
    if (equal && !found) found = &candidate;
  }
  if (!found) return std::nullopt;
  return Caller{found->name, found->role};
}

std::optional<AccessControl::Caller> AccessControl::findCertificate(
    const std::string& commonName) const {
  for (const auto& c : certificates_) {
    if (c.commonName == commonName) return Caller{"certificate CN=" + commonName, c.role};
  }
  for (const auto& c : certificates_) {
    if (c.commonName == "*") return Caller{"certificate CN=" + commonName, c.role};
  }
  return std::nullopt;
}

AccessDecision AccessControl::decide(beast_http::verb method, std::string_view path,
                                     const Presented& presented) const {
  if (!enabled_) return {};
  const Access needed = requiredAccess(method, path, publicMetrics_);
  if (needed == Access::Open) return {};

  std::optional<Caller> caller;
  const std::string_view authorization = trim(presented.authorization);
  const std::string_view apiKey = trim(presented.apiKey);
  if (!authorization.empty()) {
    const auto space = authorization.find(' ');
    const std::string_view scheme = authorization.substr(0, space);
    if (!equalsIgnoringCase(scheme, "Bearer") || space == std::string_view::npos) {
      // The header's text is not repeated: it may be a secret sent the wrong way.
      return {401, "unsupported Authorization header (expected: Authorization: Bearer <token>, "
                   "or X-API-Key: <key>)"};
    }
    caller = findSecret(trim(authorization.substr(space + 1)));
    if (!caller) return {401, "invalid bearer token"};
  } else if (!apiKey.empty()) {
    caller = findSecret(apiKey);
    if (!caller) return {401, "invalid API key"};
  } else if (presented.peerCommonName) {
    caller = findCertificate(*presented.peerCommonName);
    if (!caller) {
      return {401, "the client certificate CN=" + *presented.peerCommonName +
                       " has no role: send Authorization: Bearer <token> or X-API-Key: <key>"};
    }
  } else {
    return {401, "credentials required: send Authorization: Bearer <token> or X-API-Key: <key>"};
  }

  if (static_cast<int>(caller->role) < static_cast<int>(needed)) {
    return {403,
            "'" + caller->name + "' has the role '" + std::string(roleName(caller->role)) + "'; " +
                std::string(beast_http::to_string(method)) + " " + canonicalPath(path) +
                " needs the role '" + std::string(accessName(needed)) + "'",
            caller->name};
  }
  return {0, {}, caller->name};
}

}  // namespace lwm2m::bridges::http
