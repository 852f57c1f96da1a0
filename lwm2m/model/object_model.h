#pragma once
// ObjectModel: the object definitions a server knows: the built-in OMA core
// objects and IPSO smart objects, plus any OMA DDF XML files loaded at start.
// Several versions of one object may be held ("1.0", "1.1"); find() without a
// version returns the preferred one (the newest unless prefer() chose one).
// Definitions are shared, immutable, and cheap to copy with the model.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/model/path.h"
#include "lwm2m/model/value.h"
#include "lwm2m/result.h"

namespace lwm2m::model {

enum class Operations : std::uint8_t { None, Read, Write, ReadWrite, Execute };
// As a DDF writes them: "", "R", "W", "RW", "E".
std::string_view operationsName(Operations operations);

struct ResourceDefinition {
  ResourceId id = 0;
  std::string name;
  Operations operations = Operations::None;
  bool multiple = false;
  bool mandatory = false;
  DataType type = DataType::None;
  std::string rangeEnumeration;
  std::string units;
  std::string description;
};

struct ObjectDefinition {
  ObjectId id = 0;
  std::string name;
  std::string version = "1.0";       // the object's own version
  std::string lwm2mVersion = "1.0";  // the LwM2M version it targets
  std::string urn;                   // urn:oma:lwm2m:oma:3:1.1
  bool multipleInstances = false;
  bool mandatory = false;
  std::string description;
  std::map<ResourceId, ResourceDefinition> resources;
  std::string source;  // the DDF file it was read from; empty for a built-in definition
  unsigned line = 0;   // the line of its <Object> element in `source`

  const ResourceDefinition* resource(ResourceId id) const;
};

class ObjectModel {
 public:
  ObjectModel() = default;
  // The built-in OMA core objects (0-7, 9-11, 13, 14, 21) and IPSO objects.
  static ObjectModel builtIn();

  // Adds or replaces the definition with the same id and version.
  void add(ObjectDefinition definition);
  // Chooses the version find(id) returns, when that version is known.
  void prefer(ObjectId id, std::string_view version);
  // A copy of this model whose preferred versions follow what a client
  // advertised (`ver=` per object id); unknown versions fall back.
  ObjectModel forVersions(const std::map<ObjectId, std::string>& versions) const;

  const ObjectDefinition* find(ObjectId id) const;
  const ObjectDefinition* find(ObjectId id, std::string_view version) const;
  const ResourceDefinition* findResource(ObjectId objectId, ResourceId resourceId) const;
  std::vector<std::string> versionsOf(ObjectId id) const;
  std::vector<ObjectId> objectIds() const;
  size_t size() const;  // number of (object, version) definitions

 private:
  struct Versions {
    std::map<std::string, std::shared_ptr<const ObjectDefinition>> byVersion;
    std::shared_ptr<const ObjectDefinition> preferred;
  };
  std::map<ObjectId, Versions> objects_;
};

// Orders versions numerically: "1.10" > "1.2" > "1.1" > "1.0" > "1".
int compareVersions(std::string_view a, std::string_view b);

}  // namespace lwm2m::model
