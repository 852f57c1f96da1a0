#include "bridges/http/access_control.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::http {
namespace {

using boost::beast::http::verb;

TEST(RequiredAccess, FollowsTheRouteTable) {
  struct Case {
    verb method;
    const char* path;
    Access expected;
  };
  const Case cases[] = {
      {verb::get, "/health", Access::Open},
      {verb::get, "/ready", Access::Open},
      {verb::get, "/api/v1/openapi.json", Access::Open},
      {verb::get, "/metrics", Access::Read},
      {verb::get, "/api/v1/devices", Access::Read},
      {verb::get, "/api/v1/devices/sim-1/3303/0/5700", Access::Read},
      {verb::get, "/api/v1/devices/sim-1/3303/0/discover", Access::Read},
      {verb::get, "/api/v1/events", Access::Read},
      {verb::get, "/api/v1/mapping", Access::Read},
      {verb::get, "/api/v1/models/3303", Access::Read},
      {verb::put, "/api/v1/devices/sim-1/3/0/13", Access::Operate},
      {verb::post, "/api/v1/devices/sim-1/commands", Access::Operate},
      {verb::post, "/api/v1/devices/sim-1/5/0/2", Access::Operate},  // execute, firmware update
      {verb::post, "/api/v1/devices/sim-1/3303", Access::Operate},   // create
      {verb::delete_, "/api/v1/devices/sim-1/3303/1", Access::Operate},
      {verb::delete_, "/api/v1/requests/q17", Access::Operate},  // cancel
      {verb::delete_, "/api/v1/commands/q17", Access::Operate},
      {verb::patch, "/api/v1/devices/sim-1/3/0", Access::Operate},
      {verb::put, "/api/v1/devices/sim-1/3/0/1/attributes", Access::Operate},
      {verb::post, "/api/v1/devices/sim-1/composite/read", Access::Read},
      {verb::post, "/api/v1/devices/sim-1/composite/write", Access::Operate},
      {verb::post, "/api/v1/devices/sim-1/composite/observe", Access::Operate},
      {verb::post, "/api/v1/devices/sim-1/3/0/1/observe", Access::Operate},
      {verb::delete_, "/api/v1/devices/sim-1/3/0/1/observe", Access::Operate},
      {verb::post, "/api/v1/mapping/reload", Access::Admin},
      {verb::post, "/api/v1/models/reload", Access::Admin},
      {verb::options, "/api/v1/devices", Access::Open},
      // Other spellings of the same route need the same role.
      {verb::post, "/api/v1/mapping/reload/", Access::Admin},
      {verb::post, "/api/v1/mapping/%72eload", Access::Admin},
      {verb::get, "/health/", Access::Open},
      // Not in the table (a 404, a 405, a 400, a mapping alias): by the method.
      {verb::get, "/api/v1/sites/sim-1/temperature", Access::Read},
      {verb::put, "/api/v1/sites/sim-1/setpoint", Access::Operate},
      {verb::head, "/api/v1/devices/sim-1", Access::Read},
      {verb::delete_, "/api/v1/devices", Access::Operate},
      {verb::get, "/api/v1//mapping", Access::Read},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(requiredAccess(c.method, c.path, false), c.expected)
        << boost::beast::http::to_string(c.method) << " " << c.path;
  }
  EXPECT_EQ(requiredAccess(verb::get, "/metrics", true), Access::Open);
  EXPECT_EQ(requiredAccess(verb::get, "/api/v1/devices", true), Access::Read);
}

TEST(Roles, ParseAndPrint) {
  for (Role role : {Role::Read, Role::Operate, Role::Admin}) {
    EXPECT_EQ(parseRole(roleName(role)), role);
  }
  EXPECT_FALSE(parseRole("root").has_value());
  EXPECT_FALSE(parseRole("Read").has_value());
}

class AccessControlTest : public ::testing::Test {
 protected:
  static AccessSettings settings() {
    AccessSettings s;
    s.enabled = true;
    s.credentials = {{"dashboard", "read-secret-1", Role::Read},
                     {"scheduler", "operate-secret-2", Role::Operate},
                     {"ops", "admin-secret-3", Role::Admin}};
    s.certificates = {{"console.example", Role::Operate}};
    return s;
  }

  AccessDecision bearer(verb method, const char* path, std::string token) {
    token_ = "Bearer " + token;
    return control_.decide(method, path, Presented{token_, {}, std::nullopt});
  }

