// libFuzzer target: the OMA DDF XML object-definition parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lwm2m/model/ddf_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto objects = lwm2m::model::parseDdf(xml, "fuzz.xml");
  if (!objects) return 0;
  lwm2m::model::ObjectModel model;
  for (auto& o : *objects) model.add(std::move(o));
  return 0;
}
