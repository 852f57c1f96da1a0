// libFuzzer target: the lwm2m_cbor content-format decoder.
#include "tests/fuzz/format_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lwm2m::fuzz::fuzzFormat(lwm2m::formats::kLwm2mCbor, data, size);
  return 0;
}
