#include "lwm2m/formats/format_registry.h"

#include <string>

#include "lwm2m/formats/lwm2m_cbor.h"
#include "lwm2m/formats/lwm2m_json.h"
#include "lwm2m/formats/senml_cbor.h"
#include "lwm2m/formats/senml_json.h"
#include "lwm2m/formats/text.h"
#include "lwm2m/formats/tlv.h"

namespace lwm2m::formats {
namespace {

Error unsupported(ContentFormat format, const char* what) {
  return fail("content format " + std::to_string(format) + " (" + std::string(contentFormatName(format)) +
              ") cannot " + what);
}

}  // namespace

const FormatRegistry& FormatRegistry::standard() {
  static const FormatRegistry kRegistry = [] {
    FormatRegistry r;
    r.add(kText, std::make_shared<const TextCodec>());
    r.add(kOpaque, std::make_shared<const OpaqueCodec>());
    r.add(kTlv, std::make_shared<const TlvCodec>());
    r.add(kLwm2mJson, std::make_shared<const Lwm2mJsonCodec>());
    r.add(kSenmlJson, std::make_shared<const SenmlJsonCodec>());
    r.add(kSenmlCbor, std::make_shared<const SenmlCborCodec>());
    r.add(kLwm2mCbor, std::make_shared<const Lwm2mCborCodec>());
    return r;
  }();
  return kRegistry;
}

const FormatRegistry::Entry* FormatRegistry::entry(ContentFormat format) const {
  auto it = entries_.find(normalizeContentFormat(format));
  return it == entries_.end() ? nullptr : &it->second;
}

const NodeDecoder* FormatRegistry::nodeDecoder(ContentFormat f) const { auto* e = entry(f); return e ? e->decoder : nullptr; }
const NodeEncoder* FormatRegistry::nodeEncoder(ContentFormat f) const { auto* e = entry(f); return e ? e->encoder : nullptr; }
const MultiNodeDecoder* FormatRegistry::multiNodeDecoder(ContentFormat f) const { auto* e = entry(f); return e ? e->multiDecoder : nullptr; }
const MultiNodeEncoder* FormatRegistry::multiNodeEncoder(ContentFormat f) const { auto* e = entry(f); return e ? e->multiEncoder : nullptr; }
const TimestampedDecoder* FormatRegistry::timestampedDecoder(ContentFormat f) const { auto* e = entry(f); return e ? e->timestampedDecoder : nullptr; }
const TimestampedEncoder* FormatRegistry::timestampedEncoder(ContentFormat f) const { auto* e = entry(f); return e ? e->timestampedEncoder : nullptr; }
const PathCodec* FormatRegistry::pathCodec(ContentFormat f) const { auto* e = entry(f); return e ? e->pathCodec : nullptr; }
bool FormatRegistry::supports(ContentFormat f) const { return entry(f) != nullptr; }

Result<model::Node> FormatRegistry::decode(ContentFormat format, Payload payload, const model::Path& path,
                                           const DecodeContext& context) const {
  const NodeDecoder* d = nodeDecoder(format);
  if (!d) return unsupported(format, "be decoded");
  return d->decode(payload, path, context);
}

Result<Bytes> FormatRegistry::encode(ContentFormat format, const model::Node& node, const model::Path& path,
                                     const model::ObjectModel& model) const {
  const NodeEncoder* e = nodeEncoder(format);
  if (!e) return unsupported(format, "be encoded");
  return e->encode(node, path, model);
}

Result<model::NodesByPath> FormatRegistry::decodeNodes(ContentFormat format, Payload payload,
                                                       const std::vector<model::Path>* paths,
                                                       const DecodeContext& context) const {
  const MultiNodeDecoder* d = multiNodeDecoder(format);
  if (!d) return unsupported(format, "carry several paths");
  return d->decodeNodes(payload, paths, context);
}

Result<Bytes> FormatRegistry::encodeNodes(ContentFormat format, const model::NodesByPath& nodes,
                                          const model::ObjectModel& model) const {
  const MultiNodeEncoder* e = multiNodeEncoder(format);
  if (!e) return unsupported(format, "carry several paths");
  return e->encodeNodes(nodes, model);
}

Result<std::vector<model::TimestampedNodes>> FormatRegistry::decodeTimestamped(ContentFormat format, Payload payload,
                                                                               const DecodeContext& context) const {
  const TimestampedDecoder* d = timestampedDecoder(format);
  if (!d) return unsupported(format, "carry timestamped values");
  return d->decodeTimestamped(payload, context);
}

}  // namespace lwm2m::formats
