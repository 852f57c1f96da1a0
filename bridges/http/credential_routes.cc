#include "bridges/http/credential_routes.h"

#include <boost/beast/http/verb.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridges/http/credentials_body.h"
#include "mapping/json_values.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void writeEntry(Writer& w, const api::CredentialsInfo& c) {
  w.StartObject();
  mapping::writeKeyString(w, "endpoint", c.endpoint);
  if (c.pskIdentity) {
    mapping::writeKeyString(w, "pskIdentity", *c.pskIdentity);
    mapping::writeKeyString(w, "pskKey", "stored");
  }
  if (c.certificateName) mapping::writeKeyString(w, "certificateName", *c.certificateName);
  w.Key("securityRequired");
  w.Bool(c.securityRequired);
  w.EndObject();
}

std::string entryJson(const api::CredentialsInfo& c) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  writeEntry(w, c);
  return std::string(buffer.GetString(), buffer.GetSize());
}

beast_http::status statusOf(const Error& error) {
  switch (error.code) {
    case ErrorCode::NotFound: return beast_http::status::not_found;
    case ErrorCode::StoreFailed:
    case ErrorCode::Unavailable: return beast_http::status::service_unavailable;
    default: return beast_http::status::bad_request;
  }
}

Response refused(const Error& error, const Request& request) {
  return errorResponse(statusOf(error), error.message, request.version(), request.keep_alive());
}

Response noCredentials(const std::string& endpoint, const Request& request) {
  return errorResponse(beast_http::status::not_found, "no credentials stored for endpoint '" + endpoint + "'",
                       request.version(), request.keep_alive());
}

Response list(api::CredentialAdmin& credentials, const Request& request) {
  auto all = credentials.listCredentials();
  if (!all) return refused(all.error(), request);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("credentials");
  w.StartArray();
  for (const auto& c : *all) writeEntry(w, c);
  w.EndArray();
  w.EndObject();
  return jsonResponse(beast_http::status::ok, std::string(buffer.GetString(), buffer.GetSize()), request);
}

Response put(api::CredentialAdmin& credentials, const Request& request, const std::string& endpoint) {
  auto entry = decodeCredentialsBody(endpoint, request.body());
  if (!entry) return refused(entry.error(), request);
  auto existing = credentials.findCredentials(endpoint);
  if (!existing) return refused(existing.error(), request);
  if (auto stored = credentials.putCredentials(*entry); !stored) return refused(stored.error(), request);
  const api::CredentialsInfo info{entry->endpoint, entry->pskIdentity, entry->certificateName,
                                  entry->securityRequired};
  return jsonResponse(*existing ? beast_http::status::ok : beast_http::status::created, entryJson(info), request);
}

}  // namespace

Response handleCredentialRoute(api::CredentialAdmin& credentials, const Request& request,
                               const std::vector<std::string>& segments) {
  if (segments.size() == 3) return list(credentials, request);
  const std::string& endpoint = segments[3];
  switch (request.method()) {
    case beast_http::verb::put: return put(credentials, request, endpoint);
    case beast_http::verb::delete_: {
      auto removed = credentials.removeCredentials(endpoint);
      if (!removed) return refused(removed.error(), request);
      if (!*removed) return noCredentials(endpoint, request);
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      mapping::writeKeyString(w, "endpoint", endpoint);
      w.Key("removed");
      w.Bool(true);
      w.EndObject();
      return jsonResponse(beast_http::status::ok, std::string(buffer.GetString(), buffer.GetSize()), request);
    }
    default: {
      auto found = credentials.findCredentials(endpoint);
      if (!found) return refused(found.error(), request);
      if (!*found) return noCredentials(endpoint, request);
      return jsonResponse(beast_http::status::ok, entryJson(**found), request);
    }
  }
}

}  // namespace lwm2m::bridges::http
