#include "lwm2m/formats/tlv.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <map>

namespace lwm2m::formats {
namespace {

using model::DataType;
using model::Node;
using model::Path;
using model::Value;

enum class TlvType : std::uint8_t { ObjectInstance = 0, ResourceInstance = 1, MultipleResource = 2, Resource = 3 };

struct Tlv {
  TlvType type;
  std::uint16_t id;
  Payload value;
  size_t offset;  // of the header, for errors
};

const char* typeName(TlvType t) {
  switch (t) {
    case TlvType::ObjectInstance: return "object instance";
    case TlvType::ResourceInstance: return "resource instance";
    case TlvType::MultipleResource: return "multiple resource";
    case TlvType::Resource: return "resource";
  }
  return "?";
}

// Splits one level of TLVs; `base` is the offset of `data` in the payload.
Result<std::vector<Tlv>> splitTlvs(Payload data, size_t base) {
  std::vector<Tlv> out;
  size_t pos = 0;
  auto error = [&](size_t at, const std::string& what) {
    return fail("TLV: " + what + " at offset " + std::to_string(base + at));
  };
  while (pos < data.size()) {
    size_t start = pos;
    std::uint8_t header = data[pos++];
    Tlv tlv{static_cast<TlvType>(header >> 6), 0, {}, base + start};
    size_t idBytes = (header & 0x20) ? 2 : 1;
    size_t lengthBytes = (header >> 3) & 0x3;
    if (data.size() - pos < idBytes + lengthBytes) return error(start, "truncated header");
    tlv.id = data[pos];
    if (idBytes == 2) tlv.id = static_cast<std::uint16_t>((tlv.id << 8) | data[pos + 1]);
    pos += idBytes;
    size_t length = header & 0x7;
    if (lengthBytes > 0) {
      length = 0;
      for (size_t k = 0; k < lengthBytes; ++k) length = (length << 8) | data[pos + k];
      pos += lengthBytes;
    }
    if (tlv.id == model::kReservedId) return error(start, "reserved id 65535");
    if (data.size() - pos < length) {
      return error(start, "length " + std::to_string(length) + " exceeds the " +
                              std::to_string(data.size() - pos) + " bytes left");
    }
    tlv.value = data.subspan(pos, length);
    pos += length;
    out.push_back(tlv);
  }
  return out;
}

std::int64_t readSigned(Payload b) {
  std::uint64_t v = (b[0] & 0x80) ? ~std::uint64_t{0} : 0;
  for (auto byte : b) v = (v << 8) | byte;
  return static_cast<std::int64_t>(v);
}

std::uint64_t readUnsigned(Payload b) {
  std::uint64_t v = 0;
  for (auto byte : b) v = (v << 8) | byte;
  return v;
}

Result<Value> decodeValue(Payload b, DataType type, const Path& path) {
  auto bad = [&](const char* what) {
    return fail("TLV: " + path.toString() + ": " + what + " (" + std::to_string(b.size()) + " bytes)");
  };
  auto intWidth = [&] { return b.size() == 1 || b.size() == 2 || b.size() == 4 || b.size() == 8; };
  switch (type) {
    case DataType::String: return Value::string(model::toValidUtf8(std::string(b.begin(), b.end())));
    case DataType::Corelnk: return Value::coreLink(model::toValidUtf8(std::string(b.begin(), b.end())));
    case DataType::Opaque: return Value::opaque(Bytes(b.begin(), b.end()));
    case DataType::Integer:
      if (!intWidth()) return bad("integer must be 1, 2, 4 or 8 bytes");
      return Value::integer(readSigned(b));
    case DataType::Time:
      if (!intWidth()) return bad("time must be 1, 2, 4 or 8 bytes");
      return Value::time(readSigned(b));
    case DataType::UnsignedInteger:
      if (!intWidth()) return bad("unsigned integer must be 1, 2, 4 or 8 bytes");
      return Value::unsignedInteger(readUnsigned(b));
    case DataType::Float:
      if (b.size() == 4) return Value::floating(std::bit_cast<float>(static_cast<std::uint32_t>(readUnsigned(b))));
      if (b.size() == 8) return Value::floating(std::bit_cast<double>(readUnsigned(b)));
      return bad("float must be 4 or 8 bytes");
    case DataType::Boolean:
      if (b.size() != 1 || b[0] > 1) return bad("boolean must be one byte 0 or 1");
      return Value::boolean(b[0] == 1);
    case DataType::Objlnk:
      if (b.size() != 4) return bad("object link must be 4 bytes");
      return Value::objectLink({static_cast<std::uint16_t>((b[0] << 8) | b[1]),
                                static_cast<std::uint16_t>((b[2] << 8) | b[3])});
    case DataType::None:
      return Value::opaque(Bytes(b.begin(), b.end()));
  }
  return bad("unknown type");
}

class TlvDecoding {
 public:
  TlvDecoding(const model::ObjectModel& model) : model_(model) {}

