// The answers of HTTP aliases, rendered by the uplink payload styles.
#include "mapping/http_alias.h"
#include "mapping/payload_styles.h"

namespace lwm2m::mapping {
namespace {

// Several payloads of one style as a JSON list.
std::string jsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

std::string linkFormat(const std::vector<std::string>& links) {
  std::string out;
  for (const auto& link : links) out += (out.empty() ? "" : ",") + link;
  return out;
}

}  // namespace

gateway::api::DeviceEvent responseEvent(const Command& command, const operations::DeviceResponse& response,
                                        std::chrono::system_clock::time_point at, std::string requestId) {
  gateway::api::DeviceEvent event;
  event.kind = DeviceEventKind::Response;
  event.device.endpoint = command.endpoint;
  event.at = at;
  event.values = operations::reportedValues(response, command.request.path);
  event.paths = command.request.targets();
  event.command = gateway::api::CommandInfo{std::move(requestId), command.request, command.reply, response, {}};
  return event;
}

HttpAnswer renderHttpAnswer(const HttpAlias& alias, const gateway::api::DeviceEvent& source,
                            const model::ObjectModel& model) {
  const DeviceEvent event = viewOf(source, "");
  HttpAnswer answer;
  answer.outcome = event.kind == DeviceEventKind::Response ? event.outcome : operations::Outcome::Timeout;
  answer.code = event.code;
  answer.contentType = "application/json";
  if (alias.style == PayloadStyle::Emqx) {
    answer.body = emqxResultPayload(event);
    return answer;
  }
  std::vector<const Record*> records;
  for (const auto& r : event.values) {
    if (r.path.depth() >= 3) records.push_back(&r);
  }
  const bool succeeded = event.kind == DeviceEventKind::Response && event.outcome == operations::Outcome::Success;
  if (!succeeded || records.empty()) {
    if (succeeded && alias.style == PayloadStyle::Value) {
      if (!event.links.empty()) {
        answer.contentType = "application/link-format";
        answer.body = linkFormat(event.links);
      }
      return answer;
    }
    answer.body = jsonResultPayload(event, model);
    return answer;
  }
  const StyleInput in{event, model, alias.transform};
  answer.contentType = contentTypeOf(alias.style);
  std::vector<std::string> items;
  switch (alias.style) {
    case PayloadStyle::Value: {
      const auto resources = groupBy(records, 3);
      if (resources.size() == 1) {
        answer.body = valuePayload(in, resources.front());
      } else {
        answer.contentType = "application/json";
        answer.body = valuesByPathPayload(in, resources);
      }
      return answer;
    }
    case PayloadStyle::Tree:
      for (const auto& instance : groupBy(records, 2)) {
        items.push_back(treePayload(in, instance.front()->path.prefix(2), instance));
      }
      break;
    case PayloadStyle::Senml: answer.body = senmlPayload(in, records); return answer;
    default:
      for (const auto& resource : groupBy(records, 3)) items.push_back(jsonPayload(in, resource));
      break;
  }
  answer.body = items.size() == 1 ? items.front() : jsonList(items);
  return answer;
}

}  // namespace lwm2m::mapping
