#pragma once
// Records: the flat (path, value, time) view shared by the formats that carry
// one value per entry (SenML JSON/CBOR, OMA JSON, LwM2M CBOR). Decoders turn
// their wire syntax into records and let these functions build nodes, so the
// node-building rules (multiplicity, typing by the object model, grouping
// under requested paths) are the same for every format.

#include <optional>
#include <vector>

#include "lwm2m/model/node.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"

namespace lwm2m::formats {

struct Record {
  model::Path path;            // a resource or resource-instance path
  model::Value value;          // as typed on the wire
  std::optional<double> time;  // absolute seconds since epoch, if any
};

// Gives `value` the type the model declares for `path`; values of unknown
// resources keep their wire type. An impossible conversion is an error
// naming the path.
Result<model::Value> applyModelType(const model::Value& value, const model::Path& path,
                                    const model::ObjectModel& model);

// The node at `path` made of every record (all must lie at or below it).
// Several values for one path keep the latest by time.
Result<model::Node> recordsToNode(const std::vector<Record>& records, const model::Path& path,
                                  const model::ObjectModel& model);

// See MultiNodeDecoder::decodeNodes.
Result<model::NodesByPath> recordsToNodes(const std::vector<Record>& records,
                                          const std::vector<model::Path>* paths,
                                          const model::ObjectModel& model);

// Groups records by time, each group as recordsToNodes(records, nullptr).
Result<std::vector<model::TimestampedNodes>> recordsToTimestamped(const std::vector<Record>& records,
                                                                  const model::ObjectModel& model);

// Flattens a node living at `path` into records (empty multiple resources and
// executable resources produce none), appended to `out`.
void appendRecords(const model::Node& node, const model::Path& path, std::optional<double> time,
                   std::vector<Record>& out);

}  // namespace lwm2m::formats
