#pragma once
// The SenML record rules (RFC 8428 as LwM2M 1.1+ uses them), shared by the
// JSON (110) and CBOR (112) codecs, which only differ in wire syntax.
//   - a record's name is the latest bn + its n; bn and bt carry over;
//   - a record's time is the latest bt + its t; below 2^28 it is relative
//     to now; neither bt nor t means no time;
//   - a name must be a valid LwM2M path (no trailing '/');
//   - values: v (number), vs, vb, vd (opaque), vlo (object link "o:i").

#include <optional>
#include <string>
#include <vector>

#include "lwm2m/formats/node_codec.h"
#include "lwm2m/formats/records.h"
#include "lwm2m/model/node.h"

namespace lwm2m::formats {

struct SenmlRecord {
  std::optional<std::string> baseName;
  std::optional<std::string> name;
  std::optional<double> baseTime;
  std::optional<double> time;
  std::optional<double> baseValue;
  std::optional<model::Value> value;
};

// Records with resolved paths and times. Every record must carry a value.
Result<std::vector<Record>> resolveSenml(const std::vector<SenmlRecord>& senml, double now, const char* format);
// Path lists (Read-Composite requests): records with names and no values.
Result<std::vector<model::Path>> resolveSenmlPaths(const std::vector<SenmlRecord>& senml, const char* format);

// SenML for one node at `path`: the first record carries bn = the path
// (with a trailing '/' when names follow), later ones a relative n.
std::vector<SenmlRecord> senmlForNode(const model::Node& node, const model::Path& path);
// SenML with a full name (and time, when set) per record.
std::vector<SenmlRecord> senmlForRecords(const std::vector<Record>& records);
std::vector<SenmlRecord> senmlForPaths(const std::vector<model::Path>& paths);

// Every capability of the SenML formats, over a wire syntax given by the
// derived class (JSON or CBOR).
class SenmlCodec : public NodeDecoder,
                   public NodeEncoder,
                   public MultiNodeDecoder,
                   public MultiNodeEncoder,
                   public TimestampedDecoder,
                   public TimestampedEncoder,
                   public PathCodec {
 public:
  Result<model::Node> decode(Payload payload, const model::Path& path,
                             const DecodeContext& context) const final;
  Result<Bytes> encode(const model::Node& node, const model::Path& path,
                       const model::ObjectModel& model) const final;
  Result<model::NodesByPath> decodeNodes(Payload payload, const std::vector<model::Path>* paths,
                                         const DecodeContext& context) const final;
  Result<Bytes> encodeNodes(const model::NodesByPath& nodes, const model::ObjectModel& model) const final;
  Result<std::vector<model::TimestampedNodes>> decodeTimestamped(Payload payload,
                                                                 const DecodeContext& context) const final;
  Result<Bytes> encodeTimestamped(const std::vector<model::TimestampedNodes>& data,
                                  const model::ObjectModel& model) const final;
  Result<Bytes> encodePaths(const std::vector<model::Path>& paths) const final;
  Result<std::vector<model::Path>> decodePaths(Payload payload) const final;

 protected:
  virtual Result<std::vector<SenmlRecord>> parse(Payload payload) const = 0;
  virtual Result<Bytes> write(const std::vector<SenmlRecord>& records) const = 0;
  virtual const char* formatName() const = 0;
};

}  // namespace lwm2m::formats
