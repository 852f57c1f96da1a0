#pragma once
// The codec interfaces every content format implements. One decoder/encoder
// per format; optional capabilities (several paths in one body, timestamped
// values, path lists for composite requests) are separate interfaces, and a
// format implements only those its wire syntax supports.
//
// Decoders never throw and never crash on untrusted input: they return an
// Error naming what was wrong (and where). Decoders of formats without types
// on the wire (TLV, text, opaque) use the ObjectModel and keep values of
// unknown resources as Opaque raw bytes.

#include <cstdint>
#include <span>
#include <vector>

#include "lwm2m/model/node.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/model/path.h"
#include "lwm2m/result.h"

namespace lwm2m::formats {

using model::Bytes;
using Payload = std::span<const std::uint8_t>;

struct DecodeContext {
  const model::ObjectModel& model;
  // Seconds since the Unix epoch, used to resolve SenML relative times
  // (below 2^28) and OMA JSON negative times. Injected, never read from a clock.
  double now = 0;
};

class NodeDecoder {
 public:
  virtual ~NodeDecoder() = default;
  // Decodes a payload answering a request on `path` (object, instance,
  // resource or resource instance) into the node at that level.
  virtual Result<model::Node> decode(Payload payload, const model::Path& path,
                                     const DecodeContext& context) const = 0;
};

class NodeEncoder {
 public:
  virtual ~NodeEncoder() = default;
  // Encodes `node`, which lives at `path` (node.depth() == path.depth()).
  virtual Result<Bytes> encode(const model::Node& node, const model::Path& path,
                               const model::ObjectModel& model) const = 0;
};

class MultiNodeDecoder {
 public:
  virtual ~MultiNodeDecoder() = default;
  // Decodes a composite body. With `paths` (Read-Composite response), every
  // value is grouped under the requested path that covers it and each
  // requested path present gets its node. With no paths (Send, Write-Composite
  // request), each value becomes a node at its own resource or resource
  // instance path.
  virtual Result<model::NodesByPath> decodeNodes(Payload payload, const std::vector<model::Path>* paths,
                                                 const DecodeContext& context) const = 0;
};

class MultiNodeEncoder {
 public:
  virtual ~MultiNodeEncoder() = default;
  virtual Result<Bytes> encodeNodes(const model::NodesByPath& nodes,
                                    const model::ObjectModel& model) const = 0;
};

class TimestampedDecoder {
 public:
  virtual ~TimestampedDecoder() = default;
  // Keeps every record's time: several values of one resource at different
  // times stay apart (notifications and Send). Sorted by time, untimed first.
  virtual Result<std::vector<model::TimestampedNodes>> decodeTimestamped(
      Payload payload, const DecodeContext& context) const = 0;
};

class TimestampedEncoder {
 public:
  virtual ~TimestampedEncoder() = default;
  virtual Result<Bytes> encodeTimestamped(const std::vector<model::TimestampedNodes>& data,
                                          const model::ObjectModel& model) const = 0;
};

// Path lists: the body of Read-Composite and Observe-Composite requests.
class PathCodec {
 public:
  virtual ~PathCodec() = default;
  virtual Result<Bytes> encodePaths(const std::vector<model::Path>& paths) const = 0;
  virtual Result<std::vector<model::Path>> decodePaths(Payload payload) const = 0;
};

}  // namespace lwm2m::formats
