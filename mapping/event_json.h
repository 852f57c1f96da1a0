#pragma once
// The JSON of one gateway event in the mapping's `event` payload style, with
// every value the event carries and no transform: the body the HTTP event
// stream (data: of GET /api/v1/events) and webhooks send, and the payload of
// MQTT rules with `payload: event`, so a client reads one shape everywhere.
//
//   {"event":"notification","endpoint":"sim-0001","gateway":"edge-1","timestamp":1765000000.123,
//    "values":[{"path":"/3303/0/5700","value":21.5}]}
//   {"event":"registered","endpoint":"sim-0001","gateway":"edge-1","timestamp":...,
//    "registrationId":"a1","address":"127.0.0.1:40000","lifetime":300,"lwm2m":"1.1",
//    "binding":"U","queueMode":false,"objects":["/1/0","/3/0","/3303/0"]}
//   {"event":"response","endpoint":...,"requestId":"...","operation":"read","path":"/3/0/0",
//    "code":"2.05","status":"content","values":[...]}

#include <string>
#include <vector>

#include "lwm2m/model/object_model.h"
#include "lwm2m/model/path.h"
#include "mapping/device_event.h"

namespace lwm2m::mapping {

std::string eventJson(const DeviceEvent& event, const model::ObjectModel& model);

// The LwM2M paths an event is about: the command's or observation's path and
// the path of every value, without repeats; empty for registration and
// presence events. What an event stream's `path` filter looks at.
std::vector<model::Path> eventPaths(const DeviceEvent& event);

}  // namespace lwm2m::mapping
