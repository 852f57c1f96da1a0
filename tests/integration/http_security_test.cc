// Security of the HTTP API with the real daemon and curl: HTTPS with
// certificates made for the test, client certificates, tokens and their
// roles, secrets kept out of the log, CORS, size limits, and start-up refusals.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/gateway_process.h"
#include "tests/support/test_pki.h"

namespace lwm2m::testing {
namespace {

constexpr const char* kReadToken = "read-token-0123456789abcdef";
constexpr const char* kOperateToken = "operate-token-0123456789abcdef";
constexpr const char* kAdminToken = "admin-token-from-file-0123456789";

struct CurlResult {
  int status = 0;  // 0: no HTTP answer (refused, handshake failed)
  std::string headers;
  std::string body;
};

// curl with `args` before the URL; -D - puts the response headers first.
CurlResult curl(const std::vector<std::string>& args, const std::string& url) {
  std::vector<std::string> argv{"curl", "-s", "-g", "--max-time", "10", "-D", "-", "-w", "\n%{http_code}\n"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  auto out = runCommand(argv).output;
  CurlResult r;
  const auto codeStart = out.find_last_of('\n', out.size() >= 2 ? out.size() - 2 : 0);
  if (codeStart == std::string::npos) return r;
  r.status = std::atoi(out.c_str() + codeStart + 1);
  out.resize(codeStart);
  const auto split = out.find("\r\n\r\n");
  r.headers = out.substr(0, split);
  r.body = split == std::string::npos ? "" : out.substr(split + 4);
  return r;
}

std::vector<std::string> bearer(const std::string& token) {
  return {"-H", "Authorization: Bearer " + token};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// stdout and stderr of a command.
CommandResult runWithStderr(const std::string& shellCommand) {
  return runCommand({"sh", "-c", shellCommand + " 2>&1"});
}

class HttpSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "lwm2m-https-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    pki_ = makeTestPki(dir_);
    std::ofstream(dir_ / "admin.token") << kAdminToken << "\n";
    std::ofstream(dir_ / "credentials.yaml") << "tokens:\n  - name: ops\n    token_file: "
                                              << (dir_ / "admin.token").string()
                                              << "\n    role: admin\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A gateway.yaml with the http section `http` (indented by two spaces).
  std::string writeConfig(const std::string& http) {
    const auto path = (dir_ / "gateway.yaml").string();
    std::ofstream(path) << "http:\n" << http;
    return path;
  }

  std::string tlsSection(const std::string& clientAuth = "none") const {
    std::string s = "  tls:\n    cert: " + pki_.serverCert + "\n    key: " + pki_.serverKey + "\n";
    if (clientAuth != "none") {
      s += "    client_ca: " + pki_.caFile + "\n    client_auth: " + clientAuth + "\n";
    }
    return s;
  }

  std::string authSection(const std::string& extra = "") const {
    return std::string("  auth:\n") +
           "    tokens:\n"
           "      - {name: dashboard, token: " + kReadToken + ", role: read}\n"
           "      - {name: scheduler, token: " + kOperateToken + ", role: operate}\n"
           "    file: " + (dir_ / "credentials.yaml").string() + "\n" + extra;
  }

  static std::string https(const GatewayProcess& gateway, const std::string& path) {
    std::string url = gateway.httpUrl(path);
    return url.replace(0, 4, "https");
  }

  std::vector<std::string> trustCa() const { return {"--cacert", pki_.caFile}; }

  std::filesystem::path dir_;
  TestPki pki_;
};

TEST_F(HttpSecurityTest, HttpsWithTokensEachRoleRefusedWhatItMayNotDo) {
  GatewayProcess gateway("tcp://127.0.0.1:1", "127.0.0.1",
                         {"--config", writeConfig(tlsSection() + authSection())});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "sim-sec", "--lifetime", "60"});
  ASSERT_TRUE(sim.waitForLine("registered sim-sec")) << gateway.log();
  const std::string command = R"({"operation":"read","path":"/3/0/0"})";
  const std::vector<std::string> post = {"-X", "POST", "-H", "Content-Type: application/json",
                                         "--data-binary", command};
  const std::string commands = https(gateway, "/api/v1/devices/sim-sec/commands");
  const std::string reload = https(gateway, "/api/v1/mapping/reload");

