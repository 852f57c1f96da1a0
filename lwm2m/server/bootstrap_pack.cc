#include "lwm2m/server/bootstrap_pack.h"

#include <utility>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::server {
namespace {

constexpr model::ObjectId kSecurity = 0;
constexpr model::ObjectId kServer = 1;
constexpr model::ObjectId kAcl = 2;

}  // namespace

model::ObjectInstance securityInstanceNode(const SecurityInstance& s) {
  using model::Resource;
  using model::Value;
  std::vector<Resource> resources{
      Resource::single(0, Value::string(s.serverUri)),
      Resource::single(1, Value::boolean(s.bootstrapServer)),
      Resource::single(2, Value::integer(static_cast<std::int64_t>(s.mode))),
      Resource::single(3, Value::opaque(model::Bytes(s.pskIdentity.begin(), s.pskIdentity.end()))),
      Resource::single(4, Value::opaque({})),
      Resource::single(5, Value::opaque(s.mode == SecurityMode::Psk ? s.pskKey : model::Bytes{})),
  };
  if (!s.bootstrapServer) resources.push_back(Resource::single(10, Value::integer(s.shortServerId)));
  return model::ObjectInstance(s.instance, std::move(resources));
}

model::ObjectInstance serverInstanceNode(const ServerInstance& s) {
  using model::Resource;
  using model::Value;
  return model::ObjectInstance(s.instance, std::vector<Resource>{
      Resource::single(0, Value::integer(s.shortServerId)),
      Resource::single(1, Value::integer(s.lifetime)),
      Resource::single(6, Value::boolean(s.notificationStoring)),
      Resource::single(7, Value::string(s.binding)),
  });
}

model::ObjectInstance aclInstanceNode(const AclInstance& a) {
  using model::Resource;
  using model::Value;
  std::map<model::ResourceInstanceId, Value> rights;
  for (auto [ssid, bits] : a.rights) rights.emplace(ssid, Value::integer(bits));
  return model::ObjectInstance(a.instance, std::vector<Resource>{
      Resource::single(0, Value::integer(a.objectId)),
      Resource::single(1, Value::integer(a.objectInstanceId)),
      Resource::multiple(2, model::DataType::Integer, std::move(rights)),
      Resource::single(3, Value::integer(a.owner)),
  });
}

bool isBootstrapPackFormat(formats::ContentFormat format) {
  return format == formats::kSenmlCbor || format == formats::kSenmlJson || format == formats::kLwm2mCbor;
}

std::optional<BootstrapPackRequest> parseBootstrapPackRequest(const coap::Message& request,
                                                              BootstrapPackRefusal& refusal) {
  if (request.code != coap::codes::Get) {
    refusal = {coap::codes::MethodNotAllowed, "Bootstrap-Pack-Request must be a GET"};
    return std::nullopt;
  }
  BootstrapPackRequest parsed{{}, kDefaultBootstrapPackFormat};
  for (const auto& query : request.uriQuery()) {
    if (query.rfind("ep=", 0) == 0) parsed.endpoint = query.substr(3);
  }
  if (parsed.endpoint.empty()) {
    refusal = {coap::codes::BadRequest, "Bootstrap-Pack-Request without ep"};
    return std::nullopt;
  }
  if (request.findOption(coap::option::Accept)) {
    auto accept = request.accept();
    if (!accept || !isBootstrapPackFormat(*accept)) {
      refusal = {coap::codes::NotAcceptable,
                 "Bootstrap-Pack is sent as SenML CBOR (112), SenML JSON (110) or LwM2M CBOR (11544), not " +
                     (accept ? std::to_string(*accept) + " (" + std::string(formats::contentFormatName(*accept)) + ")"
                             : std::string("that Accept option"))};
      return std::nullopt;
    }
    parsed.format = *accept;
  }
  return parsed;
}

model::NodesByPath bootstrapPackNodes(const BootstrapConfig& config) {
  std::vector<model::ObjectInstance> security, servers, acls;
  for (const auto& s : config.security) security.push_back(securityInstanceNode(s));
  for (const auto& s : config.servers) servers.push_back(serverInstanceNode(s));
  for (const auto& a : config.acls) acls.push_back(aclInstanceNode(a));
  model::NodesByPath nodes;
  auto add = [&](model::ObjectId id, std::vector<model::ObjectInstance> instances) {
    if (!instances.empty()) nodes.emplace(model::Path(id), model::Object(id, std::move(instances)));
  };
  add(kSecurity, std::move(security));
  add(kServer, std::move(servers));
  add(kAcl, std::move(acls));
  return nodes;
}

Result<model::Bytes> encodeBootstrapPack(const BootstrapConfig& config, formats::ContentFormat format,
                                         const model::ObjectModel& model) {
  if (!isBootstrapPackFormat(format)) {
    return fail("Bootstrap-Pack cannot be sent as " + std::string(formats::contentFormatName(format)));
  }
  auto bytes = formats::FormatRegistry::standard().encodeNodes(format, bootstrapPackNodes(config), model);
  if (!bytes) return fail("Bootstrap-Pack as " + std::string(formats::contentFormatName(format)) + ": " +
                          bytes.error().message);
  return bytes;
}

Result<BootstrapPack> decodeBootstrapPack(formats::Payload payload, formats::ContentFormat format,
                                          const model::ObjectModel& model) {
  if (!isBootstrapPackFormat(format)) {
    return fail("Bootstrap-Pack in " + std::string(formats::contentFormatName(format)) +
                ": expected SenML CBOR, SenML JSON or LwM2M CBOR");
  }
  const std::vector<model::Path> objects{model::Path(kSecurity), model::Path(kServer), model::Path(kAcl)};
  auto nodes = formats::FormatRegistry::standard().decodeNodes(format, payload, &objects,
                                                               formats::DecodeContext{model});
  if (!nodes) return fail("Bootstrap-Pack: " + nodes.error().message);
  BootstrapPack pack;
  for (const auto& [path, node] : *nodes) {
    const model::Object* object = node.object();
    if (!object) return fail("Bootstrap-Pack: " + path.toString() + " is not an object");
    pack.objects[object->id()] = object->instances();
  }
  return pack;
}

}  // namespace lwm2m::server
