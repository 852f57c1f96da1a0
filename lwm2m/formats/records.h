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
#include "lwm2m/model/record.h"
#include "lwm2m/result.h"

namespace lwm2m::formats {

using model::Record;

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

}  // namespace lwm2m::formats
