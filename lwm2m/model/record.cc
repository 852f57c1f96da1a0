#include "lwm2m/model/record.h"

namespace lwm2m::model {

void appendRecords(const Node& node, const Path& path, std::optional<double> time, std::vector<Record>& out) {
  auto addResource = [&](const model::Resource& r, const Path& rpath) {
    if (r.isMultiple()) {
      for (const auto& [id, value] : r.instances()) out.push_back(Record{rpath.child(id), value, time});
    } else if (!r.value().isNone()) {
      out.push_back(Record{rpath, r.value(), time});
    }
  };
  auto addInstance = [&](const model::ObjectInstance& i, const Path& ipath) {
    for (const auto& [id, r] : i.resources()) addResource(r, ipath.child(id));
  };
  // A node that does not match its path (a device answering a resource
  // instance with a whole resource) has no records: no id is made up for it.
  if (node.depth() != path.depth()) return;
  if (const auto* o = node.object()) {
    for (const auto& [id, i] : o->instances()) addInstance(i, path.child(id));
  } else if (const auto* i = node.objectInstance()) {
    addInstance(*i, path);
  } else if (const auto* r = node.resource()) {
    addResource(*r, path);
  } else if (const auto* ri = node.resourceInstance()) {
    out.push_back(Record{path, ri->value, time});
  }
}

void appendRecords(const NodesByPath& nodes, std::optional<double> time, std::vector<Record>& out) {
  for (const auto& [path, node] : nodes) appendRecords(node, path, time, out);
}

std::vector<Record> toRecords(const NodesByPath& nodes, std::optional<double> time) {
  std::vector<Record> out;
  appendRecords(nodes, time, out);
  return out;
}

}  // namespace lwm2m::model
