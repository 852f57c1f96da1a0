#include "bridges/http/access_control.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

#include "bridges/http/rest_target.h"

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

Access requiredAccess(beast_http::verb method, std::string_view path, bool publicMetrics) {
  if (method == beast_http::verb::options) return Access::Open;
  const bool reads = method == beast_http::verb::get || method == beast_http::verb::head;
  const Access byMethod = reads ? Access::Read : Access::Operate;
  auto target = parseTarget(path);
  if (!target) return byMethod;  // the router answers 400
  const ApiRoute* route = matchRoute(target->segments);
  if (!route) return byMethod;
  if (publicMetrics && route->path == "/metrics") return Access::Open;
  const std::string verb(beast_http::to_string(method));
  return routeAccess(*route, verb).value_or(byMethod);
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
                std::string(beast_http::to_string(method)) + " " + std::string(path) +
                " needs the role '" + std::string(accessName(needed)) + "'",
            caller->name};
  }
  return {0, {}, caller->name};
}

}  // namespace lwm2m::bridges::http
