// The EMQX LwM2M gateway wire format, uplink side: register/update events,
// notifications and command results, shaped exactly as EMQX publishes them.
#include <rapidjson/document.h>

#include "mapping/json_values.h"
#include "mapping/payload_styles.h"

namespace lwm2m::mapping {

namespace {

using rapidjson::Document;
using rapidjson::Value;

std::string emqxOperationName(Operation operation) {
  return operation == Operation::WriteAttributes ? "write-attr" : std::string(toString(operation));
}

void writeKeyString(JsonWriter& out, const char* key, std::string_view value) {
  out.Key(key);
  writeString(out, value);
}

void writeContent(JsonWriter& out, const std::vector<const ValueRecord*>& records) {
  out.Key("content");
  out.StartArray();
  for (const auto* r : records) {
    out.StartObject();
    writeKeyString(out, "path", r->path.toString());
    out.Key("value");
    writeJsonValue(out, r->value);
    out.EndObject();
  }
  out.EndArray();
}

// {"reqPath","code","codeMsg"[,"content"]}
void writeResultData(JsonWriter& out, const DeviceEvent& event, const std::vector<const ValueRecord*>& records) {
  out.StartObject();
  writeKeyString(out, "reqPath", event.requestPath.toString());
  std::string code = event.code.empty() ? "2.05" : event.code;
  writeKeyString(out, "code", code);
  writeKeyString(out, "codeMsg", coapCodeName(code));
  if (!event.links.empty()) {
    out.Key("content");
    out.StartArray();
    for (const auto& link : event.links) writeString(out, link);
    out.EndArray();
  } else if (!records.empty()) {
    writeContent(out, records);
  }
  out.EndObject();
}

std::vector<const ValueRecord*> allRecords(const DeviceEvent& event) {
  std::vector<const ValueRecord*> out;
  for (const auto& r : event.values) out.push_back(&r);
  return out;
}

// The request object the gateway kept with the command, when it is one.
bool parseEcho(const std::string& echo, Document& doc) {
  if (echo.empty()) return false;
  doc.Parse(echo.data(), echo.size());
  return !doc.HasParseError() && doc.IsObject();
}

void writeRequestId(JsonWriter& out, const DeviceEvent& event, const Document* echo) {
  if (echo && echo->HasMember("reqID")) {
    out.Key("reqID");
    (*echo)["reqID"].Accept(out);
  } else if (!event.reply.requestId.empty()) {
    writeKeyString(out, "reqID", event.reply.requestId);
  }
}

}  // namespace

std::string emqxEventPayload(const DeviceEvent& event, const std::vector<const ValueRecord*>& records) {
  if (event.kind == EventKind::Response) return emqxResultPayload(event);
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  if (event.kind == EventKind::Notification) {
    Document echo;
    bool hasEcho = parseEcho(event.reply.echo, echo);
    writeRequestId(out, event, hasEcho ? &echo : nullptr);
    writeKeyString(out, "msgType", "notify");
    out.Key("seqNum");
    out.Uint(event.sequence.value_or(0));
    out.Key("data");
    writeResultData(out, event, records);
  } else if (event.kind == EventKind::Registered || event.kind == EventKind::Updated) {
    const RegistrationFacts& r = event.registration;
    writeKeyString(out, "msgType", event.kind == EventKind::Registered ? "register" : "update");
    out.Key("data");
    out.StartObject();
    writeKeyString(out, "ep", event.endpoint);
    out.Key("lt");
    out.Uint(r.lifetimeSeconds);
    writeKeyString(out, "sms", r.smsNumber);
    writeKeyString(out, "lwm2m", r.lwm2mVersion);
    writeKeyString(out, "b", r.binding);
    writeKeyString(out, "alternatePath", r.alternatePath);
    out.Key("objectList");
    out.StartArray();
    for (const auto& link : r.objectLinks) writeString(out, link.toString());
    out.EndArray();
    out.EndObject();
  } else {
    writeKeyString(out, "msgType", toString(event.kind));
    out.Key("data");
    out.StartObject();
    writeKeyString(out, "ep", event.endpoint);
    out.EndObject();
  }
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string emqxResultPayload(const DeviceEvent& event) {
  Document echo;
  bool hasEcho = parseEcho(event.reply.echo, echo);
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  if (hasEcho) {
    // Every field of the request, in its order, with msgType and data replaced.
    const Value& request = echo;
    for (auto it = request.MemberBegin(); it != request.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (key == "data") continue;
      out.Key(it->name.GetString(), it->name.GetStringLength());
      if (key == "msgType" && event.outcome != ResponseOutcome::Answered) {
        writeString(out, event.outcome == ResponseOutcome::Timeout ? "coap_timeout" : "coap_reset");
      } else {
        it->value.Accept(out);
      }
    }
    if (!echo.HasMember("msgType")) {
      writeKeyString(out, "msgType", event.operation ? emqxOperationName(*event.operation) : "response");
    }
  } else {
    writeRequestId(out, event, nullptr);
    std::string msgType = event.outcome == ResponseOutcome::Timeout ? "coap_timeout"
                          : event.outcome == ResponseOutcome::Reset ? "coap_reset"
                          : event.operation                          ? emqxOperationName(*event.operation)
                                                                     : "response";
    writeKeyString(out, "msgType", msgType);
  }
  out.Key("data");
  if (event.outcome != ResponseOutcome::Answered) {
    // A failure carries the request's own data.
    if (hasEcho && echo.HasMember("data")) {
      echo["data"].Accept(out);
    } else {
      out.StartObject();
      writeKeyString(out, "path", event.requestPath.toString());
      out.EndObject();
    }
  } else {
    writeResultData(out, event, allRecords(event));
  }
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lwm2m::mapping
