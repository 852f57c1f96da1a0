#pragma once
// The simulator's configurable vendor object (--custom-object ID): an object
// no LwM2M registry defines, as almost every industrial device has one. Its
// resources cover every kind a server must handle without a model:
//
//   0 Label        String            RW
//   1 Counter      Integer           R    (counts up with time; 5 resets it)
//   2 Setpoint     Float             RW
//   3 Enabled      Boolean           RW
//   4 Blob         Opaque            RW
//   5 Reset        (executable)      E
//   6 Levels       Integer, multiple RW
//   7 Last Reset   Time              R
//   8 Serial       Unsigned Integer  R
//
// Multiple instances; Create and Delete of instances are allowed. The
// definition is its own OMA DDF text (vendorObjectDdf), so the file the
// simulator writes (--write-ddf) is exactly what the device implements.

#include <string>

#include "lwm2m/model/object_model.h"

namespace lwm2m::sim {

// The OMA DDF XML of the vendor object with this id.
std::string vendorObjectDdf(model::ObjectId id);
// Its definition, read from that text.
model::ObjectDefinition vendorObject(model::ObjectId id);

}  // namespace lwm2m::sim
