#include "tools/lwm2m-sim/device_objects.h"

#include "tools/lwm2m-sim/vendor_object.h"

#include <cmath>

namespace lwm2m::sim {
namespace {

using model::Path;
using model::Resource;
using model::Value;

constexpr std::int64_t kFirmwareIdle = 0, kFirmwareDownloaded = 2, kFirmwareUpdating = 3;

Outcome ok(coap::Code code) { return Outcome{code, {}}; }
Outcome error(coap::Code code, std::string why) { return Outcome{code, std::move(why)}; }

// One model per vendor object id, shared by every device of the process.
std::shared_ptr<const model::ObjectModel> modelWith(std::optional<model::ObjectId> vendor) {
  static std::map<std::optional<model::ObjectId>, std::shared_ptr<const model::ObjectModel>> models;
  auto& slot = models[vendor];
  if (!slot) {
    model::ObjectModel m = model::ObjectModel::builtIn();
    if (vendor) m.add(vendorObject(*vendor));
    slot = std::make_shared<const model::ObjectModel>(std::move(m));
  }
  return slot;
}

}  // namespace

bool DeviceObjects::writable(model::ObjectId o, model::ResourceId r) const {
  const auto* def = model_->findResource(o, r);
  return def && (def->operations == model::Operations::Write || def->operations == model::Operations::ReadWrite);
}

bool DeviceObjects::executable(model::ObjectId o, model::ResourceId r) const {
  const auto* def = model_->findResource(o, r);
  return def && def->operations == model::Operations::Execute;
}

DeviceObjects::DeviceObjects(std::string endpoint, std::uint32_t seed, const std::vector<std::string>& links,
                             std::optional<model::ObjectId> vendorObject)
    : endpoint_(std::move(endpoint)), seed_(seed), vendor_(vendorObject), model_(modelWith(vendorObject)) {
  for (const std::string& link : links) {
    auto path = Path::parse(link);
    if (path && path->isObjectInstance()) addInstance(path->objectId(), path->instanceId());
  }
  tick(0);
}

void DeviceObjects::set(model::ObjectId o, model::InstanceId i, Resource r) {
  auto& inst = objects_[o][i];
  inst.insert_or_assign(r.id(), std::move(r));
}

void DeviceObjects::addVendorInstance(model::ObjectId o, model::InstanceId i) {
  set(o, i, Resource::single(0, Value::string("controller-" + std::to_string(i))));
  set(o, i, Resource::single(1, Value::integer(0)));
  set(o, i, Resource::single(2, Value::floating(21.5)));
  set(o, i, Resource::single(3, Value::boolean(true)));
  set(o, i, Resource::single(4, Value::opaque({0xCA, 0xFE})));
  set(o, i, Resource::multiple(6, model::DataType::Integer, {{0, Value::integer(10)}, {1, Value::integer(90)}}));
  set(o, i, Resource::single(7, Value::time(0)));
  set(o, i, Resource::single(8, Value::unsignedInteger(4000000000u + seed_ % 1000)));
}

void DeviceObjects::addInstance(model::ObjectId o, model::InstanceId i) {
  if (vendor_ && o == *vendor_) {
    addVendorInstance(o, i);
    return;
  }
  switch (o) {
    case 1:
      set(o, i, Resource::single(0, Value::integer(1)));
      set(o, i, Resource::single(1, Value::integer(300)));
      set(o, i, Resource::single(6, Value::boolean(false)));
      set(o, i, Resource::single(7, Value::string("U")));
      break;
    case 3:
      set(o, i, Resource::single(0, Value::string("Open LwM2M Simulator")));
      set(o, i, Resource::single(1, Value::string("lwm2m-sim")));
      set(o, i, Resource::single(2, Value::string("SN-" + endpoint_)));
      set(o, i, Resource::single(3, Value::string(firmwareVersion_)));
      set(o, i, Resource::multiple(6, model::DataType::Integer, {{0, Value::integer(1)}, {1, Value::integer(5)}}));
      set(o, i, Resource::single(9, Value::integer(80 + seed_ % 20)));
      set(o, i, Resource::single(10, Value::integer(2048)));
      set(o, i, Resource::multiple(11, model::DataType::Integer, {{0, Value::integer(0)}}));
      set(o, i, Resource::single(16, Value::string("U")));
      set(o, i, Resource::single(17, Value::string("simulated")));
      break;
    case 5:
      set(o, i, Resource::single(1, Value::string("")));
      set(o, i, Resource::single(3, Value::integer(kFirmwareIdle)));
      set(o, i, Resource::single(5, Value::integer(0)));
      set(o, i, Resource::single(9, Value::integer(2)));
      break;
    case 3303:
      set(o, i, Resource::single(5701, Value::string("Cel")));
      set(o, i, Resource::single(5601, Value::floating(17)));
      set(o, i, Resource::single(5602, Value::floating(25)));
      break;
    case 3311:
      set(o, i, Resource::single(5850, Value::boolean(false)));
      set(o, i, Resource::single(5851, Value::integer(100)));
      set(o, i, Resource::single(5706, Value::string("warm white")));
      set(o, i, Resource::single(5701, Value::string("%")));
      break;
    default:
      objects_[o][i];
      break;
  }
}

double DeviceObjects::temperatureAt(std::int64_t unixSeconds, model::InstanceId instance) const {
  // A slow sine around 21 °C with a per-device phase: values change, deterministically.
  const double phase = static_cast<double>((seed_ + instance * 97u) % 360) * M_PI / 180.0;
  return std::round((21.0 + 4.0 * std::sin(phase + static_cast<double>(unixSeconds) / 60.0)) * 100) / 100;
}

void DeviceObjects::tick(std::int64_t unixSeconds) {
  if (auto vendor = vendor_ ? objects_.find(*vendor_) : objects_.end(); vendor != objects_.end()) {
    // The counter counts the seconds since the device started (or its last Reset).
    const std::int64_t elapsed = now_ > 0 && unixSeconds > now_ ? unixSeconds - now_ : 0;
    for (auto& [id, inst] : vendor->second) {
      auto counter = inst.find(1);
      if (counter == inst.end()) continue;
      counter->second = Resource::single(1, Value::integer(counter->second.value().asInteger() + elapsed));
    }
  }
  if (unixSeconds > 0) now_ = unixSeconds;
  if (auto dev = objects_.find(3); dev != objects_.end()) {
    for (auto& [id, inst] : dev->second) {
      inst.insert_or_assign(13, Resource::single(13, Value::time(unixSeconds)));
    }
  }
  if (auto temp = objects_.find(3303); temp != objects_.end()) {
    for (auto& [id, inst] : temp->second) {
      inst.insert_or_assign(5700, Resource::single(5700, Value::floating(temperatureAt(unixSeconds, id))));
    }
  }
}

const DeviceObjects::Instance* DeviceObjects::instance(model::ObjectId o, model::InstanceId i) const {
  auto obj = objects_.find(o);
  if (obj == objects_.end()) return nullptr;
  auto inst = obj->second.find(i);
  return inst == obj->second.end() ? nullptr : &inst->second;
}

DeviceObjects::Instance* DeviceObjects::mutableInstance(model::ObjectId o, model::InstanceId i) {
  auto obj = objects_.find(o);
  if (obj == objects_.end()) return nullptr;
  auto inst = obj->second.find(i);
  return inst == obj->second.end() ? nullptr : &inst->second;
}

bool DeviceObjects::exists(const Path& path) const { return read(path).ok(); }

Result<model::Node> DeviceObjects::read(const Path& path) const {
  if (path.isRoot()) return fail("no node at /");
  auto obj = objects_.find(path.objectId());
  if (obj == objects_.end()) return fail("no object " + path.toString());
  auto toInstance = [](model::InstanceId id, const Instance& inst) {
    return model::ObjectInstance(id, inst);
  };
  if (path.isObject()) {
    std::map<model::InstanceId, model::ObjectInstance> instances;
    for (const auto& [id, inst] : obj->second) instances.emplace(id, toInstance(id, inst));
    return model::Node(model::Object(path.objectId(), std::move(instances)));
  }
  const Instance* inst = instance(path.objectId(), path.instanceId());
  if (!inst) return fail("no instance " + path.toString());
  if (path.isObjectInstance()) return model::Node(toInstance(path.instanceId(), *inst));
  auto res = inst->find(path.resourceId());
  if (res == inst->end()) return fail("no resource " + path.toString());
  if (path.isResource()) return model::Node(res->second);
  const Value* v = res->second.instance(path.resourceInstanceId());
  if (!v) return fail("no resource instance " + path.toString());
  return model::Node(model::ResourceInstance{path.resourceInstanceId(), *v});
}

Outcome DeviceObjects::write(const Path& path, const model::Node& node, bool replace) {
  if (path.depth() < 2) return error(coap::codes::MethodNotAllowed, "write needs an instance or resource");
  Instance* inst = mutableInstance(path.objectId(), path.instanceId());
  if (!inst) return error(coap::codes::NotFound, "no instance " + path.toString());
  const model::ObjectId o = path.objectId();
  std::vector<Resource> incoming;
  if (const auto* oi = node.objectInstance()) {
    for (const auto& [id, r] : oi->resources()) incoming.push_back(r);
  } else if (const auto* r = node.resource()) {
    incoming.push_back(*r);
  } else if (const auto* ri = node.resourceInstance()) {
    auto res = inst->find(path.resourceId());
    if (res == inst->end() || !res->second.isMultiple()) return error(coap::codes::NotFound, path.toString());
    auto values = res->second.instances();
    values[ri->id] = ri->value;
    incoming.push_back(Resource::multiple(path.resourceId(), res->second.type(), values));
  } else {
    return error(coap::codes::BadRequest, "nothing to write");
  }
  for (const Resource& r : incoming) {
    if (!writable(o, r.id())) return error(coap::codes::MethodNotAllowed, "resource " + std::to_string(r.id()) + " is not writable");
  }
  if (replace && path.isObjectInstance()) {
    for (auto it = inst->begin(); it != inst->end();) {
      it = writable(o, it->first) ? inst->erase(it) : std::next(it);
    }
  }
  for (Resource& r : incoming) {
    if (o == 5 && r.id() == 0) {
      // Firmware package: a non-empty package means "downloaded", empty resets.
      const bool empty = r.value().type() == model::DataType::Opaque && r.value().asOpaque().empty();
      set(5, path.instanceId(), Resource::single(3, Value::integer(empty ? kFirmwareIdle : kFirmwareDownloaded)));
      set(5, path.instanceId(), Resource::single(5, Value::integer(0)));
      continue;  // write-only: not kept
    }
    inst->insert_or_assign(r.id(), std::move(r));
  }
  return ok(coap::codes::Changed);
}

Outcome DeviceObjects::execute(const Path& path, const std::string&) {
  if (!path.isResource()) return error(coap::codes::MethodNotAllowed, "execute needs a resource");
  if (!instance(path.objectId(), path.instanceId())) return error(coap::codes::NotFound, path.toString());
  if (!executable(path.objectId(), path.resourceId())) {
    return error(coap::codes::MethodNotAllowed, path.toString() + " is not executable");
  }
  if (vendor_ && path.objectId() == *vendor_ && path.resourceId() == 5) {
    set(path.objectId(), path.instanceId(), Resource::single(1, Value::integer(0)));
    set(path.objectId(), path.instanceId(), Resource::single(7, Value::time(now_)));
  }
  if (path.objectId() == 5 && path.resourceId() == 2) {
    const Instance* fw = instance(5, path.instanceId());
    if (!fw->count(3) || fw->at(3).value().asInteger() != kFirmwareDownloaded) {
      return error(coap::codes::MethodNotAllowed, "no firmware package downloaded");
    }
    set(5, path.instanceId(), Resource::single(3, Value::integer(kFirmwareUpdating)));
  }
  return ok(coap::codes::Changed);
}

void DeviceObjects::setFirmwareState(model::InstanceId instance, std::int64_t state, std::int64_t result) {
  if (!this->instance(5, instance)) return;
  set(5, instance, Resource::single(3, Value::integer(state)));
  set(5, instance, Resource::single(5, Value::integer(result)));
}

bool DeviceObjects::updating() const {
  const Instance* fw = instance(5, 0);
  return fw && fw->count(3) && fw->at(3).value().asInteger() == kFirmwareUpdating;
}

void DeviceObjects::finishUpdate() {
  if (!updating()) return;
  set(5, 0, Resource::single(3, Value::integer(kFirmwareIdle)));
  set(5, 0, Resource::single(5, Value::integer(1)));  // Firmware updated successfully
  firmwareVersion_ = "1.0.1";
  for (auto& [id, inst] : objects_[3]) inst.insert_or_assign(3, Resource::single(3, Value::string(firmwareVersion_)));
}

Outcome DeviceObjects::create(const model::Object& object, Path& created) {
  auto obj = objects_.find(object.id());
  if (obj == objects_.end() || !creatable(object.id())) {
    return error(coap::codes::MethodNotAllowed, "instances of this object cannot be created");
  }
  if (object.instances().size() != 1) return error(coap::codes::BadRequest, "create one instance at a time");
  const auto& [id, newInstance] = *object.instances().begin();
  if (obj->second.count(id)) return error(coap::codes::BadRequest, "instance exists");
  addInstance(object.id(), id);
  for (const auto& [rid, r] : newInstance.resources()) {
    if (!writable(object.id(), rid)) return error(coap::codes::BadRequest, "resource " + std::to_string(rid) + " is not writable");
    set(object.id(), id, r);
  }
  created = Path(object.id(), id);
  return ok(coap::codes::Created);
}

Outcome DeviceObjects::remove(const Path& path) {
  if (!path.isObjectInstance()) return error(coap::codes::MethodNotAllowed, "delete needs an instance");
  if (path.objectId() == 1 || path.objectId() == 3) return error(coap::codes::MethodNotAllowed, "mandatory object");
  auto obj = objects_.find(path.objectId());
  if (obj == objects_.end() || !obj->second.erase(path.instanceId())) return error(coap::codes::NotFound, path.toString());
  return ok(coap::codes::Deleted);
}

std::vector<Path> DeviceObjects::instancePaths() const {
  std::vector<Path> out;
  for (const auto& [o, instances] : objects_) {
    for (const auto& [i, inst] : instances) out.emplace_back(o, i);
  }
  return out;
}

}  // namespace lwm2m::sim
