#pragma once
// Reading the JSON the gateway publishes and answers, in integration tests.

#include <rapidjson/document.h>

#include <chrono>
#include <optional>
#include <string>

#include "tests/support/mosquitto.h"

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

// The next message on `topic` within 15 s, others skipped; its payload parsed.
inline std::optional<rapidjson::Document> nextJsonOn(MqttSubscriber& sub, const std::string& topic) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = sub.next(std::chrono::seconds(15));
    if (!m) return std::nullopt;
    if (m->first == topic) return parse(m->second);
  }
  return std::nullopt;
}

}  // namespace lwm2m::testing
