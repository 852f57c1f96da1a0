#include "bridges/http/bootstrap_routes.h"

#include <boost/beast/http/verb.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "mapping/json_values.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using mapping::writeKeyString;

void writeBool(Writer& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}

void writeUint(Writer& w, const char* key, unsigned value) {
  w.Key(key);
  w.Uint(value);
}

void writeSecurity(Writer& w, const server::SecurityInstance& s) {
  w.StartObject();
  writeUint(w, "instance", s.instance);
  writeKeyString(w, "uri", s.serverUri);
  writeBool(w, "bootstrap", s.bootstrapServer);
  writeKeyString(w, "mode", server::securityModeName(s.mode));
  if (s.mode == server::SecurityMode::Psk) {
    if (s.generatePsk) {
      writeKeyString(w, "psk-credentials", "generated");
    } else {
      writeKeyString(w, "psk-identity", s.pskIdentity);
      writeKeyString(w, "psk-credentials", "stored");
    }
  }
  writeUint(w, "short-server-id", s.shortServerId);
  w.EndObject();
}

void writeServer(Writer& w, const server::ServerInstance& s) {
  w.StartObject();
  writeUint(w, "instance", s.instance);
  writeUint(w, "short-server-id", s.shortServerId);
  writeUint(w, "lifetime", s.lifetime);
  writeKeyString(w, "binding", s.binding);
  writeBool(w, "notification-storing", s.notificationStoring);
  w.EndObject();
}

void writeAcl(Writer& w, const server::AclInstance& a) {
  w.StartObject();
  writeUint(w, "instance", a.instance);
  writeUint(w, "object", a.objectId);
  writeUint(w, "object-instance", a.objectInstanceId);
  w.Key("rights");
  w.StartObject();
  for (const auto& [ssid, bits] : a.rights) {
    w.Key(std::to_string(ssid).c_str());
    w.Uint(bits);
  }
  w.EndObject();
  writeUint(w, "owner", a.owner);
  w.EndObject();
}

template <class Item, class Write>
void writeList(Writer& w, const char* key, const std::vector<Item>& items, Write write) {
  w.Key(key);
  w.StartArray();
  for (const auto& item : items) write(w, item);
  w.EndArray();
}

void writeConfig(Writer& w, const api::BootstrapConfigEntry& entry) {
  const server::BootstrapConfig& c = entry.config;
  w.StartObject();
  writeKeyString(w, "endpoint", c.endpoint);
  writeKeyString(w, "source", entry.source);
  writeBool(w, "discover", c.discover);
  writeBool(w, "read-before-write", c.readServers);
  writeBool(w, "delete-existing", c.deleteExisting);
  writeList(w, "security", c.security, writeSecurity);
  writeList(w, "servers", c.servers, writeServer);
  writeList(w, "acl", c.acls, writeAcl);
  w.EndObject();
}

std::string text(const rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

std::string configJson(const api::BootstrapConfigEntry& entry) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  writeConfig(w, entry);
  return text(buffer);
}

Response configRefused(beast_http::status status, std::string_view message, const Request& request) {
  return errorResponse(status, message, request.version(), request.keep_alive());
}

Response configRefused(const Error& error, const Request& request) {
  const bool ours = error.code == ErrorCode::StoreFailed || error.code == ErrorCode::Unavailable;
  return configRefused(ours ? beast_http::status::service_unavailable : beast_http::status::bad_request, error.message,
                 request);
}

Response list(const api::BootstrapAdmin& configs, const Request& request) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  writeList(w, "configs", configs.bootstrapConfigs(), writeConfig);
  w.EndObject();
  return jsonResponse(beast_http::status::ok, text(buffer), request);
}

Response remove(api::BootstrapAdmin& configs, const Request& request, const std::string& endpoint) {
  auto removed = configs.removeBootstrapConfig(endpoint);
  if (!removed) return configRefused(removed.error(), request);
  if (!*removed) {
    auto other = configs.bootstrapConfig(endpoint);
    return configRefused(beast_http::status::not_found,
                   "no bootstrap configuration stored over the REST API for endpoint '" + endpoint + "'" +
                       (other ? " (its configuration comes from " + other->source + ")" : ""),
                   request);
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  writeKeyString(w, "endpoint", endpoint);
  writeBool(w, "removed", true);
  w.EndObject();
  return jsonResponse(beast_http::status::ok, text(buffer), request);
}

}  // namespace

Response handleBootstrapRoute(api::BootstrapAdmin& configs, const Request& request,
                              const std::vector<std::string>& segments) {
  if (segments.size() == 4) return list(configs, request);
  const std::string& endpoint = segments[4];
  switch (request.method()) {
    case beast_http::verb::put: {
      auto stored = configs.putBootstrapConfig(endpoint, request.body());
      if (!stored) return configRefused(stored.error(), request);
      return jsonResponse(stored->second ? beast_http::status::ok : beast_http::status::created,
                          configJson(stored->first), request);
    }
    case beast_http::verb::delete_: return remove(configs, request, endpoint);
    default: {
      auto found = configs.bootstrapConfig(endpoint);
      if (!found) {
        return configRefused(beast_http::status::not_found, "no bootstrap configuration for endpoint '" + endpoint + "'",
                       request);
      }
      return jsonResponse(beast_http::status::ok, configJson(*found), request);
    }
  }
}

}  // namespace lwm2m::bridges::http
