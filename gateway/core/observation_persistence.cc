#include "gateway/core/observation_persistence.h"

#include <spdlog/spdlog.h>

#include <rapidjson/document.h>

#include "gateway/core/store_failure.h"
#include "gateway/core/unix_time.h"

namespace lwm2m::gateway {
namespace {

constexpr std::size_t kMaxTokenLength = 8;  // RFC 7252 §3

std::string joinPaths(const std::vector<model::Path>& paths) {
  std::string text;
  for (const model::Path& path : paths) {
    if (!text.empty()) text += '\n';
    text += path.toString();
  }
  return text;
}

Result<std::vector<model::Path>> splitPaths(const std::string& text) {
  std::vector<model::Path> paths;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string item = text.substr(start, end - start);
    auto path = model::Path::parse(item);
    if (!path) return fail("path '" + item + "': " + path.error().message);
    paths.push_back(*path);
    start = end + 1;
  }
  return paths;
}

// The format the observation's request asked for (its Accept option).
formats::ContentFormat askedFormat(const server::Observation& observation) {
  if (observation.request.format) return *observation.request.format;
  if (observation.request.operation == operations::Operation::ObserveComposite) {
    if (auto composite = observation.client.compositeFormat()) return *composite;
  }
  return observation.client.treeFormat();
}

// Rows written before schema 4 kept the attributes as a JSON object.
Result<operations::NotificationAttributes> legacyAttributesFromJson(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return fail("attributes '" + json + "' are not a JSON object");
  operations::NotificationAttributes a;
  for (const auto& member : d.GetObject()) {
    const std::string name = member.name.GetString();
    const rapidjson::Value& v = member.value;
    auto seconds = [&](std::optional<std::uint32_t>& out) -> Result<void> {
      if (!v.IsUint()) return fail("attribute '" + name + "' is not a whole number");
      out = v.GetUint();
      return {};
    };
    auto number = [&](std::optional<double>& out) -> Result<void> {
      if (!v.IsNumber()) return fail("attribute '" + name + "' is not a number");
      out = v.GetDouble();
      return {};
    };
    auto flag = [&](std::optional<bool>& out) -> Result<void> {
      if (!v.IsBool()) return fail("attribute '" + name + "' is not true or false");
      out = v.GetBool();
      return {};
    };
    Result<void> ok;
    if (name == "pmin") ok = seconds(a.minPeriod);
    else if (name == "pmax") ok = seconds(a.maxPeriod);
    else if (name == "gt") ok = number(a.greaterThan);
    else if (name == "lt") ok = number(a.lessThan);
    else if (name == "st") ok = number(a.step);
    else if (name == "epmin") ok = seconds(a.minEvalPeriod);
    else if (name == "epmax") ok = seconds(a.maxEvalPeriod);
    else if (name == "edge") ok = flag(a.edge);
    else if (name == "con") ok = flag(a.confirmable);
    else if (name == "hqmax") ok = seconds(a.historicalQueueMax);
    else if (name == "clear" && v.IsArray()) {
      for (const auto& item : v.GetArray()) {
        if (!item.IsString()) return fail("attribute list 'clear' holds a value that is not a name");
        a.clear.emplace_back(item.GetString());
      }
    } else {
      return fail("unknown attribute '" + name + "'");
    }
    if (!ok) return ok.error();
  }
  return a;
}

}  // namespace

Result<operations::NotificationAttributes> readStoredAttributes(const std::string& text) {
  if (!text.empty() && text.front() == '{') return legacyAttributesFromJson(text);
  return operations::parseQueryString(text);
}

persistence::ObservationRecord toRecord(const server::Observation& observation, const coap::Scheduler& clock) {
  persistence::ObservationRecord r;
  r.endpoint = observation.endpoint;
  r.registrationId = observation.registrationId;
  r.token.assign(observation.token.begin(), observation.token.end());
  r.composite = observation.request.operation == operations::Operation::ObserveComposite;
  r.paths = joinPaths(observation.paths());
  r.attributes = operations::toQueryString(observation.request.attributes);
  r.contentFormat = askedFormat(observation);
  r.createdAtMs = unixMs(clock.wallNow());
  return r;
}

Result<server::Observation> fromRecord(const persistence::ObservationRecord& record) {
  if (record.token.empty() || record.token.size() > kMaxTokenLength) {
    return fail("token of " + std::to_string(record.token.size()) + " bytes (an observation's has 1 to 8)");
  }
  auto paths = splitPaths(record.paths);
  if (!paths) return paths.error();
  if (!record.composite && paths->size() != 1) {
    return fail("an Observe of one path stored with " + std::to_string(paths->size()) + " paths");
  }
  if (record.contentFormat < 0 || record.contentFormat > 0xffff ||
      formats::contentFormatName(static_cast<formats::ContentFormat>(record.contentFormat)) == "unknown") {
    return fail("content format " + std::to_string(record.contentFormat) + " is not one the gateway reads");
  }
  auto attributes = readStoredAttributes(record.attributes);
  if (!attributes) return attributes.error();

  server::Observation observation;
  observation.endpoint = record.endpoint;
  observation.registrationId = record.registrationId;
  observation.token.assign(record.token.begin(), record.token.end());
  observation.request = record.composite ? operations::DeviceRequest::observeComposite(std::move(*paths))
                                         : operations::DeviceRequest::observe(paths->front());
  observation.request.attributes = std::move(*attributes);
  observation.request.format = static_cast<formats::ContentFormat>(record.contentFormat);
  return observation;
}

Result<ObservationPersistence::Restored> ObservationPersistence::restoreInto(
    server::ObservationRegistry& observations, const server::RegistrationStore& registrations) {
  auto records = store_.loadAll();
  if (!records) return records.error();
  Restored restored;
  auto drop = [&](const persistence::ObservationRecord& record, const std::string& why) {
    restored.dropped.push_back(record.endpoint + ": observation of " + record.paths + ": " + why);
    store_.removeByToken(record.token, logStoreFailure("removal of an observation", record.endpoint));
  };
  for (const persistence::ObservationRecord& record : *records) {
    auto observation = fromRecord(record);
    if (!observation) {
      drop(record, observation.error().message);
      continue;
    }
    const server::Registration* reg = registrations.findByEndpoint(record.endpoint);
    if (!reg) {
      drop(record, "the device is no longer registered");
      continue;
    }
    if (reg->id != record.registrationId) {
      drop(record, "made on registration '" + record.registrationId + "', the device's registration is now '" +
                       reg->id + "'");
      continue;
    }
    if (!observations.restore(std::move(*observation))) {
      drop(record, "the registry refused it");
      continue;
    }
    ++restored.observations;
  }
  return restored;
}

void ObservationPersistence::onObservationAdded(const server::Observation& observation) {
  store_.put(toRecord(observation, clock_), logStoreFailure("observation", observation.endpoint));
}

void ObservationPersistence::onObservationRemoved(const server::Observation& observation, server::ObservationEnd why) {
  spdlog::debug("observation of {} on {} {}", observation.endpoint, joinPaths(observation.paths()),
                server::observationEndName(why));
  store_.removeByToken({observation.token.begin(), observation.token.end()},
                       logStoreFailure("end of an observation", observation.endpoint));
}

}  // namespace lwm2m::gateway
