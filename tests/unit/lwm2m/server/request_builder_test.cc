#include "lwm2m/server/request_builder.h"

#include <gtest/gtest.h>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::server {
namespace {

using model::Path;
using model::Resource;
using model::Value;

ClientProfile client(std::string version, std::vector<formats::ContentFormat> ct = {},
                     std::string root = "/") {
  ClientProfile p;
  p.version = std::move(version);
  p.advertised = std::move(ct);
  p.rootPath = std::move(root);
  return p;
}

coap::Message build(const operations::DeviceRequest& r, const ClientProfile& c) {
  auto m = buildRequest(r, c, model::ObjectModel::builtIn());
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? m.value() : coap::Message{};
}

std::string uri(const coap::Message& m) {
  std::string s;
  for (const auto& seg : m.uriPath()) s += "/" + seg;
  return s.empty() ? "/" : s;
}

TEST(RequestBuilder, ReadOnEveryLevelAsksForThePreferredFormat) {
  auto v10 = client("1.0");
  auto m = build(operations::DeviceRequest::read(Path(3)), v10);
  EXPECT_EQ(m.code, coap::codes::Get);
  EXPECT_EQ(m.type, coap::MessageType::Confirmable);
  EXPECT_EQ(uri(m), "/3");
  EXPECT_EQ(m.accept(), formats::kTlv);
  EXPECT_FALSE(m.observe());
  EXPECT_EQ(uri(build(operations::DeviceRequest::read(Path(3, 0)), v10)), "/3/0");
  EXPECT_EQ(uri(build(operations::DeviceRequest::read(Path(3, 0, 9)), v10)), "/3/0/9");
  EXPECT_EQ(uri(build(operations::DeviceRequest::read(Path(3, 0, 7, 1)), v10)), "/3/0/7/1");
  EXPECT_EQ(build(operations::DeviceRequest::read(Path(3, 0)), client("1.1", {110})).accept(), formats::kSenmlJson);
  EXPECT_EQ(build(operations::DeviceRequest::read(Path(3, 0)), client("1.1")).accept(), formats::kSenmlCbor);
  EXPECT_EQ(build(operations::DeviceRequest::read(Path(3, 0)), client("1.2", {11544})).accept(), formats::kLwm2mCbor);
}

TEST(RequestBuilder, PathsGoBelowTheAlternateRootPath) {
  auto m = build(operations::DeviceRequest::read(Path(3303, 0, 5700)), client("1.1", {}, "/lwm2m"));
  EXPECT_EQ(uri(m), "/lwm2m/3303/0/5700");
  auto composite = build(operations::DeviceRequest::readComposite({Path(3, 0, 9)}), client("1.1", {}, "/lwm2m"));
  EXPECT_EQ(uri(composite), "/lwm2m");
}

TEST(RequestBuilder, ProfileTakesFormatsFromTheRootLink) {
  Registration reg;
  reg.version = "1.1";
  reg.rootPath = "/";
  auto links = formats::parseLinkFormat("</>;rt=\"oma.lwm2m\";ct=\"110 112\",</3/0>;ct=11542");
  ASSERT_TRUE(links.ok());
  reg.objectLinks = links.value();
  auto p = ClientProfile::of(reg);
  EXPECT_EQ(p.advertised, (std::vector<formats::ContentFormat>{110, 112}));
  EXPECT_EQ(p.treeFormat(), formats::kSenmlJson);
}

TEST(RequestBuilder, DiscoverAcceptsLinkFormat) {
  auto m = build(operations::DeviceRequest::discover(Path(3, 0)), client("1.1"));
  EXPECT_EQ(m.code, coap::codes::Get);
  EXPECT_EQ(m.accept(), formats::kLinkFormat);
  EXPECT_TRUE(m.payload.empty());
}

TEST(RequestBuilder, ObjectsTheModelDoesNotKnowGoInAFormatThatCarriesTypes) {
  using operations::DeviceRequest;
  const Path vendor(31024, 10);
  // A 1.1 client that prefers TLV still gets SenML for a vendor object.
  EXPECT_EQ(build(DeviceRequest::read(Path(3, 0)), client("1.1", {11542, 110})).accept(), formats::kTlv);
  EXPECT_EQ(build(DeviceRequest::read(vendor), client("1.1", {11542, 110})).accept(), formats::kSenmlJson);
  EXPECT_EQ(build(DeviceRequest::read(vendor), client("1.1")).accept(), formats::kSenmlCbor);
  EXPECT_EQ(build(DeviceRequest::observe(Path(31024, 10, 1)), client("1.2", {11544})).accept(), formats::kLwm2mCbor);
  EXPECT_EQ(build(DeviceRequest::read(vendor), client("1.0", {11543})).accept(), formats::kLwm2mJson);
  EXPECT_EQ(build(DeviceRequest::read(vendor), client("1.0")).accept(), formats::kTlv) << "all a 1.0 device must speak";
  // A resource a known object's definition lacks counts as unknown too.
  EXPECT_EQ(build(DeviceRequest::read(Path(3, 0, 999)), client("1.1", {11542})).accept(), formats::kSenmlCbor);
  auto write = build(DeviceRequest::writeReplace(Path(31024, 10, 2), Resource::single(2, Value::floating(21.5))),
                     client("1.1", {11542}));
  EXPECT_EQ(write.contentFormat(), formats::kSenmlCbor);
  auto create = build(DeviceRequest::create(31024, model::ObjectInstance(1, std::vector<Resource>{
                                                           Resource::single(0, Value::string("x"))})),
                      client("1.2", {11544}));
  EXPECT_EQ(create.contentFormat(), formats::kLwm2mCbor);
}

TEST(RequestBuilder, WriteReplaceIsPutAndPartialUpdateIsPostWithATlvBodyFor10) {
  model::ObjectInstance light(0, std::vector<Resource>{Resource::single(5850, Value::boolean(true)),
                                                     Resource::single(5851, Value::integer(40))});
  auto put = build(operations::DeviceRequest::writeReplace(Path(3311, 0), light), client("1.0"));
  EXPECT_EQ(put.code, coap::codes::Put);
  EXPECT_EQ(put.contentFormat(), formats::kTlv);
  // TLV: resource 5850 = 1 (one byte), resource 5851 = 40 (one byte).
  EXPECT_EQ(put.payload, (std::vector<std::uint8_t>{0xe1, 0x16, 0xda, 0x01, 0xe1, 0x16, 0xdb, 0x28}));
  auto post = build(operations::DeviceRequest::writeUpdate(Path(3311, 0), light), client("1.0"));
  EXPECT_EQ(post.code, coap::codes::Post);
  EXPECT_EQ(post.payload, put.payload);
}

TEST(RequestBuilder, WriteOfOneResourceUsesSenmlForA11Client) {
  auto m = build(operations::DeviceRequest::writeReplace(Path(1, 0, 1), Resource::single(1, Value::integer(300))),
                 client("1.1", {110}));
  EXPECT_EQ(m.code, coap::codes::Put);
  EXPECT_EQ(m.contentFormat(), formats::kSenmlJson);
  EXPECT_EQ(m.payloadString(), R"([{"bn":"/1/0/1","v":300}])");
}

TEST(RequestBuilder, AnOpaqueResourceIsWrittenAsRawBytesTo11ClientsAndInTlvTo10) {
  const std::vector<std::uint8_t> image{0x00, 0xff, 0x10, 0x80};
  const auto write = operations::DeviceRequest::writeReplace(Path(5, 0, 0), Resource::single(0, Value::opaque(image)));
  auto m = build(write, client("1.1", {110}));
  EXPECT_EQ(m.code, coap::codes::Put);
  EXPECT_EQ(m.contentFormat(), formats::kOpaque);
  EXPECT_EQ(m.payload, image);
  auto old = build(write, client("1.0"));
  EXPECT_EQ(old.contentFormat(), formats::kTlv);
  EXPECT_EQ(old.payload, (std::vector<std::uint8_t>{0xc4, 0x00, 0x00, 0xff, 0x10, 0x80}));
  auto asked = write;
  asked.format = formats::kSenmlCbor;
  EXPECT_EQ(build(asked, client("1.1", {110})).contentFormat(), formats::kSenmlCbor);
}

TEST(RequestBuilder, WriteAttributesAreUriQueriesWithoutBody) {
  operations::NotificationAttributes a;
  a.minPeriod = 5;
  a.maxPeriod = 60;
  a.greaterThan = 30.5;
  a.lessThan = 10;
  a.step = 0.5;
  a.minEvalPeriod = 1;
  a.maxEvalPeriod = 2;
  a.edge = true;
  a.confirmable = false;
  a.historicalQueueMax = 8;
  a.clear = {"pmin"};
  auto m = build(operations::DeviceRequest::writeAttributes(Path(3303, 0, 5700), a), client("1.2"));
  EXPECT_EQ(m.code, coap::codes::Put);
  EXPECT_EQ(uri(m), "/3303/0/5700");
  EXPECT_EQ(m.uriQuery(), (std::vector<std::string>{"pmin=5", "pmax=60", "gt=30.5", "lt=10.0", "st=0.5",
                                                     "epmin=1", "epmax=2", "edge=1", "con=0",
                                                     "hqmax=8", "pmin"}));
  EXPECT_TRUE(m.payload.empty());
  EXPECT_FALSE(m.contentFormat());
}

TEST(RequestBuilder, WriteAttributesWithNothingToSayIsRefused) {
  auto m = buildRequest(operations::DeviceRequest::writeAttributes(Path(3, 0), {}), client("1.1"),
                        model::ObjectModel::builtIn());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("at least one attribute"), std::string::npos);
}

