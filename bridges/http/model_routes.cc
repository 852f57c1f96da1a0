#include "bridges/http/model_routes.h"

#include "bridges/http/rest_target.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <string>

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

namespace {

constexpr std::string_view kModels = "/api/v1/models";
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void writeString(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void writeKey(Writer& w, const char* key, std::string_view text) {
  w.Key(key);
  writeString(w, text);
}

std::string sourceOf(const model::ObjectDefinition& d) {
  return d.source.empty() ? "built-in" : d.source + ":" + std::to_string(d.line);
}

void writeSummaryFields(Writer& w, const model::ObjectModel& model, const model::ObjectDefinition& d) {
  w.Key("id");
  w.Uint(d.id);
  writeKey(w, "name", d.name);
  writeKey(w, "version", d.version);
  w.Key("versions");
  w.StartArray();
  for (const std::string& v : model.versionsOf(d.id)) writeString(w, v);
  w.EndArray();
  writeKey(w, "source", sourceOf(d));
}

void writeResource(Writer& w, const model::ResourceDefinition& r) {
  w.StartObject();
  w.Key("id");
  w.Uint(r.id);
  writeKey(w, "name", r.name);
  writeKey(w, "operations", model::operationsName(r.operations));
  w.Key("multiple");
  w.Bool(r.multiple);
  w.Key("mandatory");
  w.Bool(r.mandatory);
  writeKey(w, "type", r.type == model::DataType::None ? "none" : model::toString(r.type));
  writeKey(w, "units", r.units);
  if (!r.rangeEnumeration.empty()) writeKey(w, "range", r.rangeEnumeration);
  w.EndObject();
}

std::string listJson(const gateway::api::ModelCatalog& models) {
  const auto known = models.objectModel();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("files");
  w.StartArray();
  for (const std::string& f : models.modelFiles()) writeString(w, f);
  w.EndArray();
  w.Key("objects");
  w.StartArray();
  for (model::ObjectId id : known->objectIds()) {
    const model::ObjectDefinition* d = known->find(id);
    w.StartObject();
    writeSummaryFields(w, *known, *d);
    w.Key("resources");
    w.Uint64(d->resources.size());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string objectJson(const model::ObjectModel& model, const model::ObjectDefinition& d) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  writeSummaryFields(w, model, d);
  writeKey(w, "lwm2mVersion", d.lwm2mVersion);
  writeKey(w, "urn", d.urn);
  w.Key("multipleInstances");
  w.Bool(d.multipleInstances);
  w.Key("mandatory");
  w.Bool(d.mandatory);
  writeKey(w, "description", d.description);
  w.Key("resources");
  w.StartArray();
  for (const auto& [id, r] : d.resources) writeResource(w, r);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response refused(beast_http::status status, std::string_view message, const Request& request) {
  return errorResponse(status, message, request.version(), request.keep_alive());
}

Response wrongMethod(const Request& request, const char* allowed) {
  auto response = refused(beast_http::status::method_not_allowed,
                          "method " + std::string(request.method_string()) + " is not allowed on " +
                              std::string(request.target()) + " (allowed: " + allowed + ")",
                          request);
  response.set(beast_http::field::allow, allowed);
  return response;
}

// The value of `name` in the request target's query, or "".
std::string queryValue(const Request& request, std::string_view name) {
  std::string_view target(request.target().data(), request.target().size());
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.substr(0, name.size()) == name && pair.size() > name.size() && pair[name.size()] == '=') {
      return percentDecode(pair.substr(name.size() + 1)).value_or("");
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace

bool isModelRoute(std::string_view path) {
  return path == kModels || (path.starts_with(kModels) && path.size() > kModels.size() && path[kModels.size()] == '/');
}

Response handleModelRoute(gateway::api::ModelCatalog& models, const Request& request, std::string_view path) {
  const bool get = request.method() == beast_http::verb::get;
  if (path == kModels) {
    if (!get) return wrongMethod(request, "GET");
    return jsonResponse(beast_http::status::ok, listJson(models), request);
  }
  const std::string_view rest = path.substr(kModels.size() + 1);
  if (rest == "reload") {
    if (request.method() != beast_http::verb::post) return wrongMethod(request, "POST");
    if (auto why = models.reloadModels(); !why.empty()) {
      return refused(beast_http::status::unprocessable_entity,
                     "object definitions refused, the definitions in force stay: " + why, request);
    }
    return jsonResponse(beast_http::status::ok, listJson(models), request);
  }
  unsigned id = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
  if (ec != std::errc() || end != rest.data() + rest.size() || id >= model::kReservedId) {
    return refused(beast_http::status::not_found,
                   "no such resource: " + std::string(path) + " (try /api/v1/models or /api/v1/models/{object id})",
                   request);
  }
  if (!get) return wrongMethod(request, "GET");
  const auto known = models.objectModel();
  const std::string version = queryValue(request, "version");
  const model::ObjectDefinition* d = version.empty() ? known->find(static_cast<model::ObjectId>(id))
                                                     : known->find(static_cast<model::ObjectId>(id), version);
  if (!d) {
    return refused(beast_http::status::not_found,
                   "no object " + std::to_string(id) + (version.empty() ? "" : " version " + version) +
                       " in the object model",
                   request);
  }
  return jsonResponse(beast_http::status::ok, objectJson(*known, *d), request);
}

}  // namespace lwm2m::bridges::http
