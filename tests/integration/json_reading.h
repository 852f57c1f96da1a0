#pragma once
// Reading the JSON the gateway publishes and answers, in integration tests.

#include <rapidjson/document.h>

#include <string>

namespace lwm2m::testing {

// The parsed text; a parse error leaves a document that is not an object.
inline rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

// The string, or "<not a string>" so that a comparison fails readably.
inline std::string str(const rapidjson::Value& v) {
  return v.IsString() ? v.GetString() : "<not a string>";
}

}  // namespace lwm2m::testing
