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

// What counts as a mistake beyond the syntax and the fields: an editor's
// half-written save (an empty file, a file cut short) must not replace good
// rules with none.
struct LoadPolicy {
  // false: an empty file (nothing but blanks and comments) is refused with
  // "file:1"; a file without rules on purpose says so with an empty section
  // ("uplink: []"). true: it loads as no rules (mapping.allow_empty).
  bool allowEmpty = false;
};

// Parses one file's text (YAML; JSON is accepted as YAML). `fileName` is used
// in messages. Object and resource names in rules are checked against `model`.
Result<RuleSet> parseRules(std::string_view text, const std::string& fileName,
                           const model::ObjectModel& model, const LoadPolicy& policy = {});

// Loads one file, or every *.yaml, *.yml and *.json file of a directory in
// name order (rules keep that order).
Result<RuleSet> loadRules(const std::string& fileOrDirectory, const model::ObjectModel& model,
                          const LoadPolicy& policy = {});

// Whether `next` may replace `current` on a reload: a kind of rule (uplink,
// observe, downlink, http) that had rules and has none now is refused, unless
// a file wrote that section as an empty list or policy.allowEmpty. The error
// names the first file of `next` at line 1, what went missing and how to
// remove a kind on purpose.
Result<void> checkReplacement(const RuleSet& current, const RuleSet& next, const LoadPolicy& policy);

}  // namespace lwm2m::mapping
