#pragma once
// SenML CBOR (112), RFC 8428 section 6: records are maps with integer labels
// (bn -2, bt -3, bv -5, n 0, v 2, vs 3, vb 4, t 6, vd 8) plus the LwM2M text
// label "vlo" for object links. Opaque values are byte strings.

#include "lwm2m/formats/senml.h"

namespace lwm2m::formats {

class SenmlCborCodec : public SenmlCodec {
 protected:
  Result<std::vector<SenmlRecord>> parse(Payload payload) const override;
  Result<Bytes> write(const std::vector<SenmlRecord>& records) const override;
  const char* formatName() const override { return "SenML CBOR"; }
};

}  // namespace lwm2m::formats