  // Open probe; no credentials; a wrong token.
  EXPECT_EQ(curl(trustCa(), https(gateway, "/health")).status, 200);
  auto anonymous = curl(trustCa(), https(gateway, "/api/v1/devices"));
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_NE(anonymous.headers.find("WWW-Authenticate: Bearer"), std::string::npos) << anonymous.headers;
  auto wrong = curl(trustCa() + bearer("not-a-token-of-this-gateway"), https(gateway, "/api/v1/devices"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("invalid bearer token"), std::string::npos) << wrong.body;

  // read: may list, may not send a command.
  auto list = curl(trustCa() + bearer(kReadToken), https(gateway, "/api/v1/devices"));
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("sim-sec"), std::string::npos) << list.body;
  auto readPosts = curl(trustCa() + bearer(kReadToken) + post, commands);
  EXPECT_EQ(readPosts.status, 403) << readPosts.body;
  EXPECT_NE(readPosts.body.find("'dashboard' has the role 'read'"), std::string::npos) << readPosts.body;
  EXPECT_NE(readPosts.body.find("needs the role 'operate'"), std::string::npos) << readPosts.body;

  // operate: may send a command (as X-API-Key too), may not reload the mapping.
  auto operates = curl(trustCa() + std::vector<std::string>{"-H", std::string("X-API-Key: ") + kOperateToken} + post,
                       commands);
  EXPECT_EQ(operates.status, 202) << operates.body;
  auto operateReloads = curl(trustCa() + bearer(kOperateToken) + std::vector<std::string>{"-X", "POST"}, reload);
  EXPECT_EQ(operateReloads.status, 403) << operateReloads.body;
  EXPECT_NE(operateReloads.body.find("needs the role 'admin'"), std::string::npos);

  // admin (from the credentials file, its token from a token file): may reload.
  auto adminReloads = curl(trustCa() + bearer(kAdminToken) + std::vector<std::string>{"-X", "POST"}, reload);
  EXPECT_EQ(adminReloads.status, 200) << adminReloads.body;

  // Plain HTTP on the HTTPS port: refused with a word on why.
  auto plain = curl({}, gateway.httpUrl("/health"));
  EXPECT_EQ(plain.status, 400);
  EXPECT_NE(plain.body.find("This port speaks HTTPS"), std::string::npos) << plain.body;
  // A client that does not trust the gateway's CA gets no answer.
  EXPECT_EQ(curl({}, https(gateway, "/health")).status, 0);

  // The log names callers, never their secrets.
  ASSERT_TRUE(waitForLog(gateway, "refused (403)"));
  const std::string log = gateway.log();
  EXPECT_NE(log.find("'dashboard' has the role 'read'"), std::string::npos) << log;
  EXPECT_NE(log.find("HTTP API on 127.0.0.1:"), std::string::npos) << log;
  for (const char* secret : {kReadToken, kOperateToken, kAdminToken}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log: " << secret;
  }
}

TEST_F(HttpSecurityTest, EventStreamOverHttpsWithATokenAndCors) {
  GatewayProcess gateway("tcp://127.0.0.1:1", "127.0.0.1",
                         {"--config", writeConfig(tlsSection() + authSection() +
                                                  "  cors:\n    origins: [\"https://ui.example\"]\n")});
  Simulator sim({"--server", gateway.coapAddress(), "-e", "sim-sse", "--lifetime", "60"});
  ASSERT_TRUE(sim.waitForLine("registered sim-sse")) << gateway.log();
  const std::string events = https(gateway, "/api/v1/events?kinds=registered");
  // Resuming from id 0 replays the ring: the registration, then the stream stays open until curl gives up.
  const std::vector<std::string> stream = {"-N", "-H", "Last-Event-ID: 0", "-H", "Origin: https://ui.example",
                                           "--max-time", "3"};

  auto anonymous = curl(trustCa() + stream, events);
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_NE(anonymous.headers.find("Access-Control-Allow-Origin: https://ui.example"), std::string::npos)
      << "refusals carry the CORS allowance too: " << anonymous.headers;

  auto answer = runCommand(std::vector<std::string>{"curl", "-s", "-i"} + trustCa() + bearer(kReadToken) + stream +
                           std::vector<std::string>{events});
  const std::string& out = answer.output;
  EXPECT_NE(out.find("HTTP/1.1 200 OK"), std::string::npos) << out;
  EXPECT_NE(out.find("Content-Type: text/event-stream"), std::string::npos) << out;
  EXPECT_NE(out.find("Access-Control-Allow-Origin: https://ui.example"), std::string::npos) << out;
  EXPECT_NE(out.find("event: registered"), std::string::npos) << out << gateway.log();
  EXPECT_NE(out.find("\"endpoint\":\"sim-sse\""), std::string::npos) << out;

  // A stream refused by the event stream itself (a malformed filter) goes back over TLS as JSON.
  auto bad = curl(trustCa() + bearer(kReadToken), https(gateway, "/api/v1/events?kinds=nonsense"));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("\"error\""), std::string::npos) << bad.body;

