#include "lwm2m/server/registration_request.h"

#include <gtest/gtest.h>

namespace lwm2m::server {
namespace {

coap::Message registerRequest(std::initializer_list<std::string_view> query,
                              std::string_view links = "</1/0>,</3/0>") {
  coap::Message m;
  m.code = coap::codes::Post;
  m.setUriPath("rd");
  for (auto q : query) m.addUriQuery(q);
  if (!links.empty()) {
    m.setContentFormat(40);
    m.setPayload(links);
  }
  return m;
}

RegisterParameters accepted(const coap::Message& m, RegistrationPolicy policy = {}) {
  auto r = parseRegister(m, policy);
  if (auto* rej = std::get_if<Rejection>(&r)) {
    ADD_FAILURE() << "rejected: " << rej->code.toString() << " " << rej->reason;
    return {};
  }
  return std::get<RegisterParameters>(r);
}

Rejection rejected(const coap::Message& m, RegistrationPolicy policy = {}) {
  auto r = parseRegister(m, policy);
  if (!std::holds_alternative<Rejection>(r)) {
    ADD_FAILURE() << "accepted, expected a rejection";
    return {};
  }
  return std::get<Rejection>(r);
}

TEST(ParseRegister, FullRequestOf11Client) {
  auto p = accepted(registerRequest({"ep=sensor-1", "lt=300", "lwm2m=1.1", "b=U", "Q", "sms=+4912"},
                                    "</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3/0>;ver=1.1,</3303/0>"));
  EXPECT_EQ(p.endpoint, "sensor-1");
  EXPECT_EQ(p.lifetime, 300u);
  EXPECT_EQ(p.version, "1.1");
  EXPECT_EQ(p.binding, "U");
  EXPECT_TRUE(p.queueMode);
  EXPECT_EQ(p.smsNumber, "+4912");
  EXPECT_EQ(p.rootPath, "/");
  ASSERT_EQ(p.objectLinks.size(), 4u);
  EXPECT_EQ(p.objectLinks[2].target, "/3/0");
  ASSERT_NE(p.objectLinks[2].find("ver"), nullptr);
  EXPECT_EQ(p.objectLinks[2].find("ver")->value, "1.1");
}

TEST(ParseRegister, DefaultsApplyWhenOmitted) {
  auto p = accepted(registerRequest({"ep=a", "lwm2m=1.0"}));
  EXPECT_EQ(p.lifetime, 86400u);
  EXPECT_EQ(p.binding, "U");
  EXPECT_FALSE(p.queueMode);
}

TEST(ParseRegister, MissingEndpointIsBadRequest) {
  auto r = rejected(registerRequest({"lt=300", "lwm2m=1.1"}));
  EXPECT_EQ(r.code, coap::codes::BadRequest);
  EXPECT_NE(r.reason.find("ep="), std::string::npos);
}

TEST(ParseRegister, MalformedVersionIsBadRequest) {
  for (auto v : {"lwm2m=1.0.2", "lwm2m=v1.1", "lwm2m=1", "lwm2m=1.", "lwm2m="}) {
    auto r = rejected(registerRequest({"ep=a", v}));
    EXPECT_EQ(r.code, coap::codes::BadRequest) << v;
  }
}

TEST(ParseRegister, UnsupportedVersionIsPreconditionFailed) {
  auto r = rejected(registerRequest({"ep=a", "lwm2m=2.0"}));
  EXPECT_EQ(r.code, coap::codes::PreconditionFailed);
  EXPECT_NE(r.reason.find("2.0"), std::string::npos);
}

TEST(ParseRegister, MissingVersionMeans10UnlessStrict) {
  EXPECT_EQ(accepted(registerRequest({"ep=old"})).version, "1.0");
  auto r = rejected(registerRequest({"ep=old"}), RegistrationPolicy{.strictVersion = true});
  EXPECT_EQ(r.code, coap::codes::BadRequest);
}

TEST(ParseRegister, QueueModeIsBindingUQIn10AndQParameterFrom11) {
  EXPECT_TRUE(accepted(registerRequest({"ep=a", "lwm2m=1.0", "b=UQ"})).queueMode);
  EXPECT_FALSE(accepted(registerRequest({"ep=a", "lwm2m=1.0", "b=U"})).queueMode);
  EXPECT_TRUE(accepted(registerRequest({"ep=a", "lwm2m=1.2", "Q"})).queueMode);
  // Q inside b= is 1.0 syntax, invalid from 1.1; the Q parameter does not exist in 1.0.
  EXPECT_EQ(rejected(registerRequest({"ep=a", "lwm2m=1.1", "b=UQ"})).code, coap::codes::BadRequest);
  EXPECT_EQ(rejected(registerRequest({"ep=a", "lwm2m=1.0", "Q"})).code, coap::codes::BadRequest);
}

TEST(ParseRegister, BindingsAreCheckedAgainstTheVersion) {
  EXPECT_EQ(accepted(registerRequest({"ep=a", "lwm2m=1.1", "b=UT"})).binding, "UT");
  EXPECT_EQ(rejected(registerRequest({"ep=a", "lwm2m=1.0", "b=T"})).code, coap::codes::BadRequest);
  EXPECT_EQ(rejected(registerRequest({"ep=a", "lwm2m=1.1", "b=M"})).code, coap::codes::BadRequest);
  EXPECT_EQ(accepted(registerRequest({"ep=a", "lwm2m=1.2", "b=M"})).binding, "M");
  EXPECT_EQ(rejected(registerRequest({"ep=a", "lwm2m=1.1", "b=UU"})).code, coap::codes::BadRequest);
  EXPECT_EQ(rejected(registerRequest({"ep=a", "lwm2m=1.1", "b="})).code, coap::codes::BadRequest);
}

TEST(ParseRegister, LifetimeMustBeAPositiveNumber) {
  for (auto lt : {"lt=0", "lt=-5", "lt=abc", "lt=", "lt=99999999999"}) {
    EXPECT_EQ(rejected(registerRequest({"ep=a", lt})).code, coap::codes::BadRequest) << lt;
  }
}

TEST(ParseRegister, LifetimeOutsideThePolicyIsRefused) {
  RegistrationPolicy policy{.minLifetime = 10, .maxLifetime = 3600};
  EXPECT_EQ(accepted(registerRequest({"ep=a", "lt=10"}), policy).lifetime, 10u);
  auto low = rejected(registerRequest({"ep=a", "lt=9"}), policy);
  EXPECT_NE(low.reason.find("10..3600"), std::string::npos) << low.reason;
  EXPECT_EQ(rejected(registerRequest({"ep=a", "lt=3601"}), policy).code, coap::codes::BadRequest);
}

TEST(ParseRegister, UnknownParametersAreKept) {
  auto p = accepted(registerRequest({"ep=a", "lwm2m=1.1", "vendor=acme"}));
  ASSERT_EQ(p.extraParameters.size(), 1u);
  EXPECT_EQ(p.extraParameters[0].first, "vendor");
  EXPECT_EQ(p.extraParameters[0].second, "acme");
}

TEST(ParseRegister, AlternateRootPath) {
  auto p = accepted(registerRequest({"ep=a", "lwm2m=1.1"}, "</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/1/0>,</lwm2m/3/0>"));
  EXPECT_EQ(p.rootPath, "/lwm2m");
  auto r = rejected(registerRequest({"ep=a", "lwm2m=1.1"}, "</lwm2m>;rt=\"oma.lwm2m\",</3/0>"));
  EXPECT_NE(r.reason.find("outside the root path"), std::string::npos);
}

TEST(ParseRegister, BadObjectLinksAreBadRequest) {
  EXPECT_EQ(rejected(registerRequest({"ep=a"}, "</3/0/1>")).code, coap::codes::BadRequest);
  EXPECT_EQ(rejected(registerRequest({"ep=a"}, "</65535>")).code, coap::codes::BadRequest);
  EXPECT_EQ(rejected(registerRequest({"ep=a"}, "</3/0")).code, coap::codes::BadRequest);
  auto wrongFormat = registerRequest({"ep=a"});
  wrongFormat.setContentFormat(0);
  EXPECT_EQ(rejected(wrongFormat).code, coap::codes::BadRequest);
}

TEST(ParseUpdate, OnlyPresentParametersChange) {
  coap::Message m;
  m.code = coap::codes::Post;
  m.setUriPath("rd/abc");
  auto r = parseUpdate(m, "1.1");
  ASSERT_TRUE(std::holds_alternative<UpdateParameters>(r));
  const auto& p = std::get<UpdateParameters>(r);
  EXPECT_FALSE(p.lifetime);
  EXPECT_FALSE(p.binding);
  EXPECT_FALSE(p.objectLinks);
  EXPECT_FALSE(p.queueMode);
}

TEST(ParseUpdate, NewLifetimeAndObjects) {
  coap::Message m;
  m.code = coap::codes::Post;
  m.setUriPath("rd/abc");
  m.addUriQuery("lt=60");
  m.setContentFormat(40);
  m.setPayload("</1/0>,</3/0>,</3303/1>");
  auto r = parseUpdate(m, "1.1");
  ASSERT_TRUE(std::holds_alternative<UpdateParameters>(r));
  const auto& p = std::get<UpdateParameters>(r);
  EXPECT_EQ(p.lifetime, 60u);
  ASSERT_TRUE(p.objectLinks);
  EXPECT_EQ(p.objectLinks->back().target, "/3303/1");
}

TEST(ParseUpdate, BindingIsRecheckedAgainstTheRegisteredVersion) {
  coap::Message m;
  m.code = coap::codes::Post;
  m.setUriPath("rd/abc");
  m.addUriQuery("b=UQ");
  EXPECT_TRUE(std::holds_alternative<UpdateParameters>(parseUpdate(m, "1.0")));
  EXPECT_TRUE(std::holds_alternative<Rejection>(parseUpdate(m, "1.1")));
}

}  // namespace
}  // namespace lwm2m::server
