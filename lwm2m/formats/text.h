#pragma once
// text/plain (0) and application/octet-stream (42): one value of a single
// resource or resource instance. Neither carries types: text values are typed
// by the object model (Opaque as base64, Objlnk as "o:i", Boolean as 0/1);
// an unknown resource's text is a String (Opaque raw bytes when it is not
// UTF-8). Opaque payloads carry the raw bytes of an Opaque (or unknown)
// resource.

#include "lwm2m/formats/node_codec.h"

namespace lwm2m::formats {

class TextCodec : public NodeDecoder, public NodeEncoder {
 public:
  Result<model::Node> decode(Payload payload, const model::Path& path,
                             const DecodeContext& context) const override;
  Result<Bytes> encode(const model::Node& node, const model::Path& path,
                       const model::ObjectModel& model) const override;
};

class OpaqueCodec : public NodeDecoder, public NodeEncoder {
 public:
  Result<model::Node> decode(Payload payload, const model::Path& path,
                             const DecodeContext& context) const override;
  Result<Bytes> encode(const model::Node& node, const model::Path& path,
                       const model::ObjectModel& model) const override;
};

}  // namespace lwm2m::formats
