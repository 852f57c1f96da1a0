#pragma once
// CoRE Link Format (RFC 6690, content format 40) as LwM2M uses it: the
// Register/Update payload and the Discover response.
//   </>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>;ver=1.1,</3303/0/5700>;pmin=10;gt=50

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::formats {

struct LinkAttribute {
  std::string name;
  std::optional<std::string> value;  // unquoted; nullopt for a bare flag like ";obs"
};

struct Link {
  std::string target;  // between < and >, e.g. "/3/0"
  std::vector<LinkAttribute> attributes;

  // The first attribute with this name, or nullptr.
  const LinkAttribute* find(std::string_view name) const;
};

// Parses a whole payload. Whitespace around links and attributes is tolerated,
// as are quoted values containing ',' or ';'. An error names the offset and
// what was expected.
Result<std::vector<Link>> parseLinkFormat(std::string_view payload);

// Renders links; values that are not a plain token are quoted.
std::string encodeLinkFormat(const std::vector<Link>& links);

}  // namespace lwm2m::formats