  Result<model::Resource> resource(const Tlv& tlv, const Path& path) {
    const auto* def = model_.findResource(path.objectId(), path.resourceId());
    DataType type = def ? def->type : DataType::Opaque;
    if (tlv.type == TlvType::Resource) {
      if (def && def->multiple) return fail("TLV: " + path.toString() + " is multiple: expected a multiple resource TLV");
      auto v = decodeValue(tlv.value, type, path);
      if (!v) return v.error();
      return model::Resource::single(path.resourceId(), std::move(*v));
    }
    if (tlv.type != TlvType::MultipleResource) {
      return fail("TLV: expected a resource at offset " + std::to_string(tlv.offset) + ", got " + typeName(tlv.type));
    }
    if (def && !def->multiple) return fail("TLV: " + path.toString() + " is single: multiple resource TLV not allowed");
    auto children = splitTlvs(tlv.value, tlv.offset);
    if (!children) return children.error();
    return instancesOf(*children, path, type);
  }

  Result<model::Resource> instancesOf(const std::vector<Tlv>& children, const Path& path, DataType type) {
    std::map<model::ResourceInstanceId, Value> instances;
    for (const Tlv& child : children) {
      if (child.type != TlvType::ResourceInstance) {
        return fail("TLV: expected a resource instance at offset " + std::to_string(child.offset));
      }
      auto v = decodeValue(child.value, type, path.child(child.id));
      if (!v) return v.error();
      if (!instances.emplace(child.id, std::move(*v)).second) {
        return fail("TLV: duplicate resource instance " + path.child(child.id).toString());
      }
    }
    return model::Resource::multiple(path.resourceId(), type, std::move(instances));
  }

  Result<model::ObjectInstance> instance(const std::vector<Tlv>& tlvs, const Path& path) {
    std::map<model::ResourceId, model::Resource> resources;
    for (const Tlv& tlv : tlvs) {
      auto r = resource(tlv, path.child(tlv.id));
      if (!r) return r.error();
      if (!resources.emplace(tlv.id, std::move(*r)).second) {
        return fail("TLV: duplicate resource " + path.child(tlv.id).toString());
      }
    }
    return model::ObjectInstance(path.instanceId(), std::move(resources));
  }

  // Unwraps a single object-instance TLV with the expected id, if present.
  Result<std::vector<Tlv>> unwrapInstance(std::vector<Tlv> tlvs, const Path& path) {
    if (tlvs.size() == 1 && tlvs[0].type == TlvType::ObjectInstance) {
      if (tlvs[0].id != path.instanceId()) {
        return fail("TLV: object instance " + std::to_string(tlvs[0].id) + " does not match " + path.toString());
      }
      return splitTlvs(tlvs[0].value, tlvs[0].offset);
    }
    for (const Tlv& t : tlvs) {
      if (t.type == TlvType::ObjectInstance) return fail("TLV: unexpected object instance at offset " + std::to_string(t.offset));
    }
    return tlvs;
  }

