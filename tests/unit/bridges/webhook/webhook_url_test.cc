#include "bridges/webhook/webhook_url.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::webhook {
namespace {

TEST(WebhookUrl, ReadsSchemeHostPortAndTarget) {
  auto u = parseWebhookUrl("https://hooks.example.com/lwm2m?team=a");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/lwm2m?team=a");
  EXPECT_FALSE(u->ipLiteral);
  EXPECT_EQ(u->hostHeader(), "hooks.example.com");

  auto plain = parseWebhookUrl("HTTP://127.0.0.1:8081");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->port, 8081);
  EXPECT_EQ(plain->target, "/");
  EXPECT_TRUE(plain->ipLiteral);
  EXPECT_EQ(plain->hostHeader(), "127.0.0.1:8081");

  auto v6 = parseWebhookUrl("http://[::1]:9000/h");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->ipLiteral);
  EXPECT_EQ(v6->hostHeader(), "[::1]:9000");
}

TEST(WebhookUrl, RefusesWhatItCannotPostTo) {
  const std::pair<const char*, const char*> bad[] = {
      {"ftp://x/y", "must start with http:// or https://"},
      {"http://", "has no host"},
      {"http://user:pw@host/", "must not carry a user name"},
      {"http://host:0/", "port must be 1 to 65535"},
      {"http://host:99999/", "port must be 1 to 65535"},
      {"http://host:/", "has an empty port"},
      {"http://[::1/", "unclosed '['"},
      {"http://[zz]/", "is not an IPv6 address"},
      {"http://ho st/", "spaces or control characters"},
      {"http://host/#frag", "fragment"},
      {"http://-host/", "is not a host name or address"},
  };
  for (const auto& [url, problem] : bad) {
    auto parsed = parseWebhookUrl(url);
    ASSERT_FALSE(parsed) << url;
    EXPECT_NE(parsed.error().message.find(problem), std::string::npos) << url << ": " << parsed.error().message;
  }
}

}  // namespace
}  // namespace lwm2m::bridges::webhook
