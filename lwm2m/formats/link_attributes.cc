// Typed LwM2M attributes of CoRE links (see link_format.h).
#include <charconv>
#include <cmath>

#include "lwm2m/formats/link_format.h"

namespace lwm2m::formats {
namespace {

template <class T>
bool parseAttributeNumber(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool isVersion(std::string_view v) {
  auto dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size()) return false;
  for (size_t k = 0; k < v.size(); ++k) {
    if (k != dot && (v[k] < '0' || v[k] > '9')) return false;
  }
  return true;
}

}  // namespace

Result<Lwm2mAttributes> parseLwm2mAttributes(const Link& link) {
  Lwm2mAttributes out;
  for (const LinkAttribute& a : link.attributes) {
    auto bad = [&](const char* expected) {
      return fail("link <" + link.target + ">: attribute " + a.name + "=" + a.value.value_or("") + " is not " + expected);
    };
    const std::string& name = a.name;
    std::string value = a.value.value_or("");
    auto seconds = [&](std::optional<std::uint32_t>& field) -> Result<void> {
      std::uint32_t v = 0;
      if (!parseAttributeNumber(value, v)) return bad("a number of seconds");
      field = v;
      return {};
    };
    auto real = [&](std::optional<double>& field) -> Result<void> {
      double v = 0;
      if (!parseAttributeNumber(value, v) || !std::isfinite(v)) return bad("a number");
      field = v;
      return {};
    };
    Result<void> ok;
    if (name == "ver") {
      if (!isVersion(value)) return bad("a version MAJOR.MINOR");
      out.version = value;
    } else if (name == "ct") {
      size_t pos = 0;
      while (pos < value.size()) {
        size_t end = value.find(' ', pos);
        if (end == std::string::npos) end = value.size();
        if (end > pos) {
          std::uint16_t f = 0;
          if (!parseAttributeNumber(std::string_view(value).substr(pos, end - pos), f)) return bad("a content-format list");
          out.contentFormats.push_back(f);
        }
        pos = end + 1;
      }
      if (out.contentFormats.empty()) return bad("a content-format list");
    } else if (name == "rt") {
      out.resourceType = value;
    } else if (name == "uri") {
      out.uri = value;
    } else if (name == "dim") {
      ok = seconds(out.dimension);
      if (!ok) return bad("a number of instances");
    } else if (name == "ssid") {
      std::uint16_t v = 0;
      if (!parseAttributeNumber(value, v)) return bad("a short server id");
      out.shortServerId = v;
    } else if (name == "pmin") {
      ok = seconds(out.minPeriod);
    } else if (name == "pmax") {
      ok = seconds(out.maxPeriod);
    } else if (name == "epmin") {
      ok = seconds(out.minEvalPeriod);
    } else if (name == "epmax") {
      ok = seconds(out.maxEvalPeriod);
    } else if (name == "gt") {
      ok = real(out.greaterThan);
    } else if (name == "lt") {
      ok = real(out.lessThan);
    } else if (name == "st") {
      ok = real(out.step);
    }
    if (!ok) return ok.error();
  }
  return out;
}

}  // namespace lwm2m::formats