 private:
  const model::ObjectModel& model_;
};

// ---- encoding ----

void writeHeader(Bytes& out, TlvType type, std::uint16_t id, size_t length) {
  std::uint8_t header = static_cast<std::uint8_t>(static_cast<int>(type) << 6);
  if (id > 0xFF) header |= 0x20;
  size_t lengthBytes = length < 8 ? 0 : length <= 0xFF ? 1 : length <= 0xFFFF ? 2 : 3;
  header |= static_cast<std::uint8_t>(lengthBytes << 3);
  if (lengthBytes == 0) header |= static_cast<std::uint8_t>(length);
  out.push_back(header);
  if (id > 0xFF) out.push_back(static_cast<std::uint8_t>(id >> 8));
  out.push_back(static_cast<std::uint8_t>(id));
  for (size_t k = lengthBytes; k > 0; --k) out.push_back(static_cast<std::uint8_t>(length >> (8 * (k - 1))));
}

void writeTlv(Bytes& out, TlvType type, std::uint16_t id, const Bytes& value) {
  writeHeader(out, type, id, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

void appendBigEndian(Bytes& out, std::uint64_t v, size_t width) {
  for (size_t k = width; k > 0; --k) out.push_back(static_cast<std::uint8_t>(v >> (8 * (k - 1))));
}

Bytes encodeValue(const Value& v) {
  Bytes out;
  switch (v.type()) {
    case DataType::None: break;
    case DataType::String:
    case DataType::Corelnk: out.assign(v.asString().begin(), v.asString().end()); break;
    case DataType::Opaque: out = v.asOpaque(); break;
    case DataType::Integer:
    case DataType::Time: {
      std::int64_t i = v.asInteger();
      size_t width = (i >= INT8_MIN && i <= INT8_MAX) ? 1 : (i >= INT16_MIN && i <= INT16_MAX) ? 2
                     : (i >= INT32_MIN && i <= INT32_MAX) ? 4 : 8;
      appendBigEndian(out, static_cast<std::uint64_t>(i), width);
      break;
    }
    case DataType::UnsignedInteger: {
      std::uint64_t u = v.asUnsigned();
      size_t width = u <= 0x7F ? 1 : u <= 0x7FFF ? 2 : u <= 0x7FFFFFFF ? 4 : 8;
      appendBigEndian(out, u, width);
      break;
    }
    case DataType::Float: {
      double d = v.asFloat();
      bool fits = std::isnan(d) || std::isinf(d) || std::fabs(d) <= 3.4028234663852886e38;
      auto f = fits ? static_cast<float>(d) : 0.0f;
      if (fits && (static_cast<double>(f) == d || std::isnan(d))) {
        appendBigEndian(out, std::bit_cast<std::uint32_t>(f), 4);
      } else {
        appendBigEndian(out, std::bit_cast<std::uint64_t>(d), 8);
      }
      break;
    }
    case DataType::Boolean: out.push_back(v.asBoolean() ? 1 : 0); break;
    case DataType::Objlnk:
      appendBigEndian(out, v.asObjectLink().objectId, 2);
      appendBigEndian(out, v.asObjectLink().instanceId, 2);
      break;
  }
  return out;
}

Bytes encodeResource(const model::Resource& r) {
  Bytes out;
  if (!r.isMultiple()) {
    writeTlv(out, TlvType::Resource, r.id(), encodeValue(r.value()));
    return out;
  }
  Bytes inner;
  for (const auto& [id, value] : r.instances()) writeTlv(inner, TlvType::ResourceInstance, id, encodeValue(value));
  writeTlv(out, TlvType::MultipleResource, r.id(), inner);
  return out;
}

Bytes encodeInstanceResources(const model::ObjectInstance& i) {
  Bytes out;
  for (const auto& [id, r] : i.resources()) {
    Bytes one = encodeResource(r);
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

}  // namespace

Result<Node> TlvCodec::decode(Payload payload, const Path& path, const DecodeContext& context) const {
  auto top = splitTlvs(payload, 0);
  if (!top) return top.error();
  TlvDecoding d(context.model);
  switch (path.depth()) {
    case 1: {
      std::map<model::InstanceId, model::ObjectInstance> instances;
      bool wrapped = !top->empty() && (*top)[0].type == TlvType::ObjectInstance;
      if (!wrapped && !top->empty()) {
        // A single-instance object answered with bare resources: instance 0.
        auto i = d.instance(*top, Path(path.objectId(), 0));
        if (!i) return i.error();
        instances.emplace(0, std::move(*i));
        return Node(model::Object(path.objectId(), std::move(instances)));
      }
      for (const Tlv& t : *top) {
        if (t.type != TlvType::ObjectInstance) {
          return fail("TLV: expected an object instance at offset " + std::to_string(t.offset));
        }
        auto children = splitTlvs(t.value, t.offset);
        if (!children) return children.error();
        auto i = d.instance(*children, Path(path.objectId(), t.id));
        if (!i) return i.error();
        if (!instances.emplace(t.id, std::move(*i)).second) {
          return fail("TLV: duplicate object instance " + std::to_string(t.id));
        }
      }
      return Node(model::Object(path.objectId(), std::move(instances)));
    }
    case 2: {
      auto tlvs = d.unwrapInstance(std::move(*top), path);
      if (!tlvs) return tlvs.error();
      auto i = d.instance(*tlvs, path);
      if (!i) return i.error();
      return Node(std::move(*i));
    }
    case 3: {
      auto tlvs = d.unwrapInstance(std::move(*top), path);
      if (!tlvs) return tlvs.error();
      const auto* def = context.model.findResource(path.objectId(), path.resourceId());
      bool bareInstances = !tlvs->empty() && (*tlvs)[0].type == TlvType::ResourceInstance;
      if (bareInstances) {
        if (def && !def->multiple) return fail("TLV: " + path.toString() + " is single: resource instances not allowed");
        auto r = d.instancesOf(*tlvs, path, def ? def->type : DataType::Opaque);
        if (!r) return r.error();
        return Node(std::move(*r));
      }
      if (tlvs->empty() && def && def->multiple) return Node(model::Resource::multiple(path.resourceId(), def->type, {}));
      if (tlvs->size() != 1) return fail("TLV: expected one resource for " + path.toString() + ", got " + std::to_string(tlvs->size()));
      if ((*tlvs)[0].id != path.resourceId()) {
        return fail("TLV: resource " + std::to_string((*tlvs)[0].id) + " does not match " + path.toString());
      }
      auto r = d.resource((*tlvs)[0], path);
      if (!r) return r.error();
      return Node(std::move(*r));
    }
    case 4: {
      auto tlvs = d.unwrapInstance(std::move(*top), path);
      if (!tlvs) return tlvs.error();
      // Unwrap a multiple-resource TLV around the instance, if present.
      if (tlvs->size() == 1 && (*tlvs)[0].type == TlvType::MultipleResource) {
        if ((*tlvs)[0].id != path.resourceId()) return fail("TLV: resource id does not match " + path.toString());
        tlvs = splitTlvs((*tlvs)[0].value, (*tlvs)[0].offset);
        if (!tlvs) return tlvs.error();
      }
      if (tlvs->size() != 1 || (*tlvs)[0].id != path.resourceInstanceId() ||
          ((*tlvs)[0].type != TlvType::ResourceInstance && (*tlvs)[0].type != TlvType::Resource)) {
        return fail("TLV: expected one resource instance " + path.toString());
      }
      const auto* def = context.model.findResource(path.objectId(), path.resourceId());
      auto v = decodeValue((*tlvs)[0].value, def ? def->type : DataType::Opaque, path);
      if (!v) return v.error();
      return Node(model::ResourceInstance{path.resourceInstanceId(), std::move(*v)});
    }
    default:
      return fail("TLV: cannot decode the root path");
  }
}

Result<Bytes> TlvCodec::encode(const Node& node, const Path& path, const model::ObjectModel&) const {
  if (node.depth() != path.depth()) return fail("TLV: node does not match path " + path.toString());
  Bytes out;
  if (const auto* o = node.object()) {
    for (const auto& [id, i] : o->instances()) writeTlv(out, TlvType::ObjectInstance, id, encodeInstanceResources(i));
  } else if (const auto* i = node.objectInstance()) {
    out = encodeInstanceResources(*i);
  } else if (const auto* r = node.resource()) {
    out = encodeResource(*r);
  } else if (const auto* ri = node.resourceInstance()) {
    writeTlv(out, TlvType::ResourceInstance, ri->id, encodeValue(ri->value));
  }
  return out;
}

}  // namespace lwm2m::formats
