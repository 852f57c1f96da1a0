#pragma once
// Who may do what on the HTTP API: credentials, roles and the rule that gives
// every route the role it needs.
//
// Credentials: a secret presented as `Authorization: Bearer <secret>` or as
// `X-API-Key: <secret>` (the same secrets, either header), or a client
// certificate verified by TLS whose subject CN is listed with a role.
// Roles, each including the one before: read, operate, admin. What each
// route and method needs is a column of the route table (api_routes.h).
//
// Contract: secrets are kept only as SHA-256 digests and compared in constant
// time against every configured digest; no secret is ever put into a message
// or a log line — callers are named by their credential's name.
//
// Pure: no sockets, no clock; safe to share between sessions of one thread.

#include <array>
#include <ostream>  // before Beast: its string_view prints to streams
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "bridges/http/api_routes.h"

namespace lwm2m::bridges::http {

enum class Role { Read = 1, Operate = 2, Admin = 3 };

// "read", "operate", "admin".
std::string_view roleName(Role role);
std::optional<Role> parseRole(std::string_view name);

// A secret and the role it grants; `name` is what logs and errors show.
struct ApiCredential {
  std::string name;
  std::string secret;
  Role role = Role::Read;
};

// A verified client certificate whose subject CN is `commonName` ("*": any
// certificate the TLS layer verified) gets `role`.
struct CertificateRole {
  std::string commonName;
  Role role = Role::Read;
};

struct AccessSettings {
  // false: every route is open (the default when the API listens on loopback
  // only and no credential is configured).
  bool enabled = false;
  std::vector<ApiCredential> credentials;
  std::vector<CertificateRole> certificates;
  bool publicMetrics = false;  // true: GET /metrics needs no credential
};

// The access a request needs, by method and path (without the query):
//   a route of the table (api_routes.h)   the access its table row names
//   /metrics                              Open with publicMetrics
//   OPTIONS                               Open (CORS preflight, answered before routing)
//   a method the route does not take, a path the router will refuse (404,
//   400), a path of the users' own (mapping aliases): GET and HEAD Read, any
//   other method Operate
// The path is decoded as the router decodes it (rest_target.h), so no
// spelling ("/%72eload", "/reload/") reaches a route with another rule.
Access requiredAccess(boost::beast::http::verb method, std::string_view path, bool publicMetrics);

// What the request presented; values of the headers, empty when absent.
struct Presented {
  std::string_view authorization;      // Authorization
  std::string_view apiKey;             // X-API-Key
  std::optional<std::string> peerCommonName;  // of a verified client certificate
};

struct AccessDecision {
  // 0: allowed; 401: no or an unknown credential; 403: a known one without the role.
  unsigned status = 0;
  std::string message;  // why refused, naming the credential and the role needed, never a secret
  std::string caller;   // the credential's name when one was recognised ("" when open)
  bool allowed() const { return status == 0; }
};

class AccessControl {
 public:
  explicit AccessControl(const AccessSettings& settings);

  bool enabled() const { return enabled_; }

  // The decision for one request (method and path as in requiredAccess()).
  AccessDecision decide(boost::beast::http::verb method, std::string_view path,
                        const Presented& presented) const;

 private:
  struct Secret {
    std::array<unsigned char, 32> digest;
    std::string name;
    Role role;
  };
  struct Caller {
    std::string name;
    Role role;
  };

  // The credential whose secret equals `secret`: every digest is compared, in constant time.
  std::optional<Caller> findSecret(std::string_view secret) const;
  std::optional<Caller> findCertificate(const std::string& commonName) const;

  bool enabled_;
  bool publicMetrics_;
  std::vector<Secret> secrets_;
  std::vector<CertificateRole> certificates_;
};

}  // namespace lwm2m::bridges::http
