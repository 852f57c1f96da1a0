// The EMQX LwM2M gateway wire format, both directions.
// Uplink: register/update events, notifications and command results, shaped
// exactly as EMQX publishes them. Downlink:
//   {"reqID":1,"msgType":"read","data":{"path":"/3/0/1"}}
// msgType read, discover, observe, cancel-observe, delete: data.path;
// write: data.path + type + value, or data.basePath + content[{path,type,value}];
// write-attr: data.path + pmin/pmax/gt/lt/st (strings); execute: data.path +
// args; create: data.basePath + content. "encoding":"hex" makes Opaque
// values hex text instead of base64.
#include <rapidjson/document.h>

#include "mapping/command_parts.h"
#include "mapping/json_values.h"
#include "mapping/payload_styles.h"

namespace lwm2m::mapping {

namespace {

using rapidjson::Document;
using rapidjson::Value;

std::string emqxOperationName(Operation operation) {
  return operation == Operation::WriteAttributes ? "write-attr" : std::string(operations::commandName(operation));
}

void writeKeyString(JsonWriter& out, const char* key, std::string_view value) {
  out.Key(key);
  writeString(out, value);
}

void writeContent(JsonWriter& out, const std::vector<const Record*>& records) {
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
void writeResultData(JsonWriter& out, const DeviceEvent& event, const std::vector<const Record*>& records) {
  out.StartObject();
  // A notification the gateway cannot tie to a request path names its first value's.
  model::Path reqPath = event.requestPath.isRoot() && !records.empty() ? records.front()->path : event.requestPath;
  writeKeyString(out, "reqPath", reqPath.toString());
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

std::vector<const Record*> allRecords(const DeviceEvent& event) {
  std::vector<const Record*> out;
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

std::string emqxEventPayload(const DeviceEvent& event, const std::vector<const Record*>& records) {
  if (event.kind == DeviceEventKind::Response) return emqxResultPayload(event);
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  if (event.kind == DeviceEventKind::Notification) {
    Document echo;
    bool hasEcho = parseEcho(event.reply.echo, echo);
    writeRequestId(out, event, hasEcho ? &echo : nullptr);
    writeKeyString(out, "msgType", "notify");
    out.Key("seqNum");
    out.Uint(event.sequence.value_or(0));
    out.Key("data");
    writeResultData(out, event, records);
  } else if (event.kind == DeviceEventKind::Registered || event.kind == DeviceEventKind::Updated) {
    const RegistrationFacts& r = event.registration;
    writeKeyString(out, "msgType", event.kind == DeviceEventKind::Registered ? "register" : "update");
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

std::string emqxResultPayload(const DeviceEvent& input) {
  // A queued request that expired undelivered is, to EMQX clients, a device
  // that did not answer.
  DeviceEvent expired;
  if (input.kind == DeviceEventKind::RequestExpired) {
    expired = input;
    expired.outcome = operations::Outcome::Timeout;
  }
  const DeviceEvent& event = input.kind == DeviceEventKind::RequestExpired ? expired : input;
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
      if (key == "msgType" && (event.outcome == operations::Outcome::Timeout || event.outcome == operations::Outcome::Reset)) {
        writeString(out, event.outcome == operations::Outcome::Timeout ? "coap_timeout" : "coap_reset");
      } else {
        it->value.Accept(out);
      }
    }
    if (!echo.HasMember("msgType")) {
      writeKeyString(out, "msgType", event.operation ? emqxOperationName(*event.operation) : "response");
    }
  } else {
    writeRequestId(out, event, nullptr);
    std::string msgType = event.outcome == operations::Outcome::Timeout ? "coap_timeout"
                          : event.outcome == operations::Outcome::Reset ? "coap_reset"
                          : event.operation                          ? emqxOperationName(*event.operation)
                                                                     : "response";
    writeKeyString(out, "msgType", msgType);
  }
  out.Key("data");
  if (event.outcome == operations::Outcome::Timeout || event.outcome == operations::Outcome::Reset) {
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

namespace {

const rapidjson::Value* find(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

Result<model::Path> pathField(const rapidjson::Value& data, const char* key) {
  const auto* v = find(data, key);
  if (!v) return fail(std::string("data.") + key + " is missing");
  if (!v->IsString()) return fail(std::string("data.") + key + " must be a string");
  return commandPath(std::string_view(v->GetString(), v->GetStringLength()));
}

// A content entry's path: relative to basePath ("/1" below "/3/0"), or
// already a full path that starts with basePath.
Result<model::Path> contentPath(std::string_view text, const model::Path& base) {
  std::string baseText = base.isRoot() ? "" : base.toString();
  if (!baseText.empty() && text.substr(0, baseText.size() + 1) == baseText + "/") return commandPath(text);
  return commandPath(baseText + std::string(text));
}

Result<void> readContent(const rapidjson::Value& data, const model::Path& base, const model::ObjectModel& model,
                         OpaqueText opaque, std::vector<Record>& out) {
  const auto* content = find(data, "content");
  if (!content) return {};
  if (!content->IsArray()) return fail("data.content must be a list of {path, type, value}");
  for (const auto& item : content->GetArray()) {
    if (!item.IsObject()) return fail("data.content must be a list of {path, type, value}");
    const auto* path = find(item, "path");
    const auto* value = find(item, "value");
    if (!path || !path->IsString() || !value) return fail("each data.content entry needs path and value");
    auto full = contentPath(std::string_view(path->GetString(), path->GetStringLength()), base);
    if (!full) return full.error();
    auto record = typedRecord(*full, *value, model, opaque, find(item, "type"));
    if (!record) return record.error();
    out.push_back(std::move(*record));
  }
  return {};
}

}  // namespace

Result<CommandParts> decodeEmqxCommand(const CommandInput& in, const rapidjson::Document& doc) {
  const auto* msgType = find(doc, "msgType");
  if (!msgType || !msgType->IsString()) return fail("msgType is missing");
  std::string name(msgType->GetString(), msgType->GetStringLength());
  auto op = operations::parseOperation(name);
  if (!op || operations::isComposite(*op) || *op == Operation::WriteUpdate) {
    return fail("unknown msgType '" + name + "'");
  }
  const auto* data = find(doc, "data");
  if (!data || !data->IsObject()) return fail("data is missing");
  OpaqueText opaque = OpaqueText::Base64;
  if (const auto* encoding = find(doc, "encoding")) {
    if (encoding->IsString() && std::string_view(encoding->GetString()) == "hex") opaque = OpaqueText::Hex;
  }

  CommandParts c;
  c.operation = *op;
  bool batch = (*op == Operation::WriteReplace && find(*data, "basePath")) || *op == Operation::Create;
  auto path = pathField(*data, batch ? "basePath" : "path");
  if (!path) return path.error();
  c.paths.push_back(*path);
  switch (*op) {
    case Operation::WriteReplace:
      if (batch) {
        if (auto r = readContent(*data, *path, in.model, opaque, c.values); !r) return r.error();
        c.partial = true;
      } else {
        const auto* value = find(*data, "value");
        if (!value) return fail("data.value is missing");
        auto record = typedRecord(*path, *value, in.model, opaque, find(*data, "type"));
        if (!record) return record.error();
        c.values.push_back(std::move(*record));
      }
      break;
    case Operation::Create:
      if (auto r = readContent(*data, *path, in.model, opaque, c.values); !r) return r.error();
      break;
    case Operation::Execute:
      if (const auto* args = find(*data, "args")) {
        if (!args->IsString()) return fail("data.args must be a string");
        c.arguments.assign(args->GetString(), args->GetStringLength());
      }
      break;
    case Operation::WriteAttributes: {
      rapidjson::Document attributes;
      attributes.SetObject();
      for (const char* key : {"pmin", "pmax", "gt", "lt", "st"}) {
        if (const auto* v = find(*data, key)) {
          rapidjson::Value copy(*v, attributes.GetAllocator());
          attributes.AddMember(rapidjson::StringRef(key), copy, attributes.GetAllocator());
        }
      }
      auto a = readAttributes(attributes);
      if (!a) return a.error();
      c.attributes = *a;
      break;
    }
    default: break;
  }
  return c;
}

std::string emqxErrorPayload(const rapidjson::Document* doc, std::string_view code) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  std::string reqPath;
  if (doc && doc->IsObject()) {
    if (const auto* id = find(*doc, "reqID")) {
      out.Key("reqID");
      id->Accept(out);
    }
    if (const auto* msgType = find(*doc, "msgType"); msgType && msgType->IsString()) {
      out.Key("msgType");
      msgType->Accept(out);
    }
    if (const auto* data = find(*doc, "data"); data && data->IsObject()) {
      for (const char* key : {"path", "basePath"}) {
        if (const auto* p = find(*data, key); p && p->IsString() && reqPath.empty()) reqPath = p->GetString();
      }
    }
  }
  out.Key("data");
  out.StartObject();
  if (!reqPath.empty()) {
    out.Key("reqPath");
    writeString(out, reqPath);
  }
  out.Key("code");
  writeString(out, code);
  out.Key("codeMsg");
  writeString(out, coapCodeName(code));
  out.EndObject();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lwm2m::mapping
