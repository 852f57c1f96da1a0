// The http section's security keys and the credentials file (http.auth.file).
#include <gtest/gtest.h>

#include <fstream>

#include "gateway/daemon/config.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

std::string httpConfigErrorsOf(std::string_view yaml) {
  auto loaded = loadConfigText(yaml, "gateway.yaml");
  EXPECT_FALSE(loaded.ok()) << yaml;
  return loaded.ok() ? "" : loaded.error().message;
}

TEST(HttpConfig, LoadsTlsAuthCorsAndLimits) {
  const std::string self = std::string(LWM2M_SOURCE_DIR) + "/README.md";  // any readable file
  auto loaded = loadConfigText(R"(http:
  listen: "0.0.0.0:8443"
  tls:
    cert: )" + self + R"(
    key: )" + self + R"(
    client_ca: )" + self + R"(
    client_auth: optional
  auth:
    tokens:
      - {name: dashboard, token: "0123456789abcdef0123", role: read}
      - name: ci
        token_file: )" + self + R"(
        role: admin
    certificates:
      - {cn: "ops-console", role: operate}
    public_metrics: true
  cors:
    origins: ["https://ui.example", "http://localhost:3000"]
    max_age_s: 60
  limits:
    header_bytes: 4096
    body_bytes: 1048576
    max_headers: 50
    idle_timeout_s: 10
    max_connections: 32
)", "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const HttpConfig& h = loaded->http;
  EXPECT_EQ(h.tls.clientAuth, "optional");
  ASSERT_EQ(h.auth.tokens.size(), 2u);
  EXPECT_EQ(h.auth.tokens[0].name, "dashboard");
  EXPECT_EQ(h.auth.tokens[0].token, "0123456789abcdef0123");
  EXPECT_EQ(h.auth.tokens[1].tokenFile, self);
  EXPECT_EQ(h.auth.tokens[1].role, "admin");
  ASSERT_EQ(h.auth.certificates.size(), 1u);
  EXPECT_EQ(h.auth.certificates[0].cn, "ops-console");
  EXPECT_TRUE(h.auth.publicMetrics);
  EXPECT_EQ(h.cors.origins, (std::vector<std::string>{"https://ui.example", "http://localhost:3000"}));
  EXPECT_EQ(h.cors.maxAge, 60s);
  EXPECT_EQ(h.limits.headerBytes, 4096u);
  EXPECT_EQ(h.limits.bodyBytes, 1048576u);
  EXPECT_EQ(h.limits.maxHeaders, 50u);
  EXPECT_EQ(h.limits.idleTimeout, 10s);
  EXPECT_EQ(h.limits.maxConnections, 32u);

  // Printed and read back: the same; hidden for --print-config.
  auto back = loadConfigText(toYaml(*loaded), "printed.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << toYaml(*loaded);
  EXPECT_EQ(*back, *loaded);
  const std::string shown = toYaml(*loaded, Secrets::Hidden);
  EXPECT_EQ(shown.find("0123456789abcdef0123"), std::string::npos) << shown;
  EXPECT_NE(shown.find("token: \"(hidden)\""), std::string::npos) << shown;
}

TEST(HttpConfig, BadEntriesAreNamedWithTheirLine) {
  const std::string errors = httpConfigErrorsOf(R"(http:
  auth:
    tokens:
      - {name: a, token: "0123456789abcdef", role: root}
      - {name: b, role: read}
      - {token: "0123456789abcdef", role: read, colour: red}
  cors:
    origins: ["https://ui.example/"]
  tls:
    client_auth: always
)");
  EXPECT_NE(errors.find("gateway.yaml:4: http.auth.tokens[1].role: must be read, operate or admin "
                        "(got 'root')"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:5: http.auth.tokens[2]: needs either token or token_file"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:6: http.auth.tokens[3].colour: unknown key"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:6: http.auth.tokens[3]: needs a name"), std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:8: http.cors.origins: 'https://ui.example/': an origin is"), std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:10: http.tls.client_auth: must be none, optional or require"),
            std::string::npos) << errors;
}

TEST(HttpConfig, AnOpenApiOffLoopbackIsRefused) {
  EXPECT_NE(httpConfigErrorsOf("http:\n  listen: \"0.0.0.0:8080\"\n")
                .find("gateway.yaml:2: http.listen: 0.0.0.0:8080 is not a loopback address and the "
                      "API has no credentials"),
            std::string::npos);
  for (const char* fine : {"http:\n  listen: \"127.0.0.2:8080\"\n", "http:\n  listen: \"[::1]:8080\"\n",
                           "http:\n  listen: \"0.0.0.0:8080\"\n  auth:\n    allow_anonymous: true\n",
                           "http:\n  listen: \"[::]:80\"\n  auth:\n    tokens: [{name: a, token: x, role: read}]\n"}) {
    auto loaded = loadConfigText(fine, "gateway.yaml");
    EXPECT_TRUE(loaded.ok()) << fine << loaded.error().message;
  }
  EXPECT_TRUE(isLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(isLoopbackHost("::1"));
  EXPECT_FALSE(isLoopbackHost("::"));
  EXPECT_FALSE(isLoopbackHost("192.168.1.1"));
}

TEST(HttpConfig, TlsKeysMustComeTogether) {
  const std::string self = std::string(LWM2M_SOURCE_DIR) + "/README.md";
  const std::string errors = httpConfigErrorsOf("http:\n  tls:\n    cert: " + self + "\n    client_auth: require\n");
  EXPECT_NE(errors.find("http.tls.cert: needs http.tls.key"), std::string::npos) << errors;
  EXPECT_NE(errors.find("http.tls.client_auth: needs http.tls.client_ca"), std::string::npos) << errors;
  EXPECT_NE(httpConfigErrorsOf("http:\n  auth:\n    certificates: [{cn: x, role: read}]\n")
                .find("http.auth.certificates: client certificates need http.tls.client_auth"),
            std::string::npos);
}

TEST(HttpAuthFile, HoldsTokensAndCertificates) {
  auto loaded = loadHttpAuthText(
      "tokens:\n  - {name: ops, token: \"0123456789abcdef\", role: admin}\n"
      "certificates:\n  - {cn: \"*\", role: read}\n",
      "credentials.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded->tokens.size(), 1u);
  EXPECT_EQ(loaded->tokens[0].role, "admin");
  EXPECT_EQ(loaded->certificates[0].cn, "*");

  auto bad = loadHttpAuthText("tokens:\n  - {name: ops, role: admin}\nlisten: x\n", "credentials.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("credentials.yaml:2: tokens[1]: needs either token or token_file"),
            std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("credentials.yaml:3: listen: unknown key"), std::string::npos)
      << bad.error().message;
  EXPECT_FALSE(loadHttpAuthText("- a\n", "c.yaml").ok());
  EXPECT_EQ(loadHttpAuthFile("/nonexistent/creds.yaml").error().message,
            "/nonexistent/creds.yaml: cannot open: No such file or directory");
}

}  // namespace
}  // namespace lwm2m::gateway
