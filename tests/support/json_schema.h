#pragma once
// The part of JSON Schema that docs/openapi.json uses (OpenAPI 3.0 schema
// objects), for tests that hold the document's examples and the gateway's real
// answers against it: $ref ("#/components/..."), type (string, integer,
// number, boolean, object, array), nullable, enum, properties, required,
// additionalProperties (false or a schema), items, oneOf (exactly one), minimum
// and maximum. Other keywords (description, format, example) are not checked.

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace lwm2m::testing {

// The value a local reference ("#/components/schemas/Device") points to in
// `root`, or nullptr.
const rapidjson::Value* resolveReference(const rapidjson::Value& root, std::string_view reference);

// `value` itself when it is not a {"$ref": ...}, else what it refers to
// (followed as often as needed), or nullptr when a reference is dangling.
const rapidjson::Value* dereference(const rapidjson::Value& root, const rapidjson::Value& value);

// What is wrong with `value` against `schema` (references resolved in `root`),
// one line each naming the place: "$.values[0].path: expected string, got
// number". Empty when the value conforms.
std::vector<std::string> schemaProblems(const rapidjson::Value& root, const rapidjson::Value& schema,
                                        const rapidjson::Value& value);

// The problems as one text for a test's failure message.
std::string joinProblems(const std::vector<std::string>& problems);

}  // namespace lwm2m::testing
