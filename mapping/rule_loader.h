#pragma once
// Loading mapping files. Every error names the file, the line and the reason
// ("rules/a.yaml:12: uplink[0].payload: unknown style 'xml' (known: ...)").
// Loading is all-or-nothing: one bad file fails the whole load.

#include <string>
#include <string_view>

#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

// Parses one file's text (YAML; JSON is accepted as YAML). `fileName` is used
// in messages. Object and resource names in rules are checked against `model`.
Result<RuleSet> parseRules(std::string_view text, const std::string& fileName,
                           const model::ObjectModel& model);

// Loads one file, or every *.yaml, *.yml and *.json file of a directory in
// name order (rules keep that order).
Result<RuleSet> loadRules(const std::string& fileOrDirectory, const model::ObjectModel& model);

}  // namespace lwm2m::mapping
