#pragma once
// Internal: LwM2M values to and from JSON and text, typed by the
// ObjectModel. Shared by the uplink payload styles and the command decoders.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "lwm2m/model/object_model.h"
#include "lwm2m/model/path.h"
#include "lwm2m/model/value.h"
#include "lwm2m/result.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

enum class OpaqueText { Base64, Hex };

// Numbers as JSON numbers, booleans as booleans, Opaque as base64 (or hex),
// Objlnk as "o:i", everything else as a string.
void writeJsonValue(JsonWriter& out, const model::Value& value, OpaqueText opaque = OpaqueText::Base64);
void writeString(JsonWriter& out, std::string_view text);

// Applies a rule's numeric transform; non-numeric values pass unchanged.
// A transformed value becomes Float unless rounding to 0 decimals keeps it whole.
model::Value applyTransform(const model::Value& value, const Transform& transform);

// The type a value for `path` takes when the object model does not know its
// resource: the command's "type" (`declared`, a DDF type name such as
// "Integer" or "Unsigned Integer"), else inferred from the JSON value: whole
// numbers Integer (Unsigned Integer above 2^63-1), other numbers Float,
// true/false Boolean, text String. The error names the path.
Result<model::DataType> typeOfUnknown(const model::Path& path, const rapidjson::Value& json,
                                      const rapidjson::Value* declared);
// The same for a bare text value (the value payload style): a whole number
// is Integer, another number Float, "true"/"false" Boolean, anything else String.
model::DataType typeOfUnknownText(std::string_view text);

// A JSON value as the declared type: numbers or numeric strings for numeric
// types, true/false (or "true"/"false", 0/1) for Boolean, base64 or hex
// text for Opaque, "o:i" for Objlnk. The error names the path and the type.
Result<model::Value> valueFromJson(const rapidjson::Value& json, const model::Path& path, model::DataType type,
                                   OpaqueText opaque);
// A text value (a bare MQTT payload) as the declared type.
Result<model::Value> valueFromText(std::string_view text, const model::Path& path, model::DataType type,
                                   OpaqueText opaque);

// Compact JSON text of a RapidJSON value.
std::string toJsonText(const rapidjson::Value& value);

}  // namespace lwm2m::mapping
