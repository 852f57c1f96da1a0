#pragma once
// Bootstrap-Pack (LwM2M 1.2 Core §6.1.7.8, Transport §6.1): a device asks
// for its whole bootstrap configuration in one request,
//   GET /bspack?ep=NAME   Accept: SenML CBOR (112), SenML JSON (110) or LwM2M CBOR (11544)
// and is answered 2.05 with the Security (/0), Server (/1) and Access
// Control (/2) instances in that format. The device applies them as if the
// bootstrap server had deleted its server accounts and written them.
//
// This file holds the pure parts shared by the bootstrap server (request
// parsing, the object instances it provisions, the pack's encoding) and by
// clients (decoding a pack). No transport, no I/O; decoders never throw.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/coap/message.h"
#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/node_codec.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"
#include "lwm2m/server/bootstrap_config.h"

namespace lwm2m::server {

// The object instances a configuration provisions, as written by
// Bootstrap-Write and carried in a Bootstrap-Pack. PSK keys are included in
// Security instances of mode PSK only.
model::ObjectInstance securityInstanceNode(const SecurityInstance& security);
model::ObjectInstance serverInstanceNode(const ServerInstance& server);
model::ObjectInstance aclInstanceNode(const AclInstance& acl);

// The formats a pack can be asked for (SenML CBOR, SenML JSON, LwM2M CBOR).
bool isBootstrapPackFormat(formats::ContentFormat format);
// The format used when a Bootstrap-Pack-Request carries no Accept option.
inline constexpr formats::ContentFormat kDefaultBootstrapPackFormat = formats::kSenmlCbor;

struct BootstrapPackRequest {
  std::string endpoint;           // ep=
  formats::ContentFormat format;  // Accept, or kDefaultBootstrapPackFormat
};

// Why a request is not a servable Bootstrap-Pack-Request: the CoAP code to
// answer with and a message naming the problem.
struct BootstrapPackRefusal {
  coap::Code code;
  std::string reason;
};

// Reads a request already routed to /bspack: method GET, a non-empty ep=
// query (4.00 otherwise; 4.05 for another method) and an Accept of a pack
// format (4.06 otherwise).
std::optional<BootstrapPackRequest> parseBootstrapPackRequest(const coap::Message& request,
                                                              BootstrapPackRefusal& refusal);

// The pack's nodes: /0, /1 and /2 as objects (an object without instances
// is left out).
model::NodesByPath bootstrapPackNodes(const BootstrapConfig& config);
// The pack in `format` (one of isBootstrapPackFormat). Errors name the format.
Result<model::Bytes> encodeBootstrapPack(const BootstrapConfig& config, formats::ContentFormat format,
                                         const model::ObjectModel& model);

// A decoded pack: the instances per object (0, 1, 2).
struct BootstrapPack {
  std::map<model::ObjectId, std::map<model::InstanceId, model::ObjectInstance>> objects;
};
// Decodes a pack a bootstrap server sent. Values outside /0, /1 and /2, an
// unknown format or a malformed body give an error naming the problem.
Result<BootstrapPack> decodeBootstrapPack(formats::Payload payload, formats::ContentFormat format,
                                          const model::ObjectModel& model);

}  // namespace lwm2m::server
