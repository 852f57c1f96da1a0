// libFuzzer target: the senml_json content-format decoder.
#include "tests/fuzz/format_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lwm2m::fuzz::fuzzFormat(lwm2m::formats::kSenmlJson, data, size);
  return 0;
}
