#include "mapping/router.h"

#include <algorithm>
#include <charconv>

#include "mapping/model_names.h"
#include "mapping/payload_styles.h"

namespace lwm2m::mapping {

namespace {

bool isValueStyle(PayloadStyle style) {
  return style == PayloadStyle::Value || style == PayloadStyle::Json || style == PayloadStyle::Senml ||
         style == PayloadStyle::Tree;
}

bool appliesTo(const UplinkRule& rule, DeviceEventKind kind) {
  const auto& events = rule.match.events;
  if (!events.empty()) return std::find(events.begin(), events.end(), kind) != events.end();
  // A gateway event has no {endpoint}: only rules that name it get it.
  if (kind == DeviceEventKind::Storage) return false;
  switch (rule.style) {
    case PayloadStyle::Event: return true;
    case PayloadStyle::Emqx:
      return kind == DeviceEventKind::Registered || kind == DeviceEventKind::Updated || kind == DeviceEventKind::Notification ||
             kind == DeviceEventKind::Response;
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

void appendNumber(std::string& out, unsigned value) {
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// The values of an uplink topic's placeholders, made only for the names its
// template uses: the event's own, and those of `path` when there is one.
// Names of objects and resources the model does not know are their numbers.
class TopicValues {
 public:
  TopicValues(const DeviceEvent& event, const model::Path* path, const UplinkRule& rule,
              const model::ObjectModel& model)
      : event_(event), path_(path), rule_(rule), model_(model) {}

  void operator()(std::string_view name, std::string& out) const {
    if (name == "endpoint") {
      out += event_.endpoint;
    } else if (name == "gateway") {
      out += event_.gateway;
    } else if (name == "event") {
      out += toString(event_.kind);
    } else if (path_ != nullptr) {
      appendPathValue(name, out);
    }
  }

 private:
  void appendPathValue(std::string_view name, std::string& out) const {
    const model::Path& path = *path_;
    if (name == "path") {
      out += path.toString();
    } else if (name == "object" && path.depth() >= 1) {
      appendNumber(out, path.objectId());
    } else if (name == "object_name" && path.depth() >= 1) {
      const std::string known = objectName(model_, path);
      if (known.empty()) {
        appendNumber(out, path.objectId());
      } else {
        out += known;
      }
    } else if (name == "instance" && path.depth() >= 2) {
      appendNumber(out, path.instanceId());
    } else if (name == "resource" && path.depth() >= 3) {
      appendNumber(out, path.resourceId());
    } else if (name == "resource_name" && path.depth() >= 3) {
      const std::string known = rule_.transform.rename.empty() ? resourceName(model_, path) : rule_.transform.rename;
      if (known.empty()) {
        appendNumber(out, path.resourceId());
      } else {
        out += known;
      }
    }
  }

  const DeviceEvent& event_;
  const model::Path* path_;
  const UplinkRule& rule_;
  const model::ObjectModel& model_;
};

OutboundMessage message(const UplinkRule& rule, const TopicValues& values, std::string payload) {
  OutboundMessage m;
  m.topic = renderTopicWith(rule.topic, values);
  m.payload = std::move(payload);
  m.qos = rule.qos;
  m.retain = rule.retain;
  m.contentType = contentTypeOf(rule.style);
  if (rule.batch.enabled()) {
    m.batching = {rule.batch.maxMessages, rule.batch.maxDelay, rule.style == PayloadStyle::Senml};
  }
  return m;
}

void applyRule(const UplinkRule& rule, const DeviceEvent& event, const model::ObjectModel& model,
               std::vector<OutboundMessage>& out) {
  std::vector<const Record*> records;
  for (const auto& r : event.values) {
    if (r.path.depth() >= 3 && recordMatches(rule.match, r.path, model)) records.push_back(&r);
  }
  if (!event.values.empty() && hasValueFilters(rule.match) && records.empty()) return;
  if (event.values.empty() && !requestMatches(rule.match, event.requestPath)) return;
  StyleInput in{event, model, rule.transform};
  if (isValueStyle(rule.style) && records.empty()) return;
  switch (rule.style) {
    case PayloadStyle::Value:
    case PayloadStyle::Json:
      for (const auto& resource : groupBy(records, 3)) {
        const model::Path path = resource.front()->path.prefix(3);
        out.push_back(message(rule, TopicValues(event, &path, rule, model),
                              rule.style == PayloadStyle::Value ? valuePayload(in, resource) : jsonPayload(in, resource)));
      }
      return;
    case PayloadStyle::Tree:
      for (const auto& instance : groupBy(records, 2)) {
        const model::Path path = instance.front()->path.prefix(2);
        out.push_back(message(rule, TopicValues(event, &path, rule, model), treePayload(in, path, instance)));
      }
      return;
    case PayloadStyle::Senml:
    case PayloadStyle::Event:
    case PayloadStyle::Emqx: {
      const model::Path* path = !records.empty()                ? &records.front()->path
                                : !event.requestPath.isRoot() ? &event.requestPath
                                                              : nullptr;
      std::string payload = rule.style == PayloadStyle::Senml ? senmlPayload(in, records)
                            : rule.style == PayloadStyle::Event ? eventPayload(in, records)
                                                                : emqxEventPayload(event, records);
      out.push_back(message(rule, TopicValues(event, path, rule, model), std::move(payload)));
      return;
    }
  }
}

}  // namespace

std::vector<OutboundMessage> routeEvent(const RuleSet& rules, const DeviceEvent& event,
                                        const model::ObjectModel& model) {
  std::vector<OutboundMessage> out;
  bool emqx = event.reply.style == ReplyStyle::Emqx;
  bool answersCommand = event.kind == DeviceEventKind::Response || event.kind == DeviceEventKind::RequestExpired ||
                        ((event.kind == DeviceEventKind::Queued || event.kind == DeviceEventKind::RequestCancelled) && !emqx);
  if (answersCommand && !event.reply.topic.empty()) {
    OutboundMessage reply;
    reply.topic = event.reply.topic;
    reply.qos = event.reply.qos;
    reply.correlationData = event.reply.correlationData;
    reply.contentType = "application/json";
    reply.payload = emqx ? emqxResultPayload(event) : jsonResultPayload(event, model);
    out.push_back(std::move(reply));
  }
  for (const auto& rule : rules.uplink()) {
    if (!rule.enabled || !appliesTo(rule, event.kind) || !globMatch(rule.match.endpoint, event.endpoint)) continue;
    applyRule(rule, event, model, out);
  }
  return out;
}

bool anyUplinkRule(const RuleSet& rules, DeviceEventKind kind, std::string_view endpoint) {
  return std::any_of(rules.uplink().begin(), rules.uplink().end(), [&](const UplinkRule& rule) {
    return rule.enabled && appliesTo(rule, kind) && globMatch(rule.match.endpoint, endpoint);
  });
}

// Auto-observe: the observations the rules ask for when a device registers
// or announces new object instances.

namespace {

bool supportsComposite(const std::string& version) { return !version.empty() && version != "1.0"; }

// The instances a link list announces for `objectId` ("/3/0"); an object
// link without instances ("/3") counts as instance 0 when the object is
// single-instance in the model.
std::vector<model::Path> instancesOf(const std::vector<model::Path>& links, model::ObjectId objectId,
                                     const model::ObjectModel& model) {
  std::vector<model::Path> out;
  bool objectOnly = false;
  for (const auto& link : links) {
    if (link.depth() >= 1 && link.objectId() == objectId) {
      if (link.depth() >= 2) {
        out.push_back(link.prefix(2));
      } else {
        objectOnly = true;
      }
    }
  }
  const auto* def = model.find(objectId);
  if (out.empty() && objectOnly && def && !def->multipleInstances) out.emplace_back(objectId, 0);
  return out;
}

// Expands one pattern against the registered instances.
void expand(const PathPattern& pattern, const std::vector<model::Path>& links, const model::ObjectModel& model,
            std::vector<model::Path>& out) {
  if (pattern.depth() == 0 || !pattern.id(0)) return;  // an object id is required to observe anything
  model::ObjectId objectId = *pattern.id(0);
  if (pattern.depth() == 1) {
    if (std::any_of(links.begin(), links.end(),
                    [&](const model::Path& l) { return l.depth() >= 1 && l.objectId() == objectId; })) {
      out.emplace_back(objectId);
    }
    return;
  }
  for (const auto& instance : instancesOf(links, objectId, model)) {
    if (pattern.id(1) && *pattern.id(1) != instance.instanceId()) continue;
    model::Path path = instance;
    bool concrete = true;
    for (int level = 2; level < pattern.depth(); ++level) {
      if (!pattern.id(level)) {
        concrete = false;
        break;
      }
      path = path.child(*pattern.id(level));
    }
    if (concrete) out.push_back(path);
  }
}

// Whether the object instance of `path` (its object, for an object path)
// was not registered before an update.
bool isNew(const model::Path& path, const RegistrationFacts& r) {
  if (r.previousObjectLinks.empty()) return true;
  return std::none_of(r.previousObjectLinks.begin(), r.previousObjectLinks.end(), [&](const model::Path& old) {
    if (old.isRoot()) return false;
    if (path.depth() == 1) return old.objectId() == path.objectId();
    return old.covers(path.prefix(2));
  });
}

}  // namespace

std::vector<Command> autoObserve(const RuleSet& rules, const DeviceEvent& event,
                                       const model::ObjectModel& model) {
  std::vector<Command> out;
  if (event.kind != DeviceEventKind::Registered && event.kind != DeviceEventKind::Updated) return out;
  std::vector<model::Path> seen;
  for (const auto& rule : rules.observe()) {
    if (!rule.enabled || !globMatch(rule.match.endpoint, event.endpoint)) continue;
    std::vector<model::Path> paths;
    for (const auto& pattern : rule.match.paths) expand(pattern, event.registration.objectLinks, model, paths);
    std::vector<model::Path> wanted;
    for (const auto& path : paths) {
      if (event.kind == DeviceEventKind::Updated && !isNew(path, event.registration)) continue;
      if (std::find(seen.begin(), seen.end(), path) != seen.end()) continue;
      seen.push_back(path);
      wanted.push_back(path);
    }
    if (wanted.empty()) continue;
    using operations::DeviceRequest;
    auto command = [&](DeviceRequest request) { return Command{event.endpoint, std::move(request), {}}; };
    if (!rule.attributes.empty()) {
      for (const auto& path : wanted) out.push_back(command(DeviceRequest::writeAttributes(path, rule.attributes)));
    }
    if (rule.composite && supportsComposite(event.registration.lwm2mVersion)) {
      out.push_back(command(DeviceRequest::observeComposite(wanted)));
    } else {
      for (const auto& path : wanted) out.push_back(command(DeviceRequest::observe(path)));
    }
  }
  return out;
}

}  // namespace lwm2m::mapping