  // The firmware routes take the connection over too; their answers carry the allowance as well.
  auto package = curl(trustCa() + std::vector<std::string>{"-H", "Origin: https://ui.example"},
                      https(gateway, "/api/v1/firmware/" + std::string(64, '0')));
  EXPECT_EQ(package.status, 404) << package.body;
  EXPECT_NE(package.headers.find("Access-Control-Allow-Origin: https://ui.example"), std::string::npos)
      << package.headers;
}

TEST_F(HttpSecurityTest, PrintConfigHidesTokens) {
  const auto config = writeConfig(tlsSection() + authSection());
  std::ofstream(config, std::ios::app)
      << "webhooks:\n  targets:\n    - url: http://127.0.0.1:9/hook\n      secret: hmac-secret-123\n"
         "      headers: {Authorization: \"Bearer hook-secret-456\"}\n"
         "mqtt:\n  password: mqtt-secret-789\n";
  auto printed = runCommand({LWM2M_GATEWAY_BIN, "--config", config, "--print-config"});
  EXPECT_EQ(printed.exitCode, 0) << printed.output;
  for (const char* secret : {kReadToken, "hmac-secret-123", "hook-secret-456", "mqtt-secret-789"}) {
    EXPECT_EQ(printed.output.find(secret), std::string::npos) << secret << " printed:\n" << printed.output;
  }
  EXPECT_NE(printed.output.find("url: \"http://127.0.0.1:9/hook\""), std::string::npos) << printed.output;
  EXPECT_NE(printed.output.find("token: \"(hidden)\""), std::string::npos) << printed.output;
  EXPECT_NE(printed.output.find("name: \"dashboard\""), std::string::npos) << printed.output;
}

TEST_F(HttpSecurityTest, ClientCertificateRequiredAndMappedToARole) {
  GatewayProcess gateway(
      "tcp://127.0.0.1:1", "127.0.0.1",
      {"--config", writeConfig(tlsSection("require") +
                               authSection("    certificates:\n      - {cn: lwm2m-gateway, role: read}\n"))});
  const std::vector<std::string> withCertificate = trustCa() + std::vector<std::string>{
      "--cert", pki_.clientCert, "--key", pki_.clientKey};

  EXPECT_EQ(curl(trustCa(), https(gateway, "/health")).status, 0) << "no certificate, no handshake";
  EXPECT_EQ(curl(withCertificate, https(gateway, "/api/v1/devices")).status, 200)
      << "the certificate's CN has the role read";
  auto reload = curl(withCertificate + std::vector<std::string>{"-X", "POST"},
                     https(gateway, "/api/v1/mapping/reload"));
  EXPECT_EQ(reload.status, 403);
  EXPECT_NE(reload.body.find("certificate CN=lwm2m-gateway"), std::string::npos) << reload.body;
  EXPECT_EQ(curl(withCertificate + bearer(kAdminToken) + std::vector<std::string>{"-X", "POST"},
                 https(gateway, "/api/v1/mapping/reload"))
                .status,
            200)
      << "a token presented with the certificate decides";
}

