#include "lwm2m/formats/lwm2m_cbor.h"

#include <limits>

#include "lwm2m/formats/cbor.h"
#include "lwm2m/formats/records.h"

namespace lwm2m::formats {
namespace {

using model::Path;
using model::Value;

Error cborError(const std::string& what) { return fail("LwM2M CBOR: " + what); }

Result<Value> leafValue(const cbor::Item& item, const Path& path) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  switch (item.kind) {
    case cbor::Kind::Unsigned:
      if (item.number <= kMax) return Value::integer(static_cast<std::int64_t>(item.number));
      return Value::unsignedInteger(item.number);
    case cbor::Kind::Negative:
      if (item.number > kMax) return cborError(path.toString() + ": negative integer out of range");
      return Value::integer(-1 - static_cast<std::int64_t>(item.number));
    case cbor::Kind::Float: return Value::floating(item.floating);
    case cbor::Kind::Bool: return Value::boolean(item.boolean);
    case cbor::Kind::Text: return Value::string(item.string);
    case cbor::Kind::Bytes: return Value::opaque(model::Bytes(item.string.begin(), item.string.end()));
    case cbor::Kind::Tag:
      if (item.number == 1 && item.items.size() == 1 && item.items[0].isInteger()) {
        auto v = leafValue(item.items[0], path);
        if (!v) return v;
        if (v->type() != model::DataType::Integer) return cborError(path.toString() + ": time out of range");
        return Value::time(v->asInteger());
      }
      return cborError(path.toString() + ": unsupported tag " + std::to_string(item.number));
    default:
      return cborError(path.toString() + ": unsupported value (null, undefined, array or simple)");
  }
}

// Walks a map whose keys extend `prefix`, appending one record per leaf.
Result<void> walk(const cbor::Item& map, const Path& prefix, std::vector<Record>& out) {
  for (size_t k = 0; k + 1 < map.items.size(); k += 2) {
    const cbor::Item& key = map.items[k];
    const cbor::Item& value = map.items[k + 1];
    Path path = prefix;
    auto push = [&](const cbor::Item& id) -> Result<void> {
      if (id.kind != cbor::Kind::Unsigned) return cborError("keys must be unsigned ids or arrays of them, below " + prefix.toString());
      if (id.number >= model::kReservedId) return cborError("id " + std::to_string(id.number) + " out of range below " + prefix.toString());
      if (path.depth() == 4) return cborError("path deeper than a resource instance below " + prefix.toString());
      path = path.child(static_cast<std::uint16_t>(id.number));
      return {};
    };
    if (key.kind == cbor::Kind::Array) {
      if (key.items.empty()) return cborError("empty path key below " + prefix.toString());
      for (const auto& id : key.items) {
        if (auto ok = push(id); !ok) return ok;
      }
    } else if (auto ok = push(key); !ok) {
      return ok;
    }
    if (value.kind == cbor::Kind::Map) {
      if (path.depth() == 4) return cborError(path.toString() + ": a resource instance cannot hold a map");
      if (auto ok = walk(value, path, out); !ok) return ok;
      continue;
    }
    if (path.depth() < 3) return cborError(path.toString() + ": a value needs a resource or resource instance path");
    auto v = leafValue(value, path);
    if (!v) return v.error();
    out.push_back(Record{path, std::move(*v), std::nullopt});
  }
  return {};
}

Result<std::vector<Record>> parse(Payload payload) {
  auto root = cbor::decode(payload);
  if (!root) return cborError(root.error().message);
  if (root->kind != cbor::Kind::Map) return cborError("payload must be a map");
  std::vector<Record> records;
  if (auto ok = walk(*root, Path(), records); !ok) return ok.error();
  return records;
}

void writeValue(cbor::Writer& w, const Value& v) {
  switch (v.type()) {
    case model::DataType::Integer:
    case model::DataType::Time: w.integer(v.asInteger()); break;
    case model::DataType::UnsignedInteger: w.unsignedInteger(v.asUnsigned()); break;
    case model::DataType::Float: w.floating(v.asFloat()); break;
    case model::DataType::Boolean: w.boolean(v.asBoolean()); break;
    case model::DataType::String:
    case model::DataType::Corelnk: w.text(v.asString()); break;
    case model::DataType::Opaque: w.bytes(v.asOpaque()); break;
    case model::DataType::Objlnk: w.text(v.asObjectLink().toString()); break;
    case model::DataType::None: w.null(); break;
  }
}

void writeKey(cbor::Writer& w, const Path& path) {
  if (path.depth() == 1) {
    w.unsignedInteger(path.id(0));
    return;
  }
  w.arrayHeader(static_cast<std::uint64_t>(path.depth()));
  for (int k = 0; k < path.depth(); ++k) w.unsignedInteger(path.id(k));
}

void writeResourceBody(cbor::Writer& w, const model::Resource& r) {
  if (!r.isMultiple()) {
    writeValue(w, r.value());
    return;
  }
  w.mapHeader(r.instances().size());
  for (const auto& [id, value] : r.instances()) {
    w.unsignedInteger(id);
    writeValue(w, value);
  }
}

void writeInstanceBody(cbor::Writer& w, const model::ObjectInstance& i) {
  size_t count = 0;
  for (const auto& [id, r] : i.resources()) count += (r.isMultiple() || !r.value().isNone()) ? 1 : 0;
  w.mapHeader(count);
  for (const auto& [id, r] : i.resources()) {
    if (!r.isMultiple() && r.value().isNone()) continue;
    w.unsignedInteger(id);
    writeResourceBody(w, r);
  }
}

// Writes one key (the node's full path) and the node below it.
void writeNode(cbor::Writer& w, const model::Node& node, const Path& path) {
  writeKey(w, path);
  if (const auto* o = node.object()) {
    w.mapHeader(o->instances().size());
    for (const auto& [id, i] : o->instances()) {
      w.unsignedInteger(id);
      writeInstanceBody(w, i);
    }
  } else if (const auto* i = node.objectInstance()) {
    writeInstanceBody(w, *i);
  } else if (const auto* r = node.resource()) {
    writeResourceBody(w, *r);
  } else if (const auto* ri = node.resourceInstance()) {
    writeValue(w, ri->value);
  }
}

}  // namespace

Result<model::Node> Lwm2mCborCodec::decode(Payload payload, const Path& path, const DecodeContext& context) const {
  auto records = parse(payload);
  if (!records) return records.error();
  auto node = recordsToNode(*records, path, context.model);
  if (!node) return cborError(node.error().message);
  return node;
}

Result<Bytes> Lwm2mCborCodec::encode(const model::Node& node, const Path& path, const model::ObjectModel&) const {
  if (node.depth() != path.depth()) return cborError("node does not match path " + path.toString());
  cbor::Writer w;
  w.mapHeader(1);
  writeNode(w, node, path);
  return w.take();
}

Result<model::NodesByPath> Lwm2mCborCodec::decodeNodes(Payload payload, const std::vector<Path>* paths,
                                                       const DecodeContext& context) const {
  auto records = parse(payload);
  if (!records) return records.error();
  auto nodes = recordsToNodes(*records, paths, context.model);
  if (!nodes) return cborError(nodes.error().message);
  return nodes;
}

Result<Bytes> Lwm2mCborCodec::encodeNodes(const model::NodesByPath& nodes, const model::ObjectModel&) const {
  cbor::Writer w;
  w.mapHeader(nodes.size());
  for (const auto& [path, node] : nodes) {
    if (node.depth() != path.depth()) return cborError("node does not match path " + path.toString());
    writeNode(w, node, path);
  }
  return w.take();
}

}  // namespace lwm2m::formats
