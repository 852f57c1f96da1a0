#include "gateway/daemon/http_config_yaml.h"

namespace lwm2m::gateway {
namespace {

using namespace config_fields;

Problem checkRole(std::string_view role) {
  if (role == "read" || role == "operate" || role == "admin") return std::nullopt;
  return "must be read, operate or admin (got " + quote(role) + ")";
}

Problem checkClientAuth(std::string_view mode) {
  if (mode == "none" || mode == "optional" || mode == "require") return std::nullopt;
  return "must be none, optional or require (got " + quote(mode) + ")";
}

// "*" or SCHEME://HOST[:PORT] as browsers send it in Origin (no path, no trailing '/').
Problem checkOrigin(std::string_view origin) {
  if (origin == "*") return std::nullopt;
  const auto scheme = origin.find("://");
  const bool http = origin.starts_with("http://") || origin.starts_with("https://");
  if (!http || origin.size() == scheme + 3 ||
      origin.find('/', scheme + 3) != std::string_view::npos) {
    return std::string("an origin is \"*\" or SCHEME://HOST[:PORT] like \"https://ui.example.com\"");
  }
  return std::nullopt;
}

Field tokensField(std::vector<HttpTokenConfig>& tokens) {
  return entriesField<HttpTokenConfig>(
      "tokens", tokens,
      [](HttpTokenConfig& t) {
        return std::vector<Field>{stringField("name", t.name), secretField("token", t.token),
                                  stringField("token_file", t.tokenFile, checkReadableFile),
                                  stringField("role", t.role, checkRole)};
      },
      [](const HttpTokenConfig& t) -> Problem {
        if (t.name.empty()) return std::string("needs a name (what logs show instead of the secret)");
        if (t.role.empty()) return "needs a role: read, operate or admin";
        if (t.token.empty() == t.tokenFile.empty()) return "needs either token or token_file";
        return std::nullopt;
      });
}

Field certificatesField(std::vector<HttpCertificateRoleConfig>& certificates) {
  return entriesField<HttpCertificateRoleConfig>(
      "certificates", certificates,
      [](HttpCertificateRoleConfig& c) {
        return std::vector<Field>{stringField("cn", c.cn), stringField("role", c.role, checkRole)};
      },
      [](const HttpCertificateRoleConfig& c) -> Problem {
        if (c.cn.empty()) return std::string("needs a cn (the certificate's subject common name, or \"*\")");
        if (c.role.empty()) return "needs a role: read, operate or admin";
        return std::nullopt;
      });
}

}  // namespace

std::vector<Field> httpFields(HttpConfig& c) {
  return {
      stringField("listen", c.listen, checkListenAddress),
      durationField("request_timeout_s", c.requestTimeout, 1, 3600),
      integerField("finished_requests", c.finishedRequests, 1, 1000000),
      durationField("finished_requests_max_age_s", c.finishedRequestsMaxAge, 0, 30LL * 86400),
      integerField("value_cache_entries", c.valueCacheEntries, 1, 10000000),
      boolField("value_cache_persist", c.valueCachePersist),
      durationField("value_cache_save_s", c.valueCacheSave, 1, 3600),
      mapField("tls", {stringField("cert", c.tls.cert, checkReadableFile),
                       stringField("key", c.tls.key, checkReadableFile),
                       stringField("client_ca", c.tls.clientCa, checkReadableFile),
                       stringField("client_auth", c.tls.clientAuth, checkClientAuth)}),
      mapField("auth", {tokensField(c.auth.tokens), certificatesField(c.auth.certificates),
                        stringField("file", c.auth.file, checkReadableFile),
                        boolField("allow_anonymous", c.auth.allowAnonymous),
                        boolField("public_metrics", c.auth.publicMetrics)}),
      mapField("cors", {stringListField("origins", c.cors.origins, checkOrigin),
                        durationField("max_age_s", c.cors.maxAge, 0, 86400)}),
      mapField("limits", {integerField("header_bytes", c.limits.headerBytes, 1024, 1024 * 1024),
                          integerField("body_bytes", c.limits.bodyBytes, 1024, 1024LL * 1024 * 1024),
                          integerField("max_headers", c.limits.maxHeaders, 8, 1000),
                          durationField("idle_timeout_s", c.limits.idleTimeout, 1, 3600),
                          integerField("max_connections", c.limits.maxConnections, 1, 100000)}),
  };
}

Result<HttpAuthConfig> loadHttpAuthText(std::string_view yaml, std::string_view fileName) {
  FieldLoader loader(fileName);
  HttpAuthConfig auth;
  auto root = loader.parse(yaml);
  if (!root) return fail(loader.errors());
  if (!root->IsNull() && !root->IsMap()) {
    return fail(std::string(fileName) + ":" + FieldLoader::line(*root) +
                ": expected a map with `tokens` and/or `certificates` lists, got " + describe(*root));
  }
  loader.loadFields({tokensField(auth.tokens), certificatesField(auth.certificates)}, *root, "");
  if (loader.failed()) return fail(loader.errors());
  return auth;
}

Result<HttpAuthConfig> loadHttpAuthFile(const std::string& path) {
  auto text = readConfigFile(path);
  if (!text) return text.error();
  return loadHttpAuthText(*text, path);
}

}  // namespace lwm2m::gateway
