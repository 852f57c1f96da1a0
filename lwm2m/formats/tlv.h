#pragma once
// LwM2M TLV (11542, legacy 1542). No types on the wire: values are typed by
// the object model, and values of unknown resources are kept as Opaque raw
// bytes. Accepted variations seen from real clients: integers of 1, 2, 4 or
// 8 bytes; floats of 4 or 8; a single-instance object's resources without the
// object-instance wrapper; a resource wrapped in an object-instance TLV; a
// multiple resource as a multiple-resource TLV with 0 or 1 instances, or as
// bare resource-instance TLVs.
// Encoding: minimal integer width (unsigned values stay non-negative when read
// as signed), 4-byte floats when exact, else 8; an object instance's resources
// without a wrapper; objects as object-instance TLVs.

#include "lwm2m/formats/node_codec.h"

namespace lwm2m::formats {

class TlvCodec : public NodeDecoder, public NodeEncoder {
 public:
  Result<model::Node> decode(Payload payload, const model::Path& path,
                             const DecodeContext& context) const override;
  Result<Bytes> encode(const model::Node& node, const model::Path& path,
                       const model::ObjectModel& model) const override;
};

}  // namespace lwm2m::formats
