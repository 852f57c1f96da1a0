#include "lwm2m/model/object_model.h"

#include <charconv>

namespace lwm2m::model {

std::string_view operationsName(Operations operations) {
  switch (operations) {
    case Operations::None: return "";
    case Operations::Read: return "R";
    case Operations::Write: return "W";
    case Operations::ReadWrite: return "RW";
    case Operations::Execute: return "E";
  }
  return "";
}

const ResourceDefinition* ObjectDefinition::resource(ResourceId id) const {
  auto it = resources.find(id);
  return it == resources.end() ? nullptr : &it->second;
}

int compareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    auto take = [](std::string_view& s) {
      unsigned v = 0;
      auto dot = s.find('.');
      std::string_view part = s.substr(0, dot);
      std::from_chars(part.data(), part.data() + part.size(), v);
      s = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
      return v;
    };
    unsigned x = take(a);
    unsigned y = take(b);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

void ObjectModel::add(ObjectDefinition definition) {
  auto& versions = objects_[definition.id];
  std::string version = definition.version;
  auto shared = std::make_shared<const ObjectDefinition>(std::move(definition));
  versions.byVersion[version] = shared;
  if (!versions.preferred || versions.preferred->version == version ||
      compareVersions(versions.preferred->version, version) < 0) {
    versions.preferred = shared;
  }
}

void ObjectModel::prefer(ObjectId id, std::string_view version) {
  auto it = objects_.find(id);
  if (it == objects_.end()) return;
  auto v = it->second.byVersion.find(std::string(version));
  if (v != it->second.byVersion.end()) it->second.preferred = v->second;
}

ObjectModel ObjectModel::forVersions(const std::map<ObjectId, std::string>& versions) const {
  ObjectModel copy = *this;
  for (const auto& [id, version] : versions) copy.prefer(id, version);
  return copy;
}

const ObjectDefinition* ObjectModel::find(ObjectId id) const {
  auto it = objects_.find(id);
  return it == objects_.end() ? nullptr : it->second.preferred.get();
}

const ObjectDefinition* ObjectModel::find(ObjectId id, std::string_view version) const {
  auto it = objects_.find(id);
  if (it == objects_.end()) return nullptr;
  auto v = it->second.byVersion.find(std::string(version));
  return v == it->second.byVersion.end() ? nullptr : v->second.get();
}

const ResourceDefinition* ObjectModel::findResource(ObjectId objectId, ResourceId resourceId) const {
  const ObjectDefinition* object = find(objectId);
  return object ? object->resource(resourceId) : nullptr;
}

std::vector<std::string> ObjectModel::versionsOf(ObjectId id) const {
  std::vector<std::string> out;
  auto it = objects_.find(id);
  if (it == objects_.end()) return out;
  for (const auto& [version, definition] : it->second.byVersion) out.push_back(version);
  return out;
}

std::vector<ObjectId> ObjectModel::objectIds() const {
  std::vector<ObjectId> out;
  for (const auto& [id, versions] : objects_) out.push_back(id);
  return out;
}

size_t ObjectModel::size() const {
  size_t n = 0;
  for (const auto& [id, versions] : objects_) n += versions.byVersion.size();
  return n;
}

}  // namespace lwm2m::model
