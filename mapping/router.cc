#include "mapping/router.h"

#include <algorithm>

#include "mapping/model_names.h"
#include "mapping/payload_styles.h"

namespace lwm2m::mapping {

namespace {

bool isValueStyle(PayloadStyle style) {
  return style == PayloadStyle::Value || style == PayloadStyle::Json || style == PayloadStyle::Senml ||
         style == PayloadStyle::Tree;
}

bool appliesTo(const UplinkRule& rule, EventKind kind) {
  const auto& events = rule.match.events;
  if (!events.empty()) return std::find(events.begin(), events.end(), kind) != events.end();
  switch (rule.style) {
    case PayloadStyle::Event: return true;
    case PayloadStyle::Emqx:
      return kind == EventKind::Registered || kind == EventKind::Updated || kind == EventKind::Notification ||
             kind == EventKind::Response;
    default: return carriesValues(kind);
  }
}

bool hasValueFilters(const RuleMatch& match) {
  return !match.paths.empty() || !match.objectName.empty() || !match.resourceName.empty();
}

bool recordMatches(const RuleMatch& match, const model::Path& path, const model::ObjectModel& model) {
  if (!match.paths.empty()) {
    bool any = false;
    for (const auto& pattern : match.paths) {
      any = any || pattern.matches(path) || (path.isResourceInstance() && pattern.matches(path.parent()));
    }
    if (!any) return false;
  }
  if (!match.objectName.empty() && !sameName(objectName(model, path), match.objectName)) return false;
  if (!match.resourceName.empty() && !sameName(resourceName(model, path), match.resourceName)) return false;
  return true;
}

// An event without values is about its request path (root for lifecycle events).
bool requestMatches(const RuleMatch& match, const model::Path& path) {
  if (match.paths.empty()) return true;
  return std::any_of(match.paths.begin(), match.paths.end(),
                     [&](const PathPattern& p) { return p.couldMatchBelow(path) || p.matches(path); });
}

Placeholders basePlaceholders(const DeviceEvent& event) {
  return Placeholders{{"endpoint", event.endpoint}, {"gateway", event.gateway}, {"event", std::string(toString(event.kind))}};
}

void addPathPlaceholders(Placeholders& values, const model::Path& path, const UplinkRule& rule,
                         const model::ObjectModel& model) {
  if (path.depth() >= 1) {
    values["object"] = std::to_string(path.objectId());
    values["object_name"] = objectName(model, path);
  }
  if (path.depth() >= 2) values["instance"] = std::to_string(path.instanceId());
  if (path.depth() >= 3) {
    values["resource"] = std::to_string(path.resourceId());
    values["resource_name"] = rule.transform.rename.empty() ? resourceName(model, path) : rule.transform.rename;
  }
  values["path"] = path.toString();
}

std::string contentType(PayloadStyle style) {
  switch (style) {
    case PayloadStyle::Value: return "text/plain";
    case PayloadStyle::Senml: return "application/senml+json";
    default: return "application/json";
  }
}

OutboundMessage message(const UplinkRule& rule, const Placeholders& values, std::string payload) {
  OutboundMessage m;
  m.topic = renderTopic(rule.topic, values);
  m.payload = std::move(payload);
  m.qos = rule.qos;
  m.retain = rule.retain;
  m.contentType = contentType(rule.style);
  return m;
}

// Consecutive records sharing the first `depth` path levels.
std::vector<std::vector<const ValueRecord*>> groupBy(const std::vector<const ValueRecord*>& records, int depth) {
  std::vector<std::vector<const ValueRecord*>> groups;
  for (const auto* r : records) {
    if (groups.empty() || groups.back().front()->path.prefix(depth) != r->path.prefix(depth)) groups.emplace_back();
    groups.back().push_back(r);
  }
  return groups;
}

void applyRule(const UplinkRule& rule, const DeviceEvent& event, const model::ObjectModel& model,
               std::vector<OutboundMessage>& out) {
  std::vector<const ValueRecord*> records;
  for (const auto& r : event.values) {
    if (r.path.depth() >= 3 && recordMatches(rule.match, r.path, model)) records.push_back(&r);
  }
  if (!event.values.empty() && hasValueFilters(rule.match) && records.empty()) return;
  if (event.values.empty() && !requestMatches(rule.match, event.requestPath)) return;
  StyleInput in{event, model, rule.transform};
  Placeholders base = basePlaceholders(event);
  if (isValueStyle(rule.style) && records.empty()) return;
  switch (rule.style) {
    case PayloadStyle::Value:
    case PayloadStyle::Json:
      for (const auto& resource : groupBy(records, 3)) {
        Placeholders values = base;
        addPathPlaceholders(values, resource.front()->path.prefix(3), rule, model);
        out.push_back(message(rule, values,
                              rule.style == PayloadStyle::Value ? valuePayload(in, resource) : jsonPayload(in, resource)));
      }
      return;
    case PayloadStyle::Tree:
      for (const auto& instance : groupBy(records, 2)) {
        Placeholders values = base;
        model::Path path = instance.front()->path.prefix(2);
        addPathPlaceholders(values, path, rule, model);
        out.push_back(message(rule, values, treePayload(in, path, instance)));
      }
      return;
    case PayloadStyle::Senml:
    case PayloadStyle::Event:
    case PayloadStyle::Emqx: {
      Placeholders values = base;
      if (!records.empty()) {
        addPathPlaceholders(values, records.front()->path, rule, model);
      } else if (!event.requestPath.isRoot()) {
        addPathPlaceholders(values, event.requestPath, rule, model);
      }
      std::string payload = rule.style == PayloadStyle::Senml ? senmlPayload(in, records)
                            : rule.style == PayloadStyle::Event ? eventPayload(in, records)
                                                                : emqxEventPayload(event, records);
      out.push_back(message(rule, values, std::move(payload)));
      return;
    }
  }
}

}  // namespace

std::vector<OutboundMessage> routeEvent(const RuleSet& rules, const DeviceEvent& event,
                                        const model::ObjectModel& model) {
  std::vector<OutboundMessage> out;
  if (event.kind == EventKind::Response && !event.reply.topic.empty()) {
    OutboundMessage reply;
    reply.topic = event.reply.topic;
    reply.qos = event.reply.qos;
    reply.correlationData = event.reply.correlationData;
    reply.contentType = "application/json";
    reply.payload = event.reply.style == PayloadStyle::Emqx ? emqxResultPayload(event) : jsonResultPayload(event);
    out.push_back(std::move(reply));
  }
  for (const auto& rule : rules.uplink()) {
    if (!rule.enabled || !appliesTo(rule, event.kind) || !globMatch(rule.match.endpoint, event.endpoint)) continue;
    applyRule(rule, event, model, out);
  }
  return out;
}

}  // namespace lwm2m::mapping
