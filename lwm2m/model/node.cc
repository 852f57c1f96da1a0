#include "lwm2m/model/node.h"

namespace lwm2m::model {
namespace {

template <class Map>
const Map& orEmpty(const std::shared_ptr<const Map>& map) {
  static const Map kEmpty;
  return map ? *map : kEmpty;
}

}  // namespace

Resource Resource::single(ResourceId id, Value value) {
  Resource r;
  r.id_ = id;
  r.type_ = value.type();
  r.value_ = std::move(value);
  return r;
}

Resource Resource::multiple(ResourceId id, DataType type, std::map<ResourceInstanceId, Value> instances) {
  Resource r;
  r.id_ = id;
  r.multiple_ = true;
  r.type_ = type;
  r.instances_ = std::make_shared<const std::map<ResourceInstanceId, Value>>(std::move(instances));
  return r;
}

const std::map<ResourceInstanceId, Value>& Resource::instances() const { return orEmpty(instances_); }

const Value* Resource::instance(ResourceInstanceId id) const {
  const auto& map = instances();
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

bool operator==(const Resource& a, const Resource& b) {
  return a.id_ == b.id_ && a.multiple_ == b.multiple_ && a.type_ == b.type_ && a.value_ == b.value_ &&
         a.instances() == b.instances();
}

ObjectInstance::ObjectInstance(InstanceId id, std::vector<Resource> resources) : id_(id) {
  std::map<ResourceId, Resource> map;
  for (auto& r : resources) map.insert_or_assign(r.id(), std::move(r));
  resources_ = std::make_shared<const std::map<ResourceId, Resource>>(std::move(map));
}

ObjectInstance::ObjectInstance(InstanceId id, std::map<ResourceId, Resource> resources)
    : id_(id), resources_(std::make_shared<const std::map<ResourceId, Resource>>(std::move(resources))) {}

const std::map<ResourceId, Resource>& ObjectInstance::resources() const { return orEmpty(resources_); }

const Resource* ObjectInstance::resource(ResourceId id) const {
  const auto& map = resources();
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

bool operator==(const ObjectInstance& a, const ObjectInstance& b) {
  return a.id_ == b.id_ && a.resources() == b.resources();
}

Object::Object(ObjectId id, std::vector<ObjectInstance> instances) : id_(id) {
  std::map<InstanceId, ObjectInstance> map;
  for (auto& i : instances) map.insert_or_assign(i.id(), std::move(i));
  instances_ = std::make_shared<const std::map<InstanceId, ObjectInstance>>(std::move(map));
}

Object::Object(ObjectId id, std::map<InstanceId, ObjectInstance> instances)
    : id_(id), instances_(std::make_shared<const std::map<InstanceId, ObjectInstance>>(std::move(instances))) {}

const std::map<InstanceId, ObjectInstance>& Object::instances() const { return orEmpty(instances_); }

const ObjectInstance* Object::instance(InstanceId id) const {
  const auto& map = instances();
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

bool operator==(const Object& a, const Object& b) { return a.id_ == b.id_ && a.instances() == b.instances(); }

std::uint16_t Node::id() const {
  return std::visit([](const auto& n) -> std::uint16_t {
    if constexpr (std::is_same_v<std::decay_t<decltype(n)>, ResourceInstance>) {
      return n.id;
    } else {
      return n.id();
    }
  }, node_);
}

const Value* findValue(const Node& node, const Path& nodePath, const Path& path) {
  if (!nodePath.covers(path) || path.depth() < 3) return nullptr;
  const Resource* resource = nullptr;
  if (const Object* o = node.object()) {
    const ObjectInstance* i = o->instance(path.instanceId());
    resource = i ? i->resource(path.resourceId()) : nullptr;
  } else if (const ObjectInstance* i = node.objectInstance()) {
    resource = i->resource(path.resourceId());
  } else if (const Resource* r = node.resource()) {
    resource = r;
  } else if (const ResourceInstance* ri = node.resourceInstance()) {
    return &ri->value;
  }
  if (!resource) return nullptr;
  if (path.isResource()) return resource->isMultiple() ? nullptr : &resource->value();
  return resource->instance(path.resourceInstanceId());
}

}  // namespace lwm2m::model