TEST_F(HttpSecurityTest, CorsIsOffByDefaultAndOnForAConfiguredOrigin) {
  const std::vector<std::string> preflight = {"-X", "OPTIONS", "-H", "Origin: https://ui.example",
                                              "-H", "Access-Control-Request-Method: POST"};
  {
    GatewayProcess gateway("tcp://127.0.0.1:1");
    auto answer = curl(preflight, gateway.httpUrl("/api/v1/devices"));
    EXPECT_NE(answer.status, 204);
    EXPECT_EQ(answer.headers.find("Access-Control-Allow-Origin"), std::string::npos) << answer.headers;
    auto get = curl({"-H", "Origin: https://ui.example"}, gateway.httpUrl("/api/v1/devices"));
    EXPECT_EQ(get.status, 200);
    EXPECT_EQ(get.headers.find("Access-Control-Allow-Origin"), std::string::npos) << get.headers;
  }
  GatewayProcess gateway("tcp://127.0.0.1:1", "127.0.0.1",
                         {"--config", writeConfig("  cors:\n    origins: [\"https://ui.example\"]\n")});
  auto answer = curl(preflight, gateway.httpUrl("/api/v1/devices"));
  EXPECT_EQ(answer.status, 204);
  EXPECT_NE(answer.headers.find("Access-Control-Allow-Origin: https://ui.example"), std::string::npos)
      << answer.headers;
  auto other = curl({"-X", "OPTIONS", "-H", "Origin: https://evil.example", "-H",
                     "Access-Control-Request-Method: POST"},
                    gateway.httpUrl("/api/v1/devices"));
  EXPECT_EQ(other.status, 403);
  auto get = curl({"-H", "Origin: https://ui.example"}, gateway.httpUrl("/api/v1/devices"));
  EXPECT_NE(get.headers.find("Access-Control-Allow-Origin: https://ui.example"), std::string::npos)
      << get.headers;
}

TEST_F(HttpSecurityTest, OversizedHeadersAre431AndBodiesAre413) {
  {
    GatewayProcess gateway("tcp://127.0.0.1:1");  // the defaults: 8 KiB of headers, 64 KiB of body
    EXPECT_EQ(curl({"-H", "X-Big: " + std::string(9000, 'h')}, gateway.httpUrl("/health")).status, 431);
    std::ofstream(dir_ / "big.json") << std::string(70 * 1024, ' ') << "{}";
    auto big = curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                     "@" + (dir_ / "big.json").string()},
                    gateway.httpUrl("/api/v1/devices/x/commands"));
    EXPECT_EQ(big.status, 413) << big.body;
    EXPECT_NE(big.body.find("larger than 65536 bytes"), std::string::npos) << big.body;
  }
  GatewayProcess gateway("tcp://127.0.0.1:1", "127.0.0.1",
                         {"--config", writeConfig("  limits:\n    body_bytes: 2048\n    max_headers: 10\n")});
  auto body = curl({"-X", "POST", "--data-binary", std::string(3000, 'x')},
                   gateway.httpUrl("/api/v1/devices/x/commands"));
  EXPECT_EQ(body.status, 413);
  std::vector<std::string> manyHeaders;
  for (int i = 0; i < 12; ++i) manyHeaders.insert(manyHeaders.end(), {"-H", "X-H" + std::to_string(i) + ": 1"});
  EXPECT_EQ(curl(manyHeaders, gateway.httpUrl("/health")).status, 431);
}

TEST_F(HttpSecurityTest, StartUpRefusesAnOpenApiOffLoopbackAndUnusableTlsFiles) {
  const std::string bin = LWM2M_GATEWAY_BIN;
  auto open = runWithStderr(bin + " --http 0.0.0.0:" + std::to_string(freeTcpPort()) + " --check-config");
  EXPECT_EQ(open.exitCode, 1) << open.output;
  EXPECT_NE(open.output.find("is not a loopback address and the API has no credentials"),
            std::string::npos)
      << open.output;

  const auto garbage = (dir_ / "garbage.pem").string();
  std::ofstream(garbage) << "not a certificate\n";
  const auto config = writeConfig("  tls:\n    cert: " + garbage + "\n    key: " + pki_.serverKey + "\n");
  auto bad = runWithStderr(bin + " --config " + config + " --http 127.0.0.1:" +
                           std::to_string(freeTcpPort()) + " --coap 127.0.0.1:" +
                           std::to_string(freeUdpPort()) + " --data-dir " + (dir_ / "data").string() +
                           " --mqtt tcp://127.0.0.1:1");
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.output.find("certificate chain '" + garbage + "': no start line"), std::string::npos)
      << bad.output;
}

}  // namespace
}  // namespace lwm2m::testing
