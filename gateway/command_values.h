#pragma once
// Values in the gateway's JSON commands, typed by the object model.
//
// A value is given as JSON the way a person writes it: a string, a number or
// a boolean, read as the LwM2M text (plain) format of the resource's type
// (Opaque as base64, Time as seconds, Objlnk as "3:0", Boolean as true/false
// or 1/0). A multiple resource takes an object keyed by resource instance id:
// {"0": 3800, "1": 5000}. An object instance takes an object keyed by
// resource id: {"1": 60, "7": "U"}.
//
// Every error names the path and what was wrong: "/3/0/13: resource is not in
// the object model", "/1/0/1: \"x\" is not an Integer".

#include <rapidjson/document.h>

#include "lwm2m/model/node.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway {

// The value of one resource (/o/i/r) or resource instance (/o/i/r/ri).
Result<model::Node> typedResourceValue(const model::Path& path, const rapidjson::Value& json,
                                       const model::ObjectModel& model);

// An object instance's resources, keyed by resource id ("5750" or "/3303/0/5750").
Result<model::ObjectInstance> typedInstance(model::ObjectId object, model::InstanceId instance,
                                            const rapidjson::Value& json, const model::ObjectModel& model);

// The nodes of a Write-Composite: keys are resource or resource-instance paths.
Result<model::NodesByPath> typedComposite(const rapidjson::Value& json, const model::ObjectModel& model);

}  // namespace lwm2m::gateway