TEST(RequestBuilder, ExecuteIsPostWithTextArguments) {
  auto bare = build(operations::DeviceRequest::execute(Path(3, 0, 4)), client("1.0"));
  EXPECT_EQ(bare.code, coap::codes::Post);
  EXPECT_TRUE(bare.payload.empty());
  EXPECT_FALSE(bare.contentFormat());
  auto args = build(operations::DeviceRequest::execute(Path(5, 0, 2), "0='now'"), client("1.0"));
  EXPECT_EQ(args.contentFormat(), formats::kText);
  EXPECT_EQ(args.payloadString(), "0='now'");
  EXPECT_FALSE(buildRequest(operations::DeviceRequest::execute(Path(5, 0)), client("1.0"), model::ObjectModel::builtIn()).ok());
}

TEST(RequestBuilder, CreateIsPostOnTheObjectWithTheInstanceInTheBody) {
  model::ObjectInstance light(7, std::vector<Resource>{Resource::single(5850, Value::boolean(false))});
  auto m = build(operations::DeviceRequest::create(3311, light), client("1.0"));
  EXPECT_EQ(m.code, coap::codes::Post);
  EXPECT_EQ(uri(m), "/3311");
  EXPECT_EQ(m.contentFormat(), formats::kTlv);
  // Object instance 7 wrapping resource 5850 = false.
  EXPECT_EQ(m.payload, (std::vector<std::uint8_t>{0x04, 0x07, 0xe1, 0x16, 0xda, 0x00}));
  auto senml = build(operations::DeviceRequest::create(3311, light), client("1.1", {110}));
  EXPECT_EQ(senml.payloadString(), R"([{"bn":"/3311/","n":"7/5850","vb":false}])");
}

