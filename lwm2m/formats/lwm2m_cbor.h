#pragma once
// LwM2M CBOR (11544, LwM2M 1.2): nested CBOR maps keyed by path ids. A key is
// one id (unsigned integer) or several at once (an array of ids); a value is a
// deeper map or a resource value:
//   {[3, 0]: {0: "Open Mobile Alliance", 7: {0: 3800, 1: 5000}}}
// Values: integers, floats, booleans, text (String, Corelnk, Objlnk "o:i"),
// byte strings (Opaque); Time as an integer, optionally with tag 1. Typed by
// the object model where known. Supports composite bodies (several paths).

#include "lwm2m/formats/node_codec.h"

namespace lwm2m::formats {

class Lwm2mCborCodec : public NodeDecoder, public NodeEncoder, public MultiNodeDecoder, public MultiNodeEncoder {
 public:
  Result<model::Node> decode(Payload payload, const model::Path& path,
                             const DecodeContext& context) const override;
  Result<Bytes> encode(const model::Node& node, const model::Path& path,
                       const model::ObjectModel& model) const override;
  Result<model::NodesByPath> decodeNodes(Payload payload, const std::vector<model::Path>* paths,
                                         const DecodeContext& context) const override;
  Result<Bytes> encodeNodes(const model::NodesByPath& nodes, const model::ObjectModel& model) const override;
};

}  // namespace lwm2m::formats
