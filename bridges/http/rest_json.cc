// JSON of devices, device events and health, written with RapidJSON's Writer
// so every string is escaped correctly whatever a device put in its registration.
#include "bridges/http/rest_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "gateway/api/health.h"
#include "bridges/http/rest_target.h"
#include "mapping/command_codec.h"
#include "mapping/json_values.h"
#include "mapping/payload_styles.h"

namespace lwm2m::bridges::http {
using gateway::api::DeviceInfo;
using gateway::api::HealthReport;
using gateway::api::ObjectLink;

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

using mapping::writeString;

void writeKey(JsonWriter& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

// The root link ("/" or the alternate root path advertised with rt="oma.lwm2m")
// describes the client, not an object: it is not listed under "objects".
bool isRootLink(const ObjectLink& link, const DeviceInfo& device) {
  if (link.path == "/" || link.path == device.rootPath) return true;
  for (const auto& [name, value] : link.attributes) {
    if (name == "rt" && value == "oma.lwm2m") return true;
  }
  return false;
}

void writeDevice(JsonWriter& w, const DeviceInfo& d) {
  w.StartObject();
  writeKey(w, "endpoint");
  writeString(w, d.endpoint);
  writeKey(w, "registrationId");
  writeString(w, d.registrationId);
  writeKey(w, "lwm2m");
  writeString(w, d.lwm2mVersion);
  writeKey(w, "binding");
  writeString(w, d.binding);
  writeKey(w, "queueMode");
  w.Bool(d.queueMode);
  writeKey(w, "lifetime");
  w.Uint(d.lifetimeSeconds);
  writeKey(w, "sms");
  writeString(w, d.smsNumber);
  writeKey(w, "address");
  writeString(w, d.address);
  writeKey(w, "rootPath");
  writeString(w, d.rootPath);

  writeKey(w, "objects");
  w.StartArray();
  for (const auto& link : d.objectLinks) {
    if (!isRootLink(link, d)) writeString(w, link.path);
  }
  w.EndArray();

  writeKey(w, "objectLinks");
  w.StartArray();
  for (const auto& link : d.objectLinks) {
    w.StartObject();
    writeKey(w, "path");
    writeString(w, link.path);
    writeKey(w, "attributes");
    w.StartObject();
    for (const auto& [name, value] : link.attributes) {
      writeKey(w, name);
      writeString(w, value);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();

  writeKey(w, "registeredAt");
  writeString(w, toIso8601(d.registeredAt));
  writeKey(w, "lastUpdateAt");
  writeString(w, toIso8601(d.lastUpdateAt));
  writeKey(w, "expiresAt");
  writeString(w, toIso8601(d.expiresAt));
  w.EndObject();
}

std::string take(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

double secondsOf(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string requestLocation(const std::string& requestId) { return "/api/v1/requests/" + percentEncode(requestId); }

}  // namespace

std::string queuedJson(std::string_view key, const std::vector<gateway::api::QueuedCommand>& commands) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeKey(w, key);
  w.StartArray();
  for (const gateway::api::QueuedCommand& c : commands) {
    w.StartObject();
    writeKey(w, "requestId");
    writeString(w, c.requestId);
    writeKey(w, "operation");
    writeString(w, operations::commandName(c.command.request.operation));
    writeKey(w, "command");
    const std::string command = mapping::encodeCommand(c.command.request);
    w.RawValue(command.data(), command.size(), rapidjson::kObjectType);
    writeKey(w, "acceptedAt");
    writeString(w, toIso8601(c.acceptedAt));
    writeKey(w, "expiresAt");
    writeString(w, toIso8601(c.expiresAt));
    writeKey(w, "inFlight");
    w.Bool(c.inFlight);
    writeKey(w, "location");
    writeString(w, requestLocation(c.requestId));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return take(buffer);
}

std::string statusJson(const std::string& requestId, std::string_view status) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeKey(w, "requestId");
  writeString(w, requestId);
  writeKey(w, "status");
  writeString(w, status);
  w.EndObject();
  return take(buffer);
}

std::string acceptedJson(const std::string& endpoint, const std::string& requestId, const std::string& location) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeKey(w, "requestId");
  writeString(w, requestId);
  writeKey(w, "endpoint");
  writeString(w, endpoint);
  writeKey(w, "state");
  writeString(w, "queued");
  writeKey(w, "location");
  writeString(w, location);
  w.EndObject();
  return take(buffer);
}

std::string requestJson(const TrackedRequest& r, bool inFlight, const model::ObjectModel& model) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeKey(w, "requestId");
  writeString(w, r.requestId);
  writeKey(w, "endpoint");
  writeString(w, r.endpoint);
  writeKey(w, "state");
  writeString(w, inFlight && r.state == RequestState::Queued ? "in-flight" : toString(r.state));
  writeKey(w, "acceptedAt");
  writeString(w, toIso8601(r.acceptedAt));
  writeKey(w, "command");
  const std::string command = mapping::encodeCommand(r.request);
  w.RawValue(command.data(), command.size(), rapidjson::kObjectType);
  if (r.end) {
    writeKey(w, "finishedAt");
    writeString(w, toIso8601(r.end->at));
    writeKey(w, "result");
    const std::string result = mapping::encodeCommandResult(*r.end, model);
    w.RawValue(result.data(), result.size(), rapidjson::kObjectType);
  }
  if (r.transfer) {
    writeKey(w, "transfer");
    const std::string transfer = toJson(*r.transfer);
    w.RawValue(transfer.data(), transfer.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return take(buffer);
}

std::string toJson(const gateway::api::TransferProgress& t) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("requestId");
  w.String(t.requestId.c_str());
  w.Key("endpoint");
  w.String(t.endpoint.c_str());
  mapping::writeTransfer(w, t);
  w.Key("startedAt");
  w.String(toIso8601(t.started).c_str());
  w.Key("updatedAt");
  w.String(toIso8601(t.updated).c_str());
  w.EndObject();
  return buf.GetString();
}

std::string valuesJson(const std::string& endpoint, const std::vector<gateway::api::LatestValue>& values,
                       std::chrono::system_clock::time_point now) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeKey(w, "endpoint");
  writeString(w, endpoint);
  writeKey(w, "values");
  w.StartArray();
  for (const gateway::api::LatestValue& v : values) {
    w.StartObject();
    writeKey(w, "path");
    writeString(w, v.path.toString());
    writeKey(w, "value");
    mapping::writeJsonValue(w, v.value);
    writeKey(w, "type");
    writeString(w, model::toString(v.value.type()));
    writeKey(w, "timestamp");
    w.Double(secondsOf(v.at));
    writeKey(w, "time");
    writeString(w, toIso8601(v.at));
    writeKey(w, "age_s");
    w.Double(std::max(0.0, std::chrono::duration<double>(now - v.at).count()));
    writeKey(w, "source");
    writeString(w, gateway::api::toString(v.source));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return take(buffer);
}

std::string toIso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto secs = floor<seconds>(ms);
  const auto millis = (ms - secs).count();
  const std::time_t tt = static_cast<std::time_t>(secs.time_since_epoch().count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[96];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return out;
}

std::string toJson(const DeviceInfo& device) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  writeDevice(w, device);
  return take(buffer);
}

namespace {

void writeStorageHealth(JsonWriter& w, const gateway::api::StorageHealth& storage) {
  writeKey(w, "storage");
  w.StartObject();
  mapping::writeStorage(w, storage.condition);
  if (storage.damaged) {
    writeKey(w, "damagedDatabase");
    w.StartObject();
    writeKey(w, "movedTo");
    writeString(w, storage.damaged->movedTo);
    writeKey(w, "reason");
    writeString(w, storage.damaged->reason);
    writeKey(w, "at");
    writeString(w, toIso8601(storage.damaged->at));
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::string toJson(const HealthReport& health) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeKey(w, "status");
  writeString(w, health.degraded() ? "degraded" : "ok");
  if (health.storage) {  // what needs an eye; [] while all is well
    writeKey(w, "degraded");
    w.StartArray();
    if (health.storage->degraded()) writeString(w, "storage");
    w.EndArray();
  }
  if (!health.warnings.empty()) {  // what to know while the status stays "ok"
    writeKey(w, "warnings");
    w.StartArray();
    for (const auto& warning : health.warnings) writeString(w, warning);
    w.EndArray();
  }
  writeKey(w, "version");
  writeString(w, health.version);
  writeKey(w, "uptime");
  w.Int64(health.uptime.count());
  writeKey(w, "devices");
  w.Uint64(health.devices);
  writeKey(w, "mqtt");
  writeString(w, health.mqttConnected ? "connected" : "disconnected");
  if (health.mqttOutbox) {
    writeKey(w, "mqttOutbox");
    w.StartObject();
    writeKey(w, "waiting");
    w.Uint64(health.mqttOutbox->waiting);
    writeKey(w, "published");
    w.Uint64(health.mqttOutbox->published);
    writeKey(w, "dropped");
    w.Uint64(health.mqttOutbox->dropped);
    writeKey(w, "rejected");
    w.Uint64(health.mqttOutbox->rejected);
    w.EndObject();
  }
  if (health.queuedRequests) {
    writeKey(w, "queuedRequests");
    w.Uint64(*health.queuedRequests);
  }
  if (health.dtls) {
    writeKey(w, "dtls");
    w.StartObject();
    writeKey(w, "sessions");
    w.Uint64(health.dtls->sessions);
    writeKey(w, "handshakesInProgress");
    w.Uint64(health.dtls->handshakesInProgress);
    writeKey(w, "handshakes");
    w.Uint64(health.dtls->handshakes);
    writeKey(w, "failedHandshakes");
    w.Uint64(health.dtls->failedHandshakes);
    w.EndObject();
  }
  if (!health.webhooks.empty()) {
    writeKey(w, "webhooks");
    w.StartArray();
    for (const auto& hook : health.webhooks) {
      w.StartObject();
      writeKey(w, "name");
      writeString(w, hook.name);
      writeKey(w, "waiting");
      w.Uint64(hook.waiting);
      writeKey(w, "delivered");
      w.Uint64(hook.delivered);
      writeKey(w, "retries");
      w.Uint64(hook.retries);
      writeKey(w, "dropped");
      w.Uint64(hook.dropped);
      writeKey(w, "deadLettered");
      w.Uint64(hook.deadLettered);
      w.EndObject();
    }
    w.EndArray();
  }
  if (health.eventStreams) {
    writeKey(w, "eventStreams");
    w.StartObject();
    writeKey(w, "open");
    w.Uint64(health.eventStreams->open);
    writeKey(w, "opened");
    w.Uint64(health.eventStreams->opened);
    writeKey(w, "cutOff");
    w.Uint64(health.eventStreams->cutOff);
    w.EndObject();
  }
  if (health.storage) writeStorageHealth(w, *health.storage);
  if (!health.listeners.empty()) {
    writeKey(w, "listeners");
    w.StartArray();
    for (const auto& listener : health.listeners) {
      w.StartObject();
      writeKey(w, "name");
      writeString(w, listener.name);
      writeKey(w, "address");
      writeString(w, listener.address);
      writeKey(w, "receiveBuffer");
      w.Uint64(listener.receiveBufferBytes);
      writeKey(w, "dropped");
      w.Uint64(listener.dropped);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return take(buffer);
}

std::string toJson(const gateway::api::ReadinessReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeKey(w, "status");
  writeString(w, report.ready() ? "ready" : "not ready");
  writeKey(w, "notReady");
  w.StartArray();
  for (const auto& check : report.checks) {
    if (!check.ready) writeString(w, check.name);
  }
  w.EndArray();
  writeKey(w, "checks");
  w.StartObject();
  for (const auto& check : report.checks) {
    writeKey(w, check.name);
    w.StartObject();
    writeKey(w, "ready");
    w.Bool(check.ready);
    writeKey(w, "detail");
    writeString(w, check.detail);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return take(buffer);
}

}  // namespace lwm2m::bridges::http
