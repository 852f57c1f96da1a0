// Names of the mapping's enumerations, and object and resource names from the model.
#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "mapping/device_event.h"
#include "mapping/model_names.h"
#include "mapping/payload_style.h"

namespace lwm2m::mapping {

namespace {

constexpr std::array<std::pair<PayloadStyle, std::string_view>, 6> kStyles{{
    {PayloadStyle::Value, "value"},
    {PayloadStyle::Json, "json"},
    {PayloadStyle::Senml, "senml"},
    {PayloadStyle::Tree, "tree"},
    {PayloadStyle::Event, "event"},
    {PayloadStyle::Emqx, "emqx"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 23> kCodes{{
    {"2.01", "created"},         {"2.02", "deleted"},
    {"2.03", "valid"},           {"2.04", "changed"},
    {"2.05", "content"},         {"2.31", "continue"},
    {"4.00", "bad_request"},     {"4.01", "unauthorized"},
    {"4.02", "bad_option"},      {"4.03", "forbidden"},
    {"4.04", "not_found"},       {"4.05", "method_not_allowed"},
    {"4.06", "not_acceptable"},  {"4.08", "request_entity_incomplete"},
    {"4.12", "precondition_failed"}, {"4.13", "request_entity_too_large"},
    {"4.15", "unsupported_content_format"}, {"5.00", "internal_server_error"},
    {"5.01", "not_implemented"}, {"5.02", "bad_gateway"},
    {"5.03", "service_unavailable"}, {"5.04", "gateway_timeout"},
    {"5.05", "proxying_not_supported"},
}};

template <class Table, class Key>
auto lookup(const Table& table, Key key) -> std::optional<decltype(table[0].second)> {
  for (const auto& [k, v] : table) {
    if (k == key) return v;
  }
  return std::nullopt;
}

template <class Table>
auto reverse(const Table& table, std::string_view name) -> std::optional<decltype(table[0].first)> {
  for (const auto& [k, v] : table) {
    if (v == name) return k;
  }
  return std::nullopt;
}

}  // namespace

std::string_view toString(PayloadStyle style) { return *lookup(kStyles, style); }
std::optional<PayloadStyle> parsePayloadStyle(std::string_view name) { return reverse(kStyles, name); }

std::string_view coapCodeName(std::string_view code) { return lookup(kCodes, code).value_or(""); }

bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const model::ObjectDefinition* findObjectByName(const model::ObjectModel& model, std::string_view name) {
  for (model::ObjectId id : model.objectIds()) {
    const auto* def = model.find(id);
    if (def && sameName(def->name, name)) return def;
  }
  return nullptr;
}

bool resourceNameExists(const model::ObjectModel& model, std::string_view objectName,
                        std::string_view resourceName) {
  auto inObject = [&](const model::ObjectDefinition& def) {
    for (const auto& [id, resource] : def.resources) {
      if (sameName(resource.name, resourceName)) return true;
    }
    return false;
  };
  if (!objectName.empty()) {
    const auto* def = findObjectByName(model, objectName);
    return def && inObject(*def);
  }
  for (model::ObjectId id : model.objectIds()) {
    const auto* def = model.find(id);
    if (def && inObject(*def)) return true;
  }
  return false;
}

std::string objectName(const model::ObjectModel& model, const model::Path& path) {
  if (path.depth() < 1) return "";
  const auto* def = model.find(path.objectId());
  return def ? def->name : "";
}

std::string resourceName(const model::ObjectModel& model, const model::Path& path) {
  if (path.depth() < 3) return "";
  const auto* def = model.findResource(path.objectId(), path.resourceId());
  return def ? def->name : "";
}

}  // namespace lwm2m::mapping
