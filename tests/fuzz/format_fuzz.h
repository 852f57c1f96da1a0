#pragma once
// Shared body of the content-format fuzz targets: decode the input as a
// response to requests at every path level (known, multiple and unknown
// objects), as a composite and timestamped body where the format supports
// it, and re-encode whatever decodes, decoding that again.

#include <cstddef>
#include <cstdint>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::fuzz {

inline void fuzzFormat(formats::ContentFormat format, const std::uint8_t* data, std::size_t size) {
  static const model::ObjectModel kModel = model::ObjectModel::builtIn();
  const formats::FormatRegistry& registry = formats::FormatRegistry::standard();
  formats::Payload payload(data, size);
  formats::DecodeContext context{kModel, 1700000000};
  static const model::Path kPaths[] = {model::Path(3),          model::Path(3, 0),       model::Path(3, 0, 7),
                                       model::Path(3, 0, 7, 1), model::Path(3, 0, 13),   model::Path(5, 0, 0),
                                       model::Path(42000, 0),   model::Path(42000, 0, 1), model::Path(3303, 0, 5700)};
  for (const model::Path& path : kPaths) {
    auto node = registry.decode(format, payload, path, context);
    if (!node) continue;
    auto bytes = registry.encode(format, *node, path, kModel);
    if (bytes) (void)registry.decode(format, *bytes, path, context);
  }
  if (registry.multiNodeDecoder(format)) {
    auto nodes = registry.decodeNodes(format, payload, nullptr, context);
    if (nodes) {
      auto bytes = registry.encodeNodes(format, *nodes, kModel);
      if (bytes) (void)registry.decodeNodes(format, *bytes, nullptr, context);
    }
    std::vector<model::Path> paths = {model::Path(3, 0), model::Path(1, 0, 1), model::Path(3303)};
    (void)registry.decodeNodes(format, payload, &paths, context);
  }
  if (registry.timestampedDecoder(format)) (void)registry.decodeTimestamped(format, payload, context);
  if (const auto* paths = registry.pathCodec(format)) (void)paths->decodePaths(payload);
}

}  // namespace lwm2m::fuzz
