// libFuzzer target: Bootstrap-Pack. The first byte chooses what the rest is:
// even, a CoAP datagram read as a Bootstrap-Pack-Request (a request is either
// servable, with an endpoint and a pack format, or refused with a 4.xx code
// and a reason); odd, a pack body in SenML CBOR, SenML JSON or LwM2M CBOR (a
// pack that decodes holds only /0, /1 and /2 and encodes again).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "lwm2m/coap/codec.h"
#include "lwm2m/formats/format_registry.h"
#include "lwm2m/server/bootstrap_pack.h"

namespace {

void fuzzRequest(std::span<const std::uint8_t> bytes) {
  auto message = lwm2m::coap::decode(bytes);
  if (!message) return;
  lwm2m::server::BootstrapPackRefusal refusal;
  auto parsed = lwm2m::server::parseBootstrapPackRequest(*message, refusal);
  if (parsed) {
    if (parsed->endpoint.empty() || !lwm2m::server::isBootstrapPackFormat(parsed->format)) std::abort();
  } else if (refusal.reason.empty() || refusal.code.codeClass() != 4) {
    std::abort();
  }
}

void fuzzPack(std::uint8_t selector, std::span<const std::uint8_t> bytes) {
  static const auto model = lwm2m::model::ObjectModel::builtIn();
  static constexpr lwm2m::formats::ContentFormat kFormats[] = {
      lwm2m::formats::kSenmlCbor, lwm2m::formats::kSenmlJson, lwm2m::formats::kLwm2mCbor};
  const auto format = kFormats[(selector >> 1) % 3];
  auto pack = lwm2m::server::decodeBootstrapPack(bytes, format, model);
  if (!pack) {
    if (pack.error().message.rfind("Bootstrap-Pack", 0) != 0) std::abort();  // says what failed
    return;
  }
  lwm2m::model::NodesByPath nodes;
  for (const auto& [object, instances] : pack->objects) {
    if (object > 2) std::abort();
    nodes.emplace(lwm2m::model::Path(object), lwm2m::model::Object(object, instances));
  }
  (void)lwm2m::formats::FormatRegistry::standard().encodeNodes(format, nodes, model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    fuzzRequest(rest);
  } else {
    fuzzPack(data[0], rest);
  }
  return 0;
}