TEST(RequestBuilder, DeleteIsDeleteOnTheInstance) {
  auto m = build(operations::DeviceRequest::remove(Path(3311, 1)), client("1.1"));
  EXPECT_EQ(m.code, coap::codes::Delete);
  EXPECT_EQ(uri(m), "/3311/1");
  EXPECT_FALSE(buildRequest(operations::DeviceRequest::remove(Path(3311)), client("1.1"), model::ObjectModel::builtIn()).ok());
}

TEST(RequestBuilder, ReadCompositeIsFetchOnTheRootWithAPathList) {
  auto m = build(operations::DeviceRequest::readComposite({Path(3, 0, 9), Path(3303, 0)}), client("1.1", {110}));
  EXPECT_EQ(m.code, coap::codes::Fetch);
  EXPECT_EQ(uri(m), "/");
  EXPECT_EQ(m.contentFormat(), formats::kSenmlJson);
  EXPECT_EQ(m.accept(), formats::kSenmlJson);
  EXPECT_EQ(m.payloadString(), R"([{"n":"/3/0/9"},{"n":"/3303/0"}])");
  EXPECT_FALSE(m.observe());
}

TEST(RequestBuilder, CompositeOperationsAreRefusedFor10Clients) {
  auto m = buildRequest(operations::DeviceRequest::readComposite({Path(3, 0, 9)}), client("1.0"),
                        model::ObjectModel::builtIn());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("1.1"), std::string::npos);
}

