#pragma once
// FormatRegistry: every supported content format's codecs, keyed by
// content-format number (legacy 1542/1543 map to TLV/JSON). The convenience
// functions fail with a clear error when a format lacks a capability.

#include <map>
#include <memory>
#include <type_traits>

#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/node_codec.h"

namespace lwm2m::formats {

class FormatRegistry {
 public:
  // Text, opaque, TLV, OMA JSON, SenML JSON, SenML CBOR, LwM2M CBOR.
  static const FormatRegistry& standard();

  // nullptr when the format lacks the capability or is unknown.
  const NodeDecoder* nodeDecoder(ContentFormat format) const;
  const NodeEncoder* nodeEncoder(ContentFormat format) const;
  const MultiNodeDecoder* multiNodeDecoder(ContentFormat format) const;
  const MultiNodeEncoder* multiNodeEncoder(ContentFormat format) const;
  const TimestampedDecoder* timestampedDecoder(ContentFormat format) const;
  const TimestampedEncoder* timestampedEncoder(ContentFormat format) const;
  const PathCodec* pathCodec(ContentFormat format) const;
  bool supports(ContentFormat format) const;

  Result<model::Node> decode(ContentFormat format, Payload payload, const model::Path& path,
                             const DecodeContext& context) const;
  Result<Bytes> encode(ContentFormat format, const model::Node& node, const model::Path& path,
                       const model::ObjectModel& model) const;
  Result<model::NodesByPath> decodeNodes(ContentFormat format, Payload payload,
                                         const std::vector<model::Path>* paths,
                                         const DecodeContext& context) const;
  Result<Bytes> encodeNodes(ContentFormat format, const model::NodesByPath& nodes,
                            const model::ObjectModel& model) const;
  Result<std::vector<model::TimestampedNodes>> decodeTimestamped(ContentFormat format, Payload payload,
                                                                 const DecodeContext& context) const;

  // Registers a codec object under a format; every interface it implements
  // becomes available. Replaces an earlier registration.
  template <class Codec>
  void add(ContentFormat format, std::shared_ptr<const Codec> codec) {
    Entry e;
    e.owner = codec;
    if constexpr (std::is_base_of_v<NodeDecoder, Codec>) e.decoder = codec.get();
    if constexpr (std::is_base_of_v<NodeEncoder, Codec>) e.encoder = codec.get();
    if constexpr (std::is_base_of_v<MultiNodeDecoder, Codec>) e.multiDecoder = codec.get();
    if constexpr (std::is_base_of_v<MultiNodeEncoder, Codec>) e.multiEncoder = codec.get();
    if constexpr (std::is_base_of_v<TimestampedDecoder, Codec>) e.timestampedDecoder = codec.get();
    if constexpr (std::is_base_of_v<TimestampedEncoder, Codec>) e.timestampedEncoder = codec.get();
    if constexpr (std::is_base_of_v<PathCodec, Codec>) e.pathCodec = codec.get();
    entries_[format] = std::move(e);
  }

 private:
  struct Entry {
    std::shared_ptr<const void> owner;
    const NodeDecoder* decoder = nullptr;
    const NodeEncoder* encoder = nullptr;
    const MultiNodeDecoder* multiDecoder = nullptr;
    const MultiNodeEncoder* multiEncoder = nullptr;
    const TimestampedDecoder* timestampedDecoder = nullptr;
    const TimestampedEncoder* timestampedEncoder = nullptr;
    const PathCodec* pathCodec = nullptr;
  };
  const Entry* entry(ContentFormat format) const;
  std::map<ContentFormat, Entry> entries_;
};

}  // namespace lwm2m::formats
