// libFuzzer target: the CoRE link-format parser and typed attributes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lwm2m/formats/link_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto links = lwm2m::formats::parseLinkFormat(text);
  if (!links) return 0;
  for (const auto& link : *links) (void)lwm2m::formats::parseLwm2mAttributes(link);
  auto again = lwm2m::formats::parseLinkFormat(lwm2m::formats::encodeLinkFormat(*links));
  if (!again || again->size() != links->size()) __builtin_trap();  // encoding must parse back
  return 0;
}
