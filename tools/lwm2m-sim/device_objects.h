#pragma once
// The objects a simulated device exposes, as LwM2M node trees: Server (1),
// Device (3), Firmware Update (5), Temperature (3303), Light Control
// (3311, multi-instance, writable, creatable) and optionally the vendor
// object of tools/lwm2m-sim/vendor_object.h (creatable too). Which instances exist follows
// the object links the device announces. Values change over time like a real
// device's (current time, temperature); writes, creates, deletes and the
// firmware update state machine change them too.
//
// Operations answer with the CoAP code a device would send.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/coap/message.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"

namespace lwm2m::sim {

struct Outcome {
  coap::Code code;
  std::string diagnostic;
};

class DeviceObjects {
 public:
  // `links`: "/3/0", "/3303/1", ... — unknown objects are announced but empty.
  // `vendorObject`: the id of the vendor object, if the device has one.
  DeviceObjects(std::string endpoint, std::uint32_t seed, const std::vector<std::string>& links,
                std::optional<model::ObjectId> vendorObject = std::nullopt);

  // The definitions the device implements: the built-in ones and its vendor object.
  const model::ObjectModel& model() const { return *model_; }

  // Refreshes values that change with time (Current Time, temperatures).
  void tick(std::int64_t unixSeconds);

  // The node at `path` (object, instance, resource or resource instance).
  Result<model::Node> read(const model::Path& path) const;
  bool exists(const model::Path& path) const;
  // Write on an instance (replace = PUT: writable resources not given are
  // removed) or on a resource / resource instance.
  Outcome write(const model::Path& path, const model::Node& node, bool replace);
  Outcome execute(const model::Path& path, const std::string& arguments);
  // Creates the instances of `object` (an Object node). The created path, or an error.
  Outcome create(const model::Object& object, model::Path& created);
  Outcome remove(const model::Path& path);

  // Firmware update: true while an Update runs; finishUpdate() completes it.
  bool updating() const;
  void finishUpdate();
  // Pull mode: the download's State (/5/x/3) and Update Result (/5/x/5).
  void setFirmwareState(model::InstanceId instance, std::int64_t state, std::int64_t result);

  std::vector<model::Path> instancePaths() const;

 private:
  using Instance = std::map<model::ResourceId, model::Resource>;
  void addInstance(model::ObjectId object, model::InstanceId instance);
  void set(model::ObjectId o, model::InstanceId i, model::Resource r);
  const Instance* instance(model::ObjectId o, model::InstanceId i) const;
  Instance* mutableInstance(model::ObjectId o, model::InstanceId i);
  double temperatureAt(std::int64_t unixSeconds, model::InstanceId instance) const;

  bool writable(model::ObjectId o, model::ResourceId r) const;
  bool executable(model::ObjectId o, model::ResourceId r) const;
  bool creatable(model::ObjectId o) const { return o == 3311 || (vendor_ && o == *vendor_); }
  void addVendorInstance(model::ObjectId o, model::InstanceId i);

  std::string endpoint_;
  std::uint32_t seed_;
  std::optional<model::ObjectId> vendor_;
  std::shared_ptr<const model::ObjectModel> model_;
  std::int64_t now_ = 0;  // the time of the last tick
  std::map<model::ObjectId, std::map<model::InstanceId, Instance>> objects_;
  std::string firmwareVersion_ = "1.0.0";
};

}  // namespace lwm2m::sim
