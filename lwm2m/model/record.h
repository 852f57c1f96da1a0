#pragma once
// Record: the flat (path, value, time) view of a node. The formats that carry
// one value per entry (SenML, LwM2M JSON/CBOR) decode into records; the
// mapping renders records; both flatten nodes the same way, here.

#include <optional>
#include <vector>

#include "lwm2m/model/node.h"
#include "lwm2m/model/path.h"
#include "lwm2m/model/value.h"

namespace lwm2m::model {

struct Record {
  Path path;                   // a resource or resource-instance path
  Value value;                 // as typed on the wire or by the model
  std::optional<double> time;  // absolute seconds since the Unix epoch, if known

  friend bool operator==(const Record&, const Record&) = default;
};

// Flattens a node living at `path` into records (empty multiple resources and
// executable resources produce none), appended to `out`.
void appendRecords(const Node& node, const Path& path, std::optional<double> time, std::vector<Record>& out);

// Every node of `nodes`, flattened in path order (appended to `out`, or returned).
void appendRecords(const NodesByPath& nodes, std::optional<double> time, std::vector<Record>& out);
std::vector<Record> toRecords(const NodesByPath& nodes, std::optional<double> time = {});

}  // namespace lwm2m::model
