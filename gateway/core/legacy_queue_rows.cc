#include "gateway/core/legacy_queue_rows.h"

#include <rapidjson/document.h>

#include "mapping/command_codec.h"

namespace lwm2m::gateway {
namespace {

std::string text(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

api::ReplyRoute replyOf(const rapidjson::Value& r) {
  api::ReplyRoute route;
  route.topic = text(r, "topic");
  route.style = text(r, "style") == "emqx" ? api::ReplyStyle::Emqx : api::ReplyStyle::Json;
  auto qos = r.FindMember("qos");
  if (qos != r.MemberEnd() && qos->value.IsInt()) route.qos = qos->value.GetInt();
  if (auto data = model::decodeBase64(text(r, "correlationData"))) {
    route.correlationData.assign(data->begin(), data->end());
  }
  route.correlationId = text(r, "correlationId");
  route.requestId = text(r, "requestId");
  route.echo = text(r, "echo");
  return route;
}

}  // namespace

Result<persistence::RequestRow> readLegacyQueuedCommand(std::string_view json, const model::ObjectModel& model) {
  rapidjson::Document doc;
  if (auto parsed = mapping::parseCommandJson(json, doc); !parsed) return parsed.error();
  auto parts = mapping::readCommandParts(doc, model);
  if (!parts) return parts.error();
  auto request = mapping::toDeviceRequest(std::move(*parts), model);
  if (!request) return request.error();
  persistence::RequestRow row{std::move(*request), {}};
  auto reply = doc.FindMember("reply");
  if (reply != doc.MemberEnd() && reply->value.IsObject()) row.reply = replyOf(reply->value);
  return row;
}

}  // namespace lwm2m::gateway
