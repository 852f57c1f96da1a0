#pragma once
// CoRE Link Format (RFC 6690, content format 40) as LwM2M uses it: the
// Register/Update payload and the Discover response.
//   </>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>;ver=1.1,</3303/0/5700>;pmin=10;gt=50

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::formats {

struct LinkAttribute {
  std::string name;
  std::optional<std::string> value;  // unquoted; nullopt for a bare flag like ";obs"

  friend bool operator==(const LinkAttribute&, const LinkAttribute&) = default;
};

struct Link {
  std::string target;  // between < and >, e.g. "/3/0"
  std::vector<LinkAttribute> attributes;

  // The first attribute with this name, or nullptr.
  const LinkAttribute* find(std::string_view name) const;

  friend bool operator==(const Link&, const Link&) = default;
};

// Parses a whole payload. Whitespace around links and attributes is tolerated,
// as are quoted values containing ',' or ';'. An error names the offset and
// what was expected.
Result<std::vector<Link>> parseLinkFormat(std::string_view payload);

// Renders links; values that are not a plain token are quoted.
std::string encodeLinkFormat(const std::vector<Link>& links);

// The LwM2M attributes of one link, typed. Attributes LwM2M does not define
// stay available through Link::attributes.
struct Lwm2mAttributes {
  std::optional<std::string> version;          // ver (object version, "1.1")
  std::vector<std::uint16_t> contentFormats;   // ct (one or a quoted list)
  std::optional<std::string> resourceType;     // rt
  std::optional<std::uint32_t> dimension;      // dim (number of resource instances)
  std::optional<std::uint32_t> minPeriod;      // pmin, seconds
  std::optional<std::uint32_t> maxPeriod;      // pmax, seconds
  std::optional<double> greaterThan;           // gt
  std::optional<double> lessThan;              // lt
  std::optional<double> step;                  // st
  std::optional<std::uint32_t> minEvalPeriod;  // epmin, seconds
  std::optional<std::uint32_t> maxEvalPeriod;  // epmax, seconds
  std::optional<std::uint16_t> shortServerId;  // ssid (bootstrap discover)
  std::optional<std::string> uri;              // uri (bootstrap discover)
};

// Reads the LwM2M attributes of a link. A malformed value (e.g. pmin=abc,
// ver=1, ct=70000) is an error naming the attribute and the link target.
Result<Lwm2mAttributes> parseLwm2mAttributes(const Link& link);

}  // namespace lwm2m::formats
