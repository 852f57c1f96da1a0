#pragma once
// The LwM2M node tree: Object > ObjectInstance > Resource > ResourceInstance.
// Nodes are immutable; children live behind shared pointers so copying a node
// (even a whole object) is a few reference-count increments. A Node is any
// one of the four levels, as a decoder returns it for a requested Path.

#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "lwm2m/model/path.h"
#include "lwm2m/model/value.h"

namespace lwm2m::model {

struct ResourceInstance {
  ResourceInstanceId id = 0;
  Value value;
  friend bool operator==(const ResourceInstance&, const ResourceInstance&) = default;
};

class Resource {
 public:
  // A single-instance resource.
  static Resource single(ResourceId id, Value value);
  // A multiple-instance resource; `type` matters when it has no instance.
  static Resource multiple(ResourceId id, DataType type, std::map<ResourceInstanceId, Value> instances);

  ResourceId id() const { return id_; }
  bool isMultiple() const { return multiple_; }
  DataType type() const { return type_; }
  // Precondition: !isMultiple().
  const Value& value() const { return value_; }
  // Empty for a single resource.
  const std::map<ResourceInstanceId, Value>& instances() const;
  const Value* instance(ResourceInstanceId id) const;

  friend bool operator==(const Resource& a, const Resource& b);

 private:
  ResourceId id_ = 0;
  bool multiple_ = false;
  DataType type_ = DataType::None;
  Value value_;
  std::shared_ptr<const std::map<ResourceInstanceId, Value>> instances_;
};

class ObjectInstance {
 public:
  ObjectInstance() = default;
  // Later resources with the same id replace earlier ones.
  ObjectInstance(InstanceId id, std::vector<Resource> resources);
  ObjectInstance(InstanceId id, std::map<ResourceId, Resource> resources);

  InstanceId id() const { return id_; }
  const std::map<ResourceId, Resource>& resources() const;
  const Resource* resource(ResourceId id) const;

  friend bool operator==(const ObjectInstance& a, const ObjectInstance& b);

 private:
  InstanceId id_ = 0;
  std::shared_ptr<const std::map<ResourceId, Resource>> resources_;
};

class Object {
 public:
  Object() = default;
  Object(ObjectId id, std::vector<ObjectInstance> instances);
  Object(ObjectId id, std::map<InstanceId, ObjectInstance> instances);

  ObjectId id() const { return id_; }
  const std::map<InstanceId, ObjectInstance>& instances() const;
  const ObjectInstance* instance(InstanceId id) const;

  friend bool operator==(const Object& a, const Object& b);

 private:
  ObjectId id_ = 0;
  std::shared_ptr<const std::map<InstanceId, ObjectInstance>> instances_;
};

// One node of any level.
class Node {
 public:
  Node(Object object) : node_(std::move(object)) {}                  // NOLINT
  Node(ObjectInstance instance) : node_(std::move(instance)) {}      // NOLINT
  Node(Resource resource) : node_(std::move(resource)) {}            // NOLINT
  Node(ResourceInstance instance) : node_(std::move(instance)) {}    // NOLINT

  // Path depth this node lives at: 1 object .. 4 resource instance.
  int depth() const { return static_cast<int>(node_.index()) + 1; }
  // The node's own id (object id, instance id, ...).
  std::uint16_t id() const;

  const Object* object() const { return std::get_if<Object>(&node_); }
  const ObjectInstance* objectInstance() const { return std::get_if<ObjectInstance>(&node_); }
  const Resource* resource() const { return std::get_if<Resource>(&node_); }
  const ResourceInstance* resourceInstance() const { return std::get_if<ResourceInstance>(&node_); }

  friend bool operator==(const Node& a, const Node& b) { return a.node_ == b.node_; }

 private:
  std::variant<Object, ObjectInstance, Resource, ResourceInstance> node_;
};

// Several nodes addressed by path: the body of Read-Composite responses,
// Write-Composite, Observe-Composite notifications and Send.
using NodesByPath = std::map<Path, Node>;

// One timestamp's worth of nodes. `time` is seconds since the Unix epoch
// (fractions allowed); nullopt when the payload carried no time.
struct TimestampedNodes {
  std::optional<double> time;
  NodesByPath nodes;
  friend bool operator==(const TimestampedNodes&, const TimestampedNodes&) = default;
};

// Finds the value at a resource or resource-instance path below `node`,
// which lives at `nodePath`. nullptr when absent or when `path` is not a
// value path (a multiple resource has no single value).
const Value* findValue(const Node& node, const Path& nodePath, const Path& path);

}  // namespace lwm2m::model
