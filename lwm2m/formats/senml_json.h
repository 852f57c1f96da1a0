#pragma once
// SenML JSON (110), RFC 8428 with the LwM2M 1.1 extension "vlo" for object
// links. Opaque values travel as "vd", base64url without padding (standard
// base64 is accepted too). Labels ending in '_' (must-understand) that we do
// not know make the payload invalid; other unknown labels are ignored.

#include "lwm2m/formats/senml.h"

namespace lwm2m::formats {

class SenmlJsonCodec : public SenmlCodec {
 protected:
  Result<std::vector<SenmlRecord>> parse(Payload payload) const override;
  Result<Bytes> write(const std::vector<SenmlRecord>& records) const override;
  const char* formatName() const override { return "SenML JSON"; }
};

}  // namespace lwm2m::formats