  AccessControl control_{settings()};
  std::string token_;
};

TEST_F(AccessControlTest, DisabledLetsEverythingThrough) {
  AccessControl open{AccessSettings{}};
  EXPECT_TRUE(open.decide(verb::post, "/api/v1/mapping/reload", {}).allowed());
}

TEST_F(AccessControlTest, MissingCredentialsAre401SayingWhatToSend) {
  const auto d = control_.decide(verb::get, "/api/v1/devices", {});
  EXPECT_EQ(d.status, 401u);
  EXPECT_EQ(d.message,
            "credentials required: send Authorization: Bearer <token> or X-API-Key: <key>");
  EXPECT_TRUE(control_.decide(verb::get, "/health", {}).allowed());
}

TEST_F(AccessControlTest, EachRoleDoesWhatItMayAndIsRefusedTheRestWith403) {
  EXPECT_TRUE(bearer(verb::get, "/api/v1/devices", "read-secret-1").allowed());
  const auto readPosts = bearer(verb::post, "/api/v1/devices/sim-1/commands", "read-secret-1");
  EXPECT_EQ(readPosts.status, 403u);
  EXPECT_EQ(readPosts.message,
            "'dashboard' has the role 'read'; POST /api/v1/devices/sim-1/commands needs the role "
            "'operate'");
  EXPECT_EQ(readPosts.caller, "dashboard");

  EXPECT_TRUE(bearer(verb::post, "/api/v1/devices/sim-1/commands", "operate-secret-2").allowed());
  const auto operateReloads = bearer(verb::post, "/api/v1/mapping/reload", "operate-secret-2");
  EXPECT_EQ(operateReloads.status, 403u);
  EXPECT_NE(operateReloads.message.find("needs the role 'admin'"), std::string::npos);

  const auto admin = bearer(verb::post, "/api/v1/mapping/reload", "admin-secret-3");
  EXPECT_TRUE(admin.allowed());
  EXPECT_EQ(admin.caller, "ops");
}

TEST_F(AccessControlTest, ApiKeyHeaderTakesTheSameSecrets) {
  EXPECT_TRUE(control_.decide(verb::delete_, "/api/v1/requests/q1",
                              Presented{{}, "operate-secret-2", std::nullopt})
                  .allowed());
  const auto wrong = control_.decide(verb::get, "/api/v1/devices", Presented{{}, "nope", std::nullopt});
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.message, "invalid API key");
}

TEST_F(AccessControlTest, WrongOrMalformedTokensAre401AndNoSecretIsRepeated) {
  for (const char* header : {"Bearer read-secret-", "Bearer read-secret-11", "Bearer ",
                             "Basic cmVhZC1zZWNyZXQtMQ==", "read-secret-1"}) {
    token_ = header;
    const auto d = control_.decide(verb::get, "/api/v1/devices", Presented{token_, {}, std::nullopt});
    EXPECT_EQ(d.status, 401u) << header;
    EXPECT_EQ(d.message.find("secret"), std::string::npos) << d.message;
    EXPECT_EQ(d.message.find("cmVhZC"), std::string::npos) << d.message;
  }
  // The scheme is case-insensitive and spaces around the token do not count.
  token_ = "bearer   read-secret-1 ";
  EXPECT_TRUE(control_.decide(verb::get, "/api/v1/devices", Presented{token_, {}, std::nullopt}).allowed());
}

TEST_F(AccessControlTest, VerifiedClientCertificatesMapToRolesByCommonName) {
  EXPECT_TRUE(control_.decide(verb::post, "/api/v1/devices/x/commands",
                              Presented{{}, {}, "console.example"})
                  .allowed());
  const auto reload =
      control_.decide(verb::post, "/api/v1/mapping/reload", Presented{{}, {}, "console.example"});
  EXPECT_EQ(reload.status, 403u);
  EXPECT_EQ(reload.caller, "certificate CN=console.example");
  const auto stranger = control_.decide(verb::get, "/api/v1/devices", Presented{{}, {}, "other"});
  EXPECT_EQ(stranger.status, 401u);
  EXPECT_NE(stranger.message.find("CN=other has no role"), std::string::npos);

  AccessSettings any = settings();
  any.certificates.push_back({"*", Role::Read});
  AccessControl withWildcard(any);
  EXPECT_TRUE(withWildcard.decide(verb::get, "/api/v1/devices", Presented{{}, {}, "other"}).allowed());
  // A token, when presented, decides over the certificate.
  token_ = "Bearer wrong";
  EXPECT_EQ(withWildcard.decide(verb::get, "/api/v1/devices", Presented{token_, {}, "other"}).status, 401u);
}

TEST_F(AccessControlTest, PublicMetricsNeedNoCredential) {
  EXPECT_EQ(control_.decide(verb::get, "/metrics", {}).status, 401u);
  AccessSettings s = settings();
  s.publicMetrics = true;
  EXPECT_TRUE(AccessControl(s).decide(verb::get, "/metrics", {}).allowed());
}

}  // namespace
}  // namespace lwm2m::bridges::http
