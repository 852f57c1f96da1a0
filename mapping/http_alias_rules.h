#pragma once
// Internal to the rule loader: the `http:` section of a rule file (HTTP
// aliases, see HttpAlias in rule_set.h). Errors carry "file:line: http[i].key: reason".

#include <string_view>
#include <vector>

#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"
#include "mapping/rule_fields.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

Result<HttpAlias> parseHttpAlias(const FieldReader& in, const model::ObjectModel& model);

// Checks the enabled aliases of every loaded file together: no two answer the
// same method and path (a path both could match, e.g. /a/{x} and /a/b), and
// none takes a path of a built-in route (rest_routes.h), whatever the methods:
// the REST API answers those paths itself.
Result<void> checkHttpRoutes(const std::vector<HttpAlias>& aliases);

// True when an alias with `method` may perform `operation`: GET only reads
// (read, discover, read-composite); DELETE only deletes or cancels an
// observation; PUT replaces (write, write-attributes, write-composite); PATCH
// updates (write-update, write-attributes, write-composite); POST does anything.
bool methodFits(std::string_view method, Operation operation);

}  // namespace lwm2m::mapping
