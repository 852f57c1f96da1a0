#include "lwm2m/formats/content_format.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace lwm2m::formats {
namespace {

bool atLeast11(std::string_view version) {
  return !version.empty() && version != "1.0" && version.substr(0, 4) != "1.0.";
}

bool contains(const std::vector<ContentFormat>& list, ContentFormat f) {
  return std::find(list.begin(), list.end(), f) != list.end();
}

}  // namespace

ContentFormat normalizeContentFormat(ContentFormat format) {
  if (format == kLegacyTlv) return kTlv;
  if (format == kLegacyJson) return kLwm2mJson;
  return format;
}

std::string_view contentFormatName(ContentFormat format) {
  switch (normalizeContentFormat(format)) {
    case kText: return "text/plain";
    case kLinkFormat: return "CoRE link format";
    case kOpaque: return "octet-stream";
    case kSenmlJson: return "SenML JSON";
    case kSenmlCbor: return "SenML CBOR";
    case kTlv: return "LwM2M TLV";
    case kLwm2mJson: return "LwM2M JSON";
    case kLwm2mCbor: return "LwM2M CBOR";
    default: return "unknown";
  }
}

ContentFormat preferredContentFormat(std::string_view lwm2mVersion, const std::vector<ContentFormat>& advertised) {
  if (!atLeast11(lwm2mVersion)) return kTlv;
  for (ContentFormat f : advertised) {
    ContentFormat n = normalizeContentFormat(f);
    if (n == kSenmlCbor || n == kSenmlJson || n == kTlv || n == kLwm2mJson) return n;
    if (n == kLwm2mCbor && lwm2mVersion != "1.1") return n;
  }
  // 1.1 deprecates TLV on the client side and asks for SenML CBOR or JSON.
  return kSenmlCbor;
}

ContentFormat typedContentFormat(std::string_view lwm2mVersion, const std::vector<ContentFormat>& advertised) {
  const bool v11 = atLeast11(lwm2mVersion);
  for (ContentFormat f : advertised) {
    const ContentFormat n = normalizeContentFormat(f);
    if (v11 && (n == kSenmlCbor || n == kSenmlJson)) return n;
    if (v11 && n == kLwm2mCbor && lwm2mVersion != "1.1") return n;
    if (n == kLwm2mJson) return n;
  }
  return v11 ? kSenmlCbor : kTlv;
}

std::optional<ContentFormat> compositeContentFormat(std::string_view lwm2mVersion,
                                                    const std::vector<ContentFormat>& advertised) {
  if (!atLeast11(lwm2mVersion)) return std::nullopt;
  for (ContentFormat f : advertised) {
    if (f == kSenmlCbor || f == kSenmlJson) return f;
  }
  if (contains(advertised, kLwm2mCbor) && lwm2mVersion != "1.1") return kLwm2mCbor;
  return kSenmlCbor;
}

std::vector<ContentFormat> parseContentFormatList(std::string_view ct) {
  std::vector<ContentFormat> out;
  size_t pos = 0;
  while (pos < ct.size()) {
    while (pos < ct.size() && (ct[pos] == ' ' || ct[pos] == '"')) ++pos;
    size_t end = pos;
    while (end < ct.size() && ct[end] != ' ' && ct[end] != '"') ++end;
    unsigned v = 0;
    auto [p, ec] = std::from_chars(ct.data() + pos, ct.data() + end, v);
    if (end > pos && ec == std::errc() && p == ct.data() + end && v <= 65535) {
      out.push_back(static_cast<ContentFormat>(v));
    }
    pos = end;
  }
  return out;
}

}  // namespace lwm2m::formats
