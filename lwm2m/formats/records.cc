#include "lwm2m/formats/records.h"

#include <algorithm>
#include <map>

namespace lwm2m::formats {
namespace {

using model::DataType;
using model::Node;
using model::Path;
using model::Value;

// Resource path -> (resource-instance id or nullopt) -> value.
struct ResourceValues {
  std::optional<Value> single;
  std::map<model::ResourceInstanceId, Value> instances;
  bool sawInstance = false;
};

struct Collected {
  std::map<Path, ResourceValues> resources;  // keyed by /o/i/r
};

// Keeps the latest of several values for one path.
Result<std::vector<const Record*>> latestPerPath(const std::vector<Record>& records) {
  std::map<Path, const Record*> latest;
  for (const Record& r : records) {
    if (r.path.depth() < 3) {
      return fail("value at " + r.path.toString() + ": values belong to resources or resource instances");
    }
    auto [it, inserted] = latest.emplace(r.path, &r);
    if (inserted) continue;
    const Record* old = it->second;
    if (old->time == r.time) return fail("duplicate value for " + r.path.toString());
    if (!old->time || (r.time && *r.time > *old->time)) it->second = &r;
  }
  std::vector<const Record*> out;
  out.reserve(latest.size());
  for (const auto& [path, record] : latest) out.push_back(record);
  return out;
}

Result<Collected> collect(const std::vector<const Record*>& records, const model::ObjectModel& model) {
  Collected c;
  for (const Record* r : records) {
    auto typed = applyModelType(r->value, r->path, model);
    if (!typed) return typed.error();
    ResourceValues& rv = c.resources[r->path.prefix(3)];
    if (r->path.isResourceInstance()) {
      rv.sawInstance = true;
      rv.instances.emplace(r->path.resourceInstanceId(), std::move(*typed));
    } else {
      rv.single = std::move(*typed);
    }
  }
  return c;
}

Result<model::Resource> buildResource(const Path& path, const ResourceValues& rv,
                                      const model::ObjectModel& model) {
  const model::ResourceDefinition* def = model.findResource(path.objectId(), path.resourceId());
  bool multiple = def ? def->multiple : rv.sawInstance;
  if (multiple && rv.single) {
    return fail(path.toString() + " is a multiple resource: expected resource instances");
  }
  if (!multiple && rv.sawInstance) {
    return fail(path.toString() + " is a single resource: resource instances not allowed");
  }
  if (multiple) {
    DataType type = def ? def->type
                        : (rv.instances.empty() ? DataType::None : rv.instances.begin()->second.type());
    return model::Resource::multiple(path.resourceId(), type, rv.instances);
  }
  if (!rv.single) return fail("no value for " + path.toString());
  return model::Resource::single(path.resourceId(), *rv.single);
}

Result<Node> buildNode(const Collected& c, const Path& path, const model::ObjectModel& model) {
  switch (path.depth()) {
    case 4: {
      auto it = c.resources.find(path.prefix(3));
      const Value* v = nullptr;
      if (it != c.resources.end()) {
        auto ri = it->second.instances.find(path.resourceInstanceId());
        if (ri != it->second.instances.end()) v = &ri->second;
      }
      if (!v) return fail("no value for " + path.toString());
      return Node(model::ResourceInstance{path.resourceInstanceId(), *v});
    }
    case 3: {
      auto it = c.resources.find(path);
      ResourceValues empty;
      auto resource = buildResource(path, it == c.resources.end() ? empty : it->second, model);
      if (!resource) return resource.error();
      return Node(std::move(*resource));
    }
    case 2:
    case 1: {
      std::map<model::InstanceId, std::map<model::ResourceId, model::Resource>> instances;
      for (const auto& [rpath, rv] : c.resources) {
        auto resource = buildResource(rpath, rv, model);
        if (!resource) return resource.error();
        instances[rpath.instanceId()].emplace(rpath.resourceId(), std::move(*resource));
      }
      if (path.isObjectInstance()) {
        auto& resources = instances[path.instanceId()];
        return Node(model::ObjectInstance(path.instanceId(), std::move(resources)));
      }
      std::map<model::InstanceId, model::ObjectInstance> objectInstances;
      for (auto& [id, resources] : instances) {
        objectInstances.emplace(id, model::ObjectInstance(id, std::move(resources)));
      }
      return Node(model::Object(path.objectId(), std::move(objectInstances)));
    }
    default:
      return fail("cannot decode a node at the root path");
  }
}

}  // namespace

Result<Value> applyModelType(const Value& value, const Path& path, const model::ObjectModel& model) {
  const model::ResourceDefinition* def = model.findResource(path.objectId(), path.resourceId());
  if (!def || def->type == DataType::None || def->type == value.type()) return value;
  auto converted = model::convertValue(value, def->type);
  if (!converted) return fail(path.toString() + ": " + converted.error().message);
  return converted;
}

Result<Node> recordsToNode(const std::vector<Record>& records, const Path& path,
                           const model::ObjectModel& model) {
  for (const Record& r : records) {
    if (!path.covers(r.path)) {
      return fail("value at " + r.path.toString() + " lies outside the requested path " + path.toString());
    }
  }
  auto latest = latestPerPath(records);
  if (!latest) return latest.error();
  auto collected = collect(*latest, model);
  if (!collected) return collected.error();
  return buildNode(*collected, path, model);
}

Result<model::NodesByPath> recordsToNodes(const std::vector<Record>& records, const std::vector<Path>* paths,
                                          const model::ObjectModel& model) {
  model::NodesByPath nodes;
  if (paths) {
    std::map<Path, std::vector<Record>> grouped;
    for (const Record& r : records) {
      const Path* owner = nullptr;
      for (const Path& p : *paths) {
        if (p.covers(r.path) && (!owner || p.depth() > owner->depth())) owner = &p;
      }
      if (!owner) return fail("value at " + r.path.toString() + " was not requested");
      grouped[*owner].push_back(r);
    }
    for (const Path& p : *paths) {
      auto it = grouped.find(p);
      if (it == grouped.end()) continue;  // absent from the response
      auto node = recordsToNode(it->second, p, model);
      if (!node) return node.error();
      nodes.insert_or_assign(p, std::move(*node));
    }
    return nodes;
  }
  auto latest = latestPerPath(records);
  if (!latest) return latest.error();
  for (const Record* r : *latest) {
    auto typed = applyModelType(r->value, r->path, model);
    if (!typed) return typed.error();
    if (r->path.isResourceInstance()) {
      nodes.insert_or_assign(r->path, Node(model::ResourceInstance{r->path.resourceInstanceId(), *typed}));
      continue;
    }
    const model::ResourceDefinition* def = model.findResource(r->path.objectId(), r->path.resourceId());
    if (def && def->multiple) {
      return fail(r->path.toString() + " is a multiple resource: expected resource instances");
    }
    nodes.insert_or_assign(r->path, Node(model::Resource::single(r->path.resourceId(), *typed)));
  }
  return nodes;
}

Result<std::vector<model::TimestampedNodes>> recordsToTimestamped(const std::vector<Record>& records,
                                                                  const model::ObjectModel& model) {
  std::map<std::optional<double>, std::vector<Record>> byTime;
  for (const Record& r : records) byTime[r.time].push_back(r);
  std::vector<model::TimestampedNodes> out;
  for (auto& [time, group] : byTime) {
    auto nodes = recordsToNodes(group, nullptr, model);
    if (!nodes) return nodes.error();
    out.push_back(model::TimestampedNodes{time, std::move(*nodes)});
  }
  return out;
}

}  // namespace lwm2m::formats
