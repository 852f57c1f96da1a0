#include "lwm2m/formats/senml.h"

#include <cmath>

namespace lwm2m::formats {
namespace {

constexpr double kRelativeTimeLimit = 268435456.0;  // 2^28

Result<model::Path> recordPath(const std::optional<std::string>& baseName, const SenmlRecord& r, size_t index,
                               const char* format) {
  std::string name = baseName.value_or("") + r.name.value_or("");
  auto path = model::Path::parse(name);
  if (!path) return fail(std::string(format) + ": record " + std::to_string(index) + ": " + path.error().message);
  return path;
}

}  // namespace

Result<std::vector<Record>> resolveSenml(const std::vector<SenmlRecord>& senml, double now, const char* format) {
  std::vector<Record> out;
  out.reserve(senml.size());
  std::optional<std::string> baseName;
  std::optional<double> baseTime;
  std::optional<double> baseValue;
  for (size_t k = 0; k < senml.size(); ++k) {
    const SenmlRecord& r = senml[k];
    if (r.baseName) baseName = r.baseName;
    if (r.baseTime) baseTime = r.baseTime;
    if (r.baseValue) baseValue = r.baseValue;
    auto path = recordPath(baseName, r, k, format);
    if (!path) return path.error();
    if (path->depth() < 3) {
      return fail(std::string(format) + ": record " + std::to_string(k) + ": " + path->toString() +
                  " is not a resource or resource instance");
    }
    if (!r.value) return fail(std::string(format) + ": record " + std::to_string(k) + " (" + path->toString() + ") has no value");
    model::Value value = *r.value;
    if (baseValue && *baseValue != 0) {
      if (value.type() == model::DataType::Float) {
        value = model::Value::floating(value.asFloat() + *baseValue);
      } else if (value.type() == model::DataType::Integer) {
        value = model::Value::floating(static_cast<double>(value.asInteger()) + *baseValue);
      }
    }
    std::optional<double> time;
    if (baseTime || r.time) {
      double t = baseTime.value_or(0) + r.time.value_or(0);
      if (!std::isfinite(t)) return fail(std::string(format) + ": record " + std::to_string(k) + ": time is not finite");
      time = t < kRelativeTimeLimit ? now + t : t;
    }
    out.push_back(Record{*path, std::move(value), time});
  }
  return out;
}

Result<std::vector<model::Path>> resolveSenmlPaths(const std::vector<SenmlRecord>& senml, const char* format) {
  std::vector<model::Path> out;
  std::optional<std::string> baseName;
  for (size_t k = 0; k < senml.size(); ++k) {
    if (senml[k].baseName) baseName = senml[k].baseName;
    auto path = recordPath(baseName, senml[k], k, format);
    if (!path) return path.error();
    out.push_back(*path);
  }
  return out;
}

std::vector<SenmlRecord> senmlForNode(const model::Node& node, const model::Path& path) {
  std::vector<Record> records;
  appendRecords(node, path, std::nullopt, records);
  std::vector<SenmlRecord> out;
  out.reserve(records.size());
  bool single = records.size() == 1 && records[0].path == path;
  std::string base = path.toString();
  if (!single && !path.isRoot()) base += "/";
  size_t prefix = base.size();
  for (size_t k = 0; k < records.size(); ++k) {
    SenmlRecord r;
    if (k == 0) r.baseName = base;
    if (!single) r.name = records[k].path.toString().substr(prefix);
    r.value = std::move(records[k].value);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SenmlRecord> senmlForRecords(const std::vector<Record>& records) {
  std::vector<SenmlRecord> out;
  out.reserve(records.size());
  for (const Record& rec : records) {
    SenmlRecord r;
    r.name = rec.path.toString();
    r.time = rec.time;
    r.value = rec.value;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SenmlRecord> senmlForPaths(const std::vector<model::Path>& paths) {
  std::vector<SenmlRecord> out;
  for (const auto& p : paths) {
    SenmlRecord r;
    r.name = p.toString();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace lwm2m::formats

namespace lwm2m::formats {

Result<model::Node> SenmlCodec::decode(Payload payload, const model::Path& path, const DecodeContext& context) const {
  auto senml = parse(payload);
  if (!senml) return senml.error();
  auto records = resolveSenml(*senml, context.now, formatName());
  if (!records) return records.error();
  auto node = recordsToNode(*records, path, context.model);
  if (!node) return fail(std::string(formatName()) + ": " + node.error().message);
  return node;
}

Result<Bytes> SenmlCodec::encode(const model::Node& node, const model::Path& path, const model::ObjectModel&) const {
  if (node.depth() != path.depth()) return fail(std::string(formatName()) + ": node does not match path " + path.toString());
  return write(senmlForNode(node, path));
}

Result<model::NodesByPath> SenmlCodec::decodeNodes(Payload payload, const std::vector<model::Path>* paths,
                                                   const DecodeContext& context) const {
  auto senml = parse(payload);
  if (!senml) return senml.error();
  auto records = resolveSenml(*senml, context.now, formatName());
  if (!records) return records.error();
  auto nodes = recordsToNodes(*records, paths, context.model);
  if (!nodes) return fail(std::string(formatName()) + ": " + nodes.error().message);
  return nodes;
}

Result<Bytes> SenmlCodec::encodeNodes(const model::NodesByPath& nodes, const model::ObjectModel&) const {
  std::vector<Record> records;
  for (const auto& [path, node] : nodes) {
    if (node.depth() != path.depth()) return fail(std::string(formatName()) + ": node does not match path " + path.toString());
    appendRecords(node, path, std::nullopt, records);
  }
  return write(senmlForRecords(records));
}

Result<std::vector<model::TimestampedNodes>> SenmlCodec::decodeTimestamped(Payload payload,
                                                                           const DecodeContext& context) const {
  auto senml = parse(payload);
  if (!senml) return senml.error();
  auto records = resolveSenml(*senml, context.now, formatName());
  if (!records) return records.error();
  auto out = recordsToTimestamped(*records, context.model);
  if (!out) return fail(std::string(formatName()) + ": " + out.error().message);
  return out;
}

Result<Bytes> SenmlCodec::encodeTimestamped(const std::vector<model::TimestampedNodes>& data,
                                            const model::ObjectModel&) const {
  std::vector<Record> records;
  for (const auto& group : data) {
    for (const auto& [path, node] : group.nodes) appendRecords(node, path, group.time, records);
  }
  return write(senmlForRecords(records));
}

Result<Bytes> SenmlCodec::encodePaths(const std::vector<model::Path>& paths) const {
  return write(senmlForPaths(paths));
}

Result<std::vector<model::Path>> SenmlCodec::decodePaths(Payload payload) const {
  auto senml = parse(payload);
  if (!senml) return senml.error();
  return resolveSenmlPaths(*senml, formatName());
}

}  // namespace lwm2m::formats
