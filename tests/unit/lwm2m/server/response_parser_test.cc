#include "lwm2m/server/response_parser.h"

#include <gtest/gtest.h>

#include "lwm2m/formats/content_format.h"

namespace lwm2m::server {
namespace {

using model::Path;
using model::Value;

coap::Message answer(coap::Code code, std::uint16_t format, std::string body) {
  coap::Message m;
  m.type = coap::MessageType::Acknowledgement;
  m.code = code;
  if (!body.empty()) m.setContentFormat(format);
  m.setPayload(body);
  return m;
}

operations::DeviceResponse parse(const operations::DeviceRequest& request, const coap::Message& m) {
  return parseResponse(request, m, ClientProfile{}, model::ObjectModel::builtIn(), 1.8e9);
}

TEST(ResponseParser, ReadOfAResourceDecodesItsTypedValue) {
  auto r = parse(operations::DeviceRequest::read(Path(3, 0, 9)), answer(coap::codes::Content, formats::kText, "87"));
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.code, "2.05");
  EXPECT_EQ(r.codeName, "content");
  EXPECT_EQ(r.contentFormat, formats::kText);
  ASSERT_TRUE(r.node && r.node->resource());
  EXPECT_EQ(r.node->resource()->value(), Value::integer(87));
}

TEST(ResponseParser, ReadOfAnInstanceInTlvGivesTheTree) {
  coap::Message m = answer(coap::codes::Content, formats::kTlv, "");
  m.setContentFormat(formats::kTlv);
  m.payload = {0xc1, 0x09, 0x57, 0xc3, 0x01, 'a', 'b', 'c'};  // /3/0/9 = 87, /3/0/1 = "abc"
  auto r = parse(operations::DeviceRequest::read(Path(3, 0)), m);
  ASSERT_TRUE(r.ok()) << r.reason;
  ASSERT_TRUE(r.node && r.node->objectInstance());
  EXPECT_EQ(r.node->objectInstance()->resource(9)->value(), Value::integer(87));
  EXPECT_EQ(r.node->objectInstance()->resource(1)->value(), Value::string("abc"));
}

TEST(ResponseParser, SenmlKeepsTimestamps) {
  auto r = parse(operations::DeviceRequest::observe(Path(3303, 0, 5700)),
                 answer(coap::codes::Content, formats::kSenmlJson,
                        R"([{"bn":"/3303/0/5700","bt":1700000000,"v":21.5}])"));
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.node->resource()->value(), Value::floating(21.5));
  ASSERT_EQ(r.timestamped.size(), 1u);
  EXPECT_EQ(r.timestamped[0].time, 1700000000.0);
}

TEST(ResponseParser, DeviceErrorsCarryCodeNameAndDiagnostic) {
  auto r = parse(operations::DeviceRequest::read(Path(3, 0, 99)), answer(coap::codes::NotFound, formats::kText, "no such resource"));
  EXPECT_EQ(r.outcome, operations::Outcome::DeviceError);
  EXPECT_EQ(r.code, "4.04");
  EXPECT_EQ(r.codeName, "not_found");
  EXPECT_EQ(r.reason, "no such resource");
  EXPECT_FALSE(r.node);
}

TEST(ResponseParser, UndecodableBodyIsAnInvalidResponseNamingTheFormat) {
  auto r = parse(operations::DeviceRequest::read(Path(3, 0)), answer(coap::codes::Content, formats::kSenmlJson, "[{"));
  EXPECT_EQ(r.outcome, operations::Outcome::InvalidResponse);
  EXPECT_NE(r.reason.find("SenML JSON"), std::string::npos);
}

TEST(ResponseParser, DiscoverGivesLinks) {
  auto r = parse(operations::DeviceRequest::discover(Path(3303, 0)),
                 answer(coap::codes::Content, formats::kLinkFormat, "</3303/0>,</3303/0/5700>;pmin=10"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.links.size(), 2u);
  EXPECT_EQ(r.links[1].target, "/3303/0/5700");
  ASSERT_TRUE(r.links[1].find("pmin"));
}

TEST(ResponseParser, CreateTakesTheNewInstanceFromLocationPath) {
  auto req = operations::DeviceRequest::create(3311, model::ObjectInstance(0, std::vector<model::Resource>{}));
  coap::Message created = answer(coap::codes::Created, 0, "");
  created.setLocationPath("3311/4");
  auto r = parse(req, created);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.code, "2.01");
  EXPECT_EQ(r.createdPath, Path(3311, 4));
  // No Location-Path: the proposed id stands.
  auto plain = parse(req, answer(coap::codes::Created, 0, ""));
  EXPECT_EQ(plain.createdPath, Path(3311, 0));
}

TEST(ResponseParser, ReadCompositeGroupsValuesByRequestedPath) {
  auto req = operations::DeviceRequest::readComposite({Path(3, 0, 9), Path(3303, 0)});
  auto r = parse(req, answer(coap::codes::Content, formats::kSenmlJson,
                             R"([{"n":"/3/0/9","v":87},{"n":"/3303/0/5700","v":20.5},{"n":"/3303/0/5701","vs":"Cel"}])"));
  ASSERT_TRUE(r.ok()) << r.reason;
  ASSERT_EQ(r.nodes.size(), 2u);
  EXPECT_EQ(r.nodes.at(Path(3, 0, 9)).resource()->value(), Value::integer(87));
  EXPECT_EQ(r.nodes.at(Path(3303, 0)).objectInstance()->resources().size(), 2u);
}

TEST(ResponseParser, ObserveResponseCarriesTheSequence) {
  coap::Message m = answer(coap::codes::Content, formats::kText, "21.5");
  m.setObserve(12);
  auto r = parse(operations::DeviceRequest::observe(Path(3303, 0, 5700)), m);
  EXPECT_EQ(r.observeSequence, 12u);
}

TEST(ResponseParser, WriteDeleteAndExecuteAreJustTheirCode) {
  EXPECT_EQ(parse(operations::DeviceRequest::remove(Path(3311, 1)), answer(coap::codes::Deleted, 0, "")).codeName, "deleted");
  auto exec = parse(operations::DeviceRequest::execute(Path(3, 0, 4)), answer(coap::codes::MethodNotAllowed, 0, ""));
  EXPECT_EQ(exec.outcome, operations::Outcome::DeviceError);
  EXPECT_EQ(exec.codeName, "method_not_allowed");
}

}  // namespace
}  // namespace lwm2m::server
