#pragma once
// The two pieces of outside text the firmware routes read themselves, apart
// from Beast so that they are fuzzed alone (tests/fuzz/firmware_text_fuzz.cc):
// an HTTP Range header of a package download, and a package URL a command
// names.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "lwm2m/result.h"

namespace lwm2m::bridges::http {

// "bytes=a-b", "bytes=a-", "bytes=-n" of a `size`-byte package: the first and
// last byte; nullopt when unsatisfiable or malformed (several ranges included).
std::optional<std::pair<std::uint64_t, std::uint64_t>> parseByteRange(std::string_view header, std::uint64_t size);

struct PackageUrl {
  bool tls = false;      // https
  std::string host;      // without brackets
  std::string port;      // "80" / "443" unless given
  std::string target;    // "/path?query", "/" when none
};

// http://HOST[:PORT][/PATH] or https://…, IPv6 hosts in brackets; no user info.
Result<PackageUrl> parsePackageUrl(std::string_view url);

}  // namespace lwm2m::bridges::http
