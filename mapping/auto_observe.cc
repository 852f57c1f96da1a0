// Auto-observe: the observations the rules ask for when a device registers
// or announces new object instances.
#include <algorithm>

#include "mapping/router.h"

namespace lwm2m::mapping {

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

std::vector<DeviceCommand> autoObserve(const RuleSet& rules, const DeviceEvent& event,
                                       const model::ObjectModel& model) {
  std::vector<DeviceCommand> out;
  if (event.kind != EventKind::Registered && event.kind != EventKind::Updated) return out;
  std::vector<model::Path> seen;
  for (const auto& rule : rules.observe()) {
    if (!rule.enabled || !globMatch(rule.match.endpoint, event.endpoint)) continue;
    std::vector<model::Path> paths;
    for (const auto& pattern : rule.match.paths) expand(pattern, event.registration.objectLinks, model, paths);
    std::vector<model::Path> wanted;
    for (const auto& path : paths) {
      if (event.kind == EventKind::Updated && !isNew(path, event.registration)) continue;
      if (std::find(seen.begin(), seen.end(), path) != seen.end()) continue;
      seen.push_back(path);
      wanted.push_back(path);
    }
    if (wanted.empty()) continue;
    auto command = [&](Operation op, std::vector<model::Path> targets) {
      DeviceCommand c;
      c.endpoint = event.endpoint;
      c.operation = op;
      c.paths = std::move(targets);
      return c;
    };
    if (!rule.attributes.empty()) {
      for (const auto& path : wanted) {
        DeviceCommand c = command(Operation::WriteAttributes, {path});
        c.attributes = rule.attributes;
        out.push_back(std::move(c));
      }
    }
    if (rule.composite && supportsComposite(event.registration.lwm2mVersion)) {
      out.push_back(command(Operation::ObserveComposite, wanted));
    } else {
      for (const auto& path : wanted) out.push_back(command(Operation::Observe, {path}));
    }
  }
  return out;
}

}  // namespace lwm2m::mapping
