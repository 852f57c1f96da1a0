#include "lwm2m/formats/link_format.h"

#include <gtest/gtest.h>

namespace lwm2m::formats {
namespace {

TEST(LinkFormat, ParsesRegistrationPayloadWithRootAndVersions) {
  auto links = parseLinkFormat(R"(</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>;ver=1.1,</3303/0/5700>;pmin=10;gt=50)");
  ASSERT_TRUE(links.ok()) << links.error().message;
  ASSERT_EQ(links->size(), 4u);
  EXPECT_EQ((*links)[0].target, "/");
  ASSERT_NE((*links)[0].find("rt"), nullptr);
  EXPECT_EQ(*(*links)[0].find("rt")->value, "oma.lwm2m");
  EXPECT_EQ(*(*links)[0].find("ct")->value, "110");
  EXPECT_TRUE((*links)[1].attributes.empty());
  EXPECT_EQ(*(*links)[2].find("ver")->value, "1.1");
  EXPECT_EQ(*(*links)[3].find("pmin")->value, "10");
  EXPECT_EQ(*(*links)[3].find("gt")->value, "50");
  EXPECT_EQ((*links)[3].find("lt"), nullptr);
}

TEST(LinkFormat, ParsesDiscoverResponseFromSpecification) {
  // Discover on /3 (LwM2M 1.1 core, 5.4.1 example), with dim and bare flags.
  auto links = parseLinkFormat(
      "</3>;pmin=10,</3/0>,</3/0/1>,</3/0/2>,</3/0/3>,</3/0/4>,</3/0/6>;dim=2,</3/0/7>;dim=2;gt=50;lt=42.2;st=0.5,"
      "</3/0/8>;dim=2,</3/0/11>,</3/0/16>;epmin=5;epmax=60;obs");
  ASSERT_TRUE(links.ok()) << links.error().message;
  ASSERT_EQ(links->size(), 11u);
  EXPECT_EQ(*(*links)[6].find("dim")->value, "2");
  EXPECT_EQ(*(*links)[7].find("lt")->value, "42.2");
  EXPECT_EQ(*(*links)[7].find("st")->value, "0.5");
  const Link& last = links->back();
  EXPECT_EQ(*last.find("epmin")->value, "5");
  EXPECT_EQ(*last.find("epmax")->value, "60");
  ASSERT_NE(last.find("obs"), nullptr);
  EXPECT_FALSE(last.find("obs")->value.has_value());
}

TEST(LinkFormat, ToleratesWhitespaceAndQuotedSeparators) {
  auto links = parseLinkFormat(" </1/0> ; title=\"a,b;c\" ,\r\n</3/0>;rt=\"x \\\"y\\\"\" ");
  ASSERT_TRUE(links.ok()) << links.error().message;
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ(*(*links)[0].find("title")->value, "a,b;c");
  EXPECT_EQ(*(*links)[1].find("rt")->value, "x \"y\"");
}

TEST(LinkFormat, EmptyPayloadIsEmptyList) {
  auto links = parseLinkFormat("   ");
  ASSERT_TRUE(links.ok());
  EXPECT_TRUE(links->empty());
}

TEST(LinkFormat, RejectsMalformedPayloadsNamingTheOffset) {
  for (const char* bad : {"/1/0", "</1/0", "</1/0>,", "</1/0>;", "</1/0>;=3", "</1/0>;a=\"open",
                          "</1/0> </3/0>", "</1/0>;a=", "<>,,"}) {
    auto links = parseLinkFormat(bad);
    ASSERT_FALSE(links.ok()) << bad;
    EXPECT_NE(links.error().message.find("offset"), std::string::npos) << links.error().message;
  }
}

TEST(LinkFormat, EncodesAndParsesBack) {
  std::vector<Link> links = {
      {"/", {{"rt", "oma.lwm2m"}, {"ct", "110"}}},
      {"/3/0", {{"ver", "1.1"}}},
      {"/3/0/7", {{"dim", "2"}, {"obs", std::nullopt}, {"title", "a,b"}}},
  };
  std::string text = encodeLinkFormat(links);
  EXPECT_EQ(text, R"(</>;rt="oma.lwm2m";ct=110,</3/0>;ver=1.1,</3/0/7>;dim=2;obs;title="a,b")");
  auto back = parseLinkFormat(text);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ(*(*back)[2].find("title")->value, "a,b");
  EXPECT_FALSE((*back)[2].find("obs")->value);
}

}  // namespace
}  // namespace lwm2m::formats

namespace lwm2m::formats {
namespace {

TEST(LinkAttributes, ReadsEveryLwm2mAttribute) {
  auto links = parseLinkFormat(
      R"(</>;rt="oma.lwm2m";ct="110 112",</3/0>;ver=1.1,</3/0/7>;dim=2;pmin=10;pmax=60;gt=50;lt=42.2;st=0.5;epmin=1;epmax=30,</0/1>;ssid=101;uri="coap://h:5683")");
  ASSERT_TRUE(links.ok()) << links.error().message;
  auto root = parseLwm2mAttributes((*links)[0]);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->resourceType, "oma.lwm2m");
  EXPECT_EQ(root->contentFormats, (std::vector<std::uint16_t>{110, 112}));
  EXPECT_EQ(parseLwm2mAttributes((*links)[1])->version, "1.1");
  auto r = parseLwm2mAttributes((*links)[2]);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->dimension, 2u);
  EXPECT_EQ(r->minPeriod, 10u);
  EXPECT_EQ(r->maxPeriod, 60u);
  EXPECT_EQ(r->greaterThan, 50.0);
  EXPECT_EQ(r->lessThan, 42.2);
  EXPECT_EQ(r->step, 0.5);
  EXPECT_EQ(r->minEvalPeriod, 1u);
  EXPECT_EQ(r->maxEvalPeriod, 30u);
  auto bootstrap = parseLwm2mAttributes((*links)[3]);
  EXPECT_EQ(bootstrap->shortServerId, 101);
  EXPECT_EQ(bootstrap->uri, "coap://h:5683");
}

TEST(LinkAttributes, RejectsMalformedValuesNamingAttribute) {
  for (const char* text : {"</3/0>;ver=1", "</3/0>;ver=a.b", "</>;ct=70000", "</3/0/7>;pmin=abc", "</3/0/7>;pmax=-1",
                           "</3/0/7>;gt=x", "</3/0/7>;dim", "</0/1>;ssid=65536"}) {
    auto links = parseLinkFormat(text);
    ASSERT_TRUE(links.ok()) << text;
    auto a = parseLwm2mAttributes((*links)[0]);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_NE(a.error().message.find("attribute"), std::string::npos);
  }
}

}  // namespace
}  // namespace lwm2m::formats
