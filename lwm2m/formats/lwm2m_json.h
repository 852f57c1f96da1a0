#pragma once
// OMA LwM2M JSON (11543, legacy 1543), the LwM2M 1.0 JSON format:
//   {"bn":"/3/0/","bt":1700000000,"e":[{"n":"0","sv":"ACME"},{"n":"7/0","v":3800,"t":-5}]}
// The name of an entry is bn + n (a '/' is inserted when neither side has
// one); values are v (number), sv (string; Opaque as base64 when the model
// says Opaque), bv (boolean), ov (object link "o:i"). Times: bt + t, and a
// result of zero or below is relative to now. Unlike SenML, bn and bt are
// properties of the whole payload, not carried from entry to entry.

#include "lwm2m/formats/node_codec.h"

namespace lwm2m::formats {

class Lwm2mJsonCodec : public NodeDecoder, public NodeEncoder, public TimestampedDecoder {
 public:
  Result<model::Node> decode(Payload payload, const model::Path& path,
                             const DecodeContext& context) const override;
  Result<Bytes> encode(const model::Node& node, const model::Path& path,
                       const model::ObjectModel& model) const override;
  Result<std::vector<model::TimestampedNodes>> decodeTimestamped(Payload payload,
                                                                 const DecodeContext& context) const override;
};

}  // namespace lwm2m::formats