TEST(RequestBuilder, WriteCompositeIsIPatchWithValues) {
  model::NodesByPath nodes;
  nodes.emplace(Path(3311, 0, 5850), Resource::single(5850, Value::boolean(true)));
  nodes.emplace(Path(1, 0, 1), Resource::single(1, Value::integer(60)));
  auto m = build(operations::DeviceRequest::writeComposite(nodes), client("1.1", {110}));
  EXPECT_EQ(m.code, coap::codes::IPatch);
  EXPECT_EQ(uri(m), "/");
  EXPECT_EQ(m.contentFormat(), formats::kSenmlJson);
  EXPECT_EQ(m.payloadString(), R"([{"n":"/1/0/1","v":60},{"n":"/3311/0/5850","vb":true}])");
}

TEST(RequestBuilder, ObserveAndActiveCancelCarryObserveZeroAndOne) {
  const coap::Token token{1, 2, 3, 4};
  auto obs = build(operations::DeviceRequest::observe(Path(3303, 0, 5700)), client("1.1"));
  EXPECT_EQ(obs.code, coap::codes::Get);
  EXPECT_EQ(obs.observe(), 0u);
  EXPECT_EQ(obs.accept(), formats::kSenmlCbor);
  auto cancel = buildRequest(operations::DeviceRequest::cancelObserve(Path(3303, 0, 5700)), client("1.1"),
                             model::ObjectModel::builtIn(), token);
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->observe(), 1u);
  EXPECT_EQ(cancel->token, token);
  EXPECT_EQ(uri(*cancel), "/3303/0/5700");
}

TEST(RequestBuilder, ObserveCompositeIsFetchWithObserve) {
  auto obs = build(operations::DeviceRequest::observeComposite({Path(3303, 0, 5700), Path(3, 0, 9)}), client("1.1"));
  EXPECT_EQ(obs.code, coap::codes::Fetch);
  EXPECT_EQ(obs.observe(), 0u);
  EXPECT_EQ(obs.contentFormat(), formats::kSenmlCbor);
  EXPECT_EQ(obs.accept(), formats::kSenmlCbor);
  auto cancel = build(operations::DeviceRequest::cancelObserveComposite({Path(3303, 0, 5700)}), client("1.1"));
  EXPECT_EQ(cancel.code, coap::codes::Fetch);
  EXPECT_EQ(cancel.observe(), 1u);
}

TEST(RequestBuilder, LwM2mCborCompositeSendsItsPathListAsSenmlCbor) {
  auto m = build(operations::DeviceRequest::readComposite({Path(3, 0, 9)}), client("1.2", {11544}));
  EXPECT_EQ(m.contentFormat(), formats::kSenmlCbor);
  EXPECT_EQ(m.accept(), formats::kLwm2mCbor);
}

TEST(RequestBuilder, ExplicitFormatOverridesTheChoice) {
  auto r = operations::DeviceRequest::read(Path(3, 0, 9));
  r.format = formats::kText;
  EXPECT_EQ(build(r, client("1.1")).accept(), formats::kText);
}

TEST(RequestBuilder, AWriteWithoutValueOrAtTheWrongLevelIsRefused) {
  operations::DeviceRequest r = operations::DeviceRequest::writeReplace(Path(3, 0), Resource::single(1, Value::string("x")));
  auto m = buildRequest(r, client("1.1"), model::ObjectModel::builtIn());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("/3/0"), std::string::npos);
  r.node.reset();
  EXPECT_FALSE(buildRequest(r, client("1.1"), model::ObjectModel::builtIn()).ok());
}

}  // namespace
}  // namespace lwm2m::server
