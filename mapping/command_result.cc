// Content-format names of commands, and a command's result in the json
// style's reply shape (mapping/command_codec.h).
#include <array>
#include <charconv>
#include <utility>

#include "mapping/command_codec.h"
#include "mapping/device_event.h"
#include "mapping/payload_styles.h"

namespace lwm2m::mapping {
namespace {

constexpr std::array<std::pair<std::string_view, formats::ContentFormat>, 8> kFormats{{
    {"tlv", formats::kTlv},
    {"senml-json", formats::kSenmlJson},
    {"senml-cbor", formats::kSenmlCbor},
    {"lwm2m-json", formats::kLwm2mJson},
    {"lwm2m-cbor", formats::kLwm2mCbor},
    {"text", formats::kText},
    {"opaque", formats::kOpaque},
    {"link-format", formats::kLinkFormat},
}};

}  // namespace

Result<formats::ContentFormat> contentFormatByName(std::string_view name) {
  for (const auto& [key, format] : kFormats) {
    if (key == name) return format;
  }
  unsigned number = 0;
  const char* end = name.data() + name.size();
  auto [last, ec] = std::from_chars(name.data(), end, number);
  if (!name.empty() && ec == std::errc() && last == end && number <= 65535) {
    return static_cast<formats::ContentFormat>(number);
  }
  std::string names;
  for (const auto& [key, format] : kFormats) names += (names.empty() ? "" : ", ") + std::string(key);
  return fail("unknown content format '" + std::string(name) + "' (use " + names + " or a number)");
}

std::string contentFormatKey(formats::ContentFormat format) {
  for (const auto& [key, f] : kFormats) {
    if (f == format) return std::string(key);
  }
  return std::to_string(format);
}

std::string encodeCommandResult(const gateway::api::DeviceEvent& event, const model::ObjectModel& model) {
  return jsonResultPayload(viewOf(event, {}), model);
}

}  // namespace lwm2m::mapping
