// libFuzzer target: the Range header of a package download and the package
// URLs commands name. A range must lie inside the package; a URL must have a
// host, a numeric port and a target starting with '/'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bridges/http/firmware_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::uint64_t packageSize : {std::uint64_t{1}, std::uint64_t{1000}, std::uint64_t{1} << 40}) {
    if (auto range = lwm2m::bridges::http::parseByteRange(text, packageSize)) {
      if (range->first > range->second || range->second >= packageSize) std::abort();
    }
  }
  if (auto url = lwm2m::bridges::http::parsePackageUrl(text)) {
    if (url->host.empty() || url->port.empty() || url->target.empty() || url->target.front() != '/') std::abort();
  }
  return 0;
}
