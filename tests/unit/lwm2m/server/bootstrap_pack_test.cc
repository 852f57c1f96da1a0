// Bootstrap-Pack encoding and decoding (lwm2m/server/bootstrap_pack.h): the
// request a device sends, the pack in each of its three formats, and the
// errors a malformed pack gives.

#include "lwm2m/server/bootstrap_pack.h"

#include <gtest/gtest.h>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::server {
namespace {

BootstrapConfig sampleConfig() {
  BootstrapConfig config;
  config.endpoint = "meter-1";
  SecurityInstance security;
  security.instance = 1;
  security.serverUri = "coaps://192.0.2.1:5684";
  security.mode = SecurityMode::Psk;
  security.pskIdentity = "meter-1-0102";
  security.pskKey = {0xde, 0xad, 0xbe, 0xef};
  security.shortServerId = 7;
  config.security.push_back(security);
  config.servers.push_back(ServerInstance{0, 7, 600, false, "UQ"});
  config.acls.push_back(AclInstance{3, 3, 0, {{7, 15}}, 7});
  return config;
}

coap::Message packRequest(std::string_view query, std::optional<std::uint16_t> accept) {
  coap::Message request;
  request.code = coap::codes::Get;
  request.setUriPath("bspack");
  if (!query.empty()) request.addUriQuery(query);
  if (accept) request.setAccept(*accept);
  return request;
}

TEST(BootstrapPackRequest, ReadsEndpointAndFormat) {
  BootstrapPackRefusal refusal;
  auto parsed = parseBootstrapPackRequest(packRequest("ep=meter-1", 11544), refusal);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->endpoint, "meter-1");
  EXPECT_EQ(parsed->format, formats::kLwm2mCbor);
  parsed = parseBootstrapPackRequest(packRequest("ep=meter-1", std::nullopt), refusal);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->format, formats::kSenmlCbor);
}

TEST(BootstrapPackRequest, RefusalsNameTheProblem) {
  BootstrapPackRefusal refusal;
  EXPECT_FALSE(parseBootstrapPackRequest(packRequest("pct=112", 112), refusal));
  EXPECT_EQ(refusal.code, coap::codes::BadRequest);
  EXPECT_EQ(refusal.reason, "Bootstrap-Pack-Request without ep");

  EXPECT_FALSE(parseBootstrapPackRequest(packRequest("ep=a", 0), refusal));
  EXPECT_EQ(refusal.code, coap::codes::NotAcceptable);
  EXPECT_EQ(refusal.reason,
            "Bootstrap-Pack is sent as SenML CBOR (112), SenML JSON (110) or LwM2M CBOR (11544), not 0 (text/plain)");

  auto post = packRequest("ep=a", 112);
  post.code = coap::codes::Post;
  EXPECT_FALSE(parseBootstrapPackRequest(post, refusal));
  EXPECT_EQ(refusal.code, coap::codes::MethodNotAllowed);
}

// The pack as SenML JSON, the one format people read: every resource of the
// three objects with its type (vs strings, vd base64url opaque as RFC 8428
// says: 0xdeadbeef is "3q2-7w", v numbers, vb booleans).
TEST(BootstrapPackEncoding, SenmlJsonGolden) {
  auto bytes = encodeBootstrapPack(sampleConfig(), formats::kSenmlJson, model::ObjectModel::builtIn());
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(std::string(bytes->begin(), bytes->end()),
            R"([{"n":"/0/1/0","vs":"coaps://192.0.2.1:5684"},{"n":"/0/1/1","vb":false},{"n":"/0/1/2","v":0},)"
            R"({"n":"/0/1/3","vd":"bWV0ZXItMS0wMTAy"},{"n":"/0/1/4","vd":""},{"n":"/0/1/5","vd":"3q2-7w"},)"
            R"({"n":"/0/1/10","v":7},{"n":"/1/0/0","v":7},{"n":"/1/0/1","v":600},{"n":"/1/0/6","vb":false},)"
            R"({"n":"/1/0/7","vs":"UQ"},{"n":"/2/3/0","v":3},{"n":"/2/3/1","v":0},{"n":"/2/3/2/7","v":15},)"
            R"({"n":"/2/3/3","v":7}])");
}

TEST(BootstrapPackEncoding, EveryPackFormatRoundTrips) {
  const auto model = model::ObjectModel::builtIn();
  for (auto format : {formats::kSenmlCbor, formats::kSenmlJson, formats::kLwm2mCbor}) {
    SCOPED_TRACE(std::string(formats::contentFormatName(format)));
    auto bytes = encodeBootstrapPack(sampleConfig(), format, model);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto pack = decodeBootstrapPack(*bytes, format, model);
    ASSERT_TRUE(pack.ok()) << pack.error().message;
    ASSERT_EQ(pack->objects.size(), 3u);
    EXPECT_EQ(pack->objects.at(0).at(1), securityInstanceNode(sampleConfig().security[0]));
    EXPECT_EQ(pack->objects.at(1).at(0), serverInstanceNode(sampleConfig().servers[0]));
    EXPECT_EQ(pack->objects.at(2).at(3), aclInstanceNode(sampleConfig().acls[0]));
  }
}

TEST(BootstrapPackEncoding, NoSecAccountCarriesNoKeyAndEmptyObjectsAreLeftOut) {
  BootstrapConfig config = defaultBootstrapConfig("coap://192.0.2.1:5683", false, 60);
  config.security[0].pskKey = {1, 2, 3};  // ignored outside PSK mode
  const auto nodes = bootstrapPackNodes(config);
  EXPECT_EQ(nodes.size(), 2u);  // no ACL instances: no /2
  const auto* security = nodes.at(model::Path(0)).object()->instance(1);
  ASSERT_NE(security, nullptr);
  EXPECT_TRUE(security->resource(5)->value().asOpaque().empty());
  EXPECT_FALSE(encodeBootstrapPack(config, formats::kTlv, model::ObjectModel::builtIn()).ok());
}

TEST(BootstrapPackDecoding, OtherObjectsAndMalformedBodiesAreErrors) {
  const auto model = model::ObjectModel::builtIn();
  const std::string device = R"([{"n":"/3/0/0","vs":"x"}])";
  auto other = decodeBootstrapPack(formats::Payload(reinterpret_cast<const std::uint8_t*>(device.data()), device.size()),
                                   formats::kSenmlJson, model);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message, "Bootstrap-Pack: SenML JSON: value at /3/0/0 was not requested");
  const std::uint8_t junk[] = {0xff, 0x00};
  EXPECT_FALSE(decodeBootstrapPack(junk, formats::kSenmlCbor, model).ok());
  EXPECT_FALSE(decodeBootstrapPack(junk, formats::kTlv, model).ok());
}

}  // namespace
}  // namespace lwm2m::server
