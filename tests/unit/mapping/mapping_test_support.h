#pragma once
// Helpers for the mapping tests: the built-in object model, rule sets from
// YAML text, events, and JSON inspection of payloads.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "lwm2m/model/object_model.h"
#include "mapping/device_event.h"
#include "mapping/rule_loader.h"

namespace lwm2m::mapping::testing {

inline const model::ObjectModel& testModel() {
  static const model::ObjectModel kModel = model::ObjectModel::builtIn();
  return kModel;
}

inline RuleSet rulesFrom(const std::string& yaml) {
  auto rules = parseRules(yaml, "test.yaml", testModel());
  EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
  return rules.ok() ? *rules : RuleSet();
}

inline std::string loadError(const std::string& yaml) {
  auto rules = parseRules(yaml, "rules.yaml", testModel());
  return rules.ok() ? "(loaded)" : rules.error().message;
}

inline model::Path path(const char* text) { return *model::Path::parse(text); }

inline DeviceEvent notification(const std::string& endpoint, std::vector<Record> values) {
  DeviceEvent e;
  e.kind = DeviceEventKind::Notification;
  e.endpoint = endpoint;
  e.gateway = "edge-1";
  e.timestamp = 1700000000;
  e.values = std::move(values);
  return e;
}

inline DeviceEvent registered(const std::string& endpoint, std::vector<const char*> links,
                              std::string version = "1.1") {
  DeviceEvent e;
  e.kind = DeviceEventKind::Registered;
  e.endpoint = endpoint;
  e.gateway = "edge-1";
  e.timestamp = 1700000000;
  e.registration.lifetimeSeconds = 300;
  e.registration.lwm2mVersion = std::move(version);
  e.registration.binding = "U";
  for (const char* link : links) e.registration.objectLinks.push_back(path(link));
  return e;
}

inline rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

inline std::string str(const rapidjson::Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : std::string("(not a string)");
}

// The values of a decoded command's request, flattened in path order.
inline std::vector<model::Record> valuesOf(const Command& c) {
  std::vector<model::Record> out;
  if (c.request.node) model::appendRecords(*c.request.node, c.request.path, std::nullopt, out);
  for (const auto& [p, node] : c.request.nodes) model::appendRecords(node, p, std::nullopt, out);
  return out;
}

}  // namespace lwm2m::mapping::testing
