// The devices' DTLS credentials and bootstrap configurations over the REST
// API of the real daemon, with curl as the client: a PSK identity added over
// REST lets coap-client-openssl (Debian libcoap3-bin) and the simulator
// register over DTLS at once, its removal refuses the next handshake; keys
// never come back (lists, answers, log); only the admin role gets in; bad
// bodies are refused naming the problem; a bootstrap configuration stored
// over REST is what a bootstrapping device gets, also after a restart.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

const std::string kApiKeyText = "rest-psk-of-dev!";
const std::string kKeyHex = "726573742d70736b2d6f662d64657621";  // kApiKeyText as hex

struct Answer {
  int status = 0;
  std::string body;
};

class CredentialsApi : public ::testing::Test {
 protected:
  CredentialsApi()
      : dir_(std::filesystem::temp_directory_path() /
             ("credentials-api-" + std::to_string(::getpid()) + "-" + std::to_string(freeUdpPort()))),
        coapsPort_(freeUdpPort()),
        bootstrapPort_(freeUdpPort()) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "gateway.yaml")
        << "coaps:\n  handshake_timeout_s: 3\nhttp:\n  auth:\n    tokens:\n"
        << "      - {name: reader, token: read-token-0123456789abcdef, role: read}\n"
        << "      - {name: operator, token: operate-token-0123456789abcdef, role: operate}\n"
        << "      - {name: administrator, token: admin-token-0123456789abcdef, role: admin}\n";
    gateway_.emplace(broker_.uri(), "127.0.0.1",
                     std::vector<std::string>{"--config", (dir_ / "gateway.yaml").string(), "--coaps",
                                              "127.0.0.1:" + std::to_string(coapsPort_), "--bootstrap",
                                              "127.0.0.1:" + std::to_string(bootstrapPort_)});
  }
  ~CredentialsApi() override {
    gateway_.reset();
    std::filesystem::remove_all(dir_);
  }

  Answer curl(const std::string& method, const std::string& path, const std::string& body = {},
              const std::string& token = "admin-token-0123456789abcdef") {
    std::vector<std::string> argv{"curl", "-s", "-g", "-w", "\n%{http_code}\n", "--max-time", "10", "-X", method,
                                  "-H", "Authorization: Bearer " + token};
    if (!body.empty()) argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary", body});
    argv.push_back(gateway_->httpUrl(path));
    std::string out = runCommand(argv, 15s).output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    const auto newline = out.rfind('\n');
    if (newline == std::string::npos) return {};
    return {std::atoi(out.c_str() + newline + 1), out.substr(0, newline)};
  }
  std::string coaps(const std::string& pathAndQuery) const {
    return "coaps://127.0.0.1:" + std::to_string(coapsPort_) + "/" + pathAndQuery;
  }
  std::string registerWithLibcoap(const std::string& identity, const std::string& endpoint) {
    return runCommand({"coap-client-openssl", "-v", "6", "-B", "8", "-u", identity, "-k", kApiKeyText, "-m", "post",
                       "-t", "40", "-e", "</1/0>,</3/0>", coaps("rd?ep=" + endpoint + "&lt=60&lwm2m=1.1")},
                      20s)
        .output;
  }
  void expectNoKeyIn(const std::string& text) {
    EXPECT_EQ(text.find(kKeyHex), std::string::npos) << text;
    EXPECT_EQ(text.find(kApiKeyText), std::string::npos) << text;
  }

  std::filesystem::path dir_;
  Mosquitto broker_;
  std::uint16_t coapsPort_;
  std::uint16_t bootstrapPort_;
  std::optional<GatewayProcess> gateway_;
};

TEST_F(CredentialsApi, PskAddedOverRestRegistersAtOnceAndIsRefusedOnceRemoved) {
  auto put = curl("PUT", "/api/v1/credentials/meter-1",
                  R"({"pskIdentity":"meter-1-id","pskKey":")" + kKeyHex + R"(","securityRequired":true})");
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(str(parse(put.body)["pskKey"]), "stored") << put.body;
  expectNoKeyIn(put.body);

  // No restart: the next handshake reads the store.
  auto output = registerWithLibcoap("meter-1-id", "meter-1");
  EXPECT_EQ(coapResponseCode(output), "2.01") << output << gateway_->log();
  auto device = curl("GET", "/api/v1/devices/meter-1");
  EXPECT_EQ(device.status, 200) << device.body;

  // The simulator registers with it and is read over the DTLS session.
  auto sim = curl("PUT", "/api/v1/credentials/sim-rest", R"({"pskIdentity":"sim-rest","pskKey":")" + kKeyHex + "\"}");
  ASSERT_EQ(sim.status, 201) << sim.body;
  {
    Simulator device({"--server", "127.0.0.1:" + std::to_string(coapsPort_), "-e", "sim-rest", "--psk-key", kKeyHex,
                      "-d", "30"});
    ASSERT_TRUE(device.waitForLine("registered sim-rest", 15s)) << gateway_->log();
    auto read = curl("GET", "/api/v1/devices/sim-rest/3/0/0", {}, "read-token-0123456789abcdef");
    EXPECT_EQ(read.status, 200) << read.body;
    EXPECT_TRUE(device.waitForLine("read sim-rest", 10s));
  }

  // Listed without keys; one entry shows the same.
  auto list = curl("GET", "/api/v1/credentials");
  ASSERT_EQ(list.status, 200) << list.body;
  auto listed = parse(list.body);
  ASSERT_TRUE(listed["credentials"].IsArray()) << list.body;
  EXPECT_EQ(listed["credentials"].Size(), 2u) << list.body;
  EXPECT_NE(list.body.find("\"pskIdentity\":\"meter-1-id\""), std::string::npos) << list.body;
  expectNoKeyIn(list.body);
  auto one = curl("GET", "/api/v1/credentials/meter-1");
  EXPECT_EQ(one.status, 200) << one.body;
  expectNoKeyIn(one.body);

  // Removed: the next full handshake is refused (libcoap does not resume).
  auto removed = curl("DELETE", "/api/v1/credentials/meter-1");
  EXPECT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(curl("GET", "/api/v1/credentials/meter-1").status, 404);
  EXPECT_EQ(curl("DELETE", "/api/v1/credentials/meter-1").status, 404);
  output = registerWithLibcoap("meter-1-id", "meter-1-again");
  EXPECT_EQ(coapResponseCode(output), "") << output;
  EXPECT_TRUE(waitForLog(*gateway_, "refused: unknown PSK identity 'meter-1-id'")) << gateway_->log();
  EXPECT_EQ(curl("GET", "/api/v1/devices/meter-1-again").status, 404);

  EXPECT_TRUE(waitForLog(*gateway_, "credentials of endpoint 'meter-1' stored over the REST API (psk identity "
                                    "'meter-1-id')"))
      << gateway_->log();
  EXPECT_TRUE(waitForLog(*gateway_, "credentials of endpoint 'meter-1' removed over the REST API")) << gateway_->log();
  expectNoKeyIn(gateway_->log());
}

TEST_F(CredentialsApi, SecurityRequiredIsPerEndpointAndSharedWithTheCommandLine) {
  // Plain CoAP allowed for this endpoint only.
  auto put = curl("PUT", "/api/v1/credentials/legacy-1",
                  R"({"certificateName":"legacy-1.example.com","securityRequired":false})");
  ASSERT_EQ(put.status, 201) << put.body;
  auto strict = curl("PUT", "/api/v1/credentials/strict-1", R"({"certificateName":"strict-1.example.com"})");
  ASSERT_EQ(strict.status, 201) << strict.body;
  auto plain = [&](const std::string& endpoint) {
    return coapResponseCode(runCommand({"coap-client-notls", "-v", "6", "-B", "8", "-m", "post", "-t", "40", "-e",
                                        "</3/0>", gateway_->coapUri() + "/rd?ep=" + endpoint + "&lt=60&lwm2m=1.1"})
                                .output);
  };
  EXPECT_EQ(plain("legacy-1"), "2.01");
  EXPECT_EQ(plain("strict-1"), "4.03");
  // Replaced (200): now required.
  put = curl("PUT", "/api/v1/credentials/legacy-1", R"({"certificateName":"legacy-1.example.com"})");
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(plain("legacy-1"), "4.03");
  // The command line sees what REST stored, in the same store.
  auto listed = runCommand({LWM2M_GATEWAY_BIN, "credentials", "--data-dir", gateway_->dataDir().string(), "list"});
  EXPECT_NE(listed.output.find("legacy-1.example.com"), std::string::npos) << listed.output;
}

TEST_F(CredentialsApi, OnlyTheAdminRoleGetsInAndBadBodiesAreRefusedNamingTheProblem) {
  const std::string body = R"({"pskIdentity":"x-id","pskKey":")" + kKeyHex + "\"}";
  for (const std::string token : {"read-token-0123456789abcdef", "operate-token-0123456789abcdef"}) {
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/v1/credentials"},
             {"GET", "/api/v1/credentials/x"},
             {"PUT", "/api/v1/credentials/x"},
             {"DELETE", "/api/v1/credentials/x"},
             {"GET", "/api/v1/bootstrap/configs"},
             {"PUT", "/api/v1/bootstrap/configs/x"},
             {"DELETE", "/api/v1/bootstrap/configs/x"}}) {
      auto refused = curl(method, path, method == "PUT" ? body : "", token);
      EXPECT_EQ(refused.status, 403) << method << " " << path << " with " << token << ": " << refused.body;
      EXPECT_NE(refused.body.find("needs the role 'admin'"), std::string::npos) << refused.body;
    }
  }
  EXPECT_EQ(curl("GET", "/api/v1/credentials", {}, "").status, 401);
  EXPECT_EQ(curl("GET", "/api/v1/credentials/x").status, 404);  // nothing was stored

  const std::vector<std::pair<std::string, std::string>> bad{
      {"{", "the body is not JSON"},
      {"[]", "must be a JSON object"},
      {R"({"pskIdentity":"x-id"})", "a PSK identity needs a key"},
      {R"({"pskKey":"00112233"})", "a PSK key needs a PSK identity"},
      {R"({"pskIdentity":"x-id","pskKey":"0011zz"})", "the PSK must be hex digits"},
      {R"({"pskIdentity":"x-id","pskKey":"001"})", "even number of hex digits"},
      {R"({"securityRequired":"yes"})", "securityRequired must be true or false"},
      {R"({"pskIdentity":7})", "pskIdentity must be a string"},
      {R"({"psk":"0011"})", "unknown member 'psk'"},
      {R"({"securityRequired":true})", "nothing to store"},
      {R"({"endpoint":"other","certificateName":"c"})", "endpoint in the body must be the path's endpoint 'x'"},
  };
  for (const auto& [text, expected] : bad) {
    auto refused = curl("PUT", "/api/v1/credentials/x", text);
    EXPECT_EQ(refused.status, 400) << text << ": " << refused.body;
    EXPECT_NE(str(parse(refused.body)["error"]).find(expected), std::string::npos) << text << ": " << refused.body;
  }
  // An identity belongs to one endpoint.
  ASSERT_EQ(curl("PUT", "/api/v1/credentials/a", body).status, 201);
  auto taken = curl("PUT", "/api/v1/credentials/b", body);
  EXPECT_EQ(taken.status, 400) << taken.body;
  EXPECT_NE(taken.body.find("PSK identity 'x-id' already belongs to endpoint 'a'"), std::string::npos) << taken.body;
  EXPECT_EQ(curl("GET", "/api/v1/credentials/b").status, 404);
  expectNoKeyIn(gateway_->log());
}

TEST_F(CredentialsApi, BootstrapConfigStoredOverRestIsWhatADeviceGetsAlsoAfterARestart) {
  // Plain CoAP toward this gateway with a lifetime only this configuration has.
  const std::string config = R"({"security":[{"instance":1,"uri":")" + gateway_->coapUri() +
                             R"(","mode":"nosec","short-server-id":1}],)"
                             R"("servers":[{"instance":0,"short-server-id":1,"lifetime":77,"binding":"U"}]})";
  auto bad = curl("PUT", "/api/v1/bootstrap/configs/boot-1",
                  R"({"security":[{"instance":1,"mode":"tls","short-server-id":1}],"servers":[]})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("security[0].mode: expected psk or nosec (got 'tls')"), std::string::npos) << bad.body;
  auto other = curl("PUT", "/api/v1/bootstrap/configs/boot-1", R"({"endpoint":"boot-2","security":[]})");
  EXPECT_EQ(other.status, 400) << other.body;
  EXPECT_NE(other.body.find("endpoint: must be the path's endpoint 'boot-1'"), std::string::npos) << other.body;

  auto put = curl("PUT", "/api/v1/bootstrap/configs/boot-1", config);
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(str(parse(put.body)["source"]), "api") << put.body;
  // A PSK configuration shows its identity, never its key.
  auto psk = curl("PUT", "/api/v1/bootstrap/configs/boot-psk",
                  R"({"security":[{"instance":1,"mode":"psk","psk-identity":"boot-psk-id","psk-key":")" + kKeyHex +
                      R"(","short-server-id":1}],"servers":[{"instance":0,"short-server-id":1}]})");
  ASSERT_EQ(psk.status, 201) << psk.body;
  EXPECT_NE(psk.body.find("\"psk-credentials\":\"stored\""), std::string::npos) << psk.body;
  auto list = curl("GET", "/api/v1/bootstrap/configs");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("\"endpoint\":\"*\""), std::string::npos) << list.body;  // the default stays
  expectNoKeyIn(list.body);
  expectNoKeyIn(curl("GET", "/api/v1/bootstrap/configs/boot-psk").body);

  auto bootstrapOnce = [&] {
    Simulator sim({"--bootstrap", "127.0.0.1:" + std::to_string(bootstrapPort_), "-e", "boot-1", "-d", "30"});
    auto finished = sim.waitForLine("bootstrap-finished boot-1", 20s);
    ASSERT_TRUE(finished) << gateway_->log();
    EXPECT_NE(finished->find(gateway_->coapUri()), std::string::npos) << *finished;
    ASSERT_TRUE(sim.waitForLine("registered boot-1", 15s)) << gateway_->log();
    auto device = curl("GET", "/api/v1/devices/boot-1", {}, "read-token-0123456789abcdef");
    ASSERT_EQ(device.status, 200) << device.body;
    EXPECT_EQ(parse(device.body)["lifetime"].GetInt(), 77) << device.body;
  };
  bootstrapOnce();
  gateway_->restart();
  auto again = curl("GET", "/api/v1/bootstrap/configs/boot-1");
  ASSERT_EQ(again.status, 200) << again.body << gateway_->log();
  EXPECT_EQ(str(parse(again.body)["source"]), "api");
  bootstrapOnce();
  // Its file is private.
  const auto file = gateway_->dataDir() / "bootstrap-configs" / "boot-psk.yaml";
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // Removed: the default configuration applies again.
  EXPECT_EQ(curl("DELETE", "/api/v1/bootstrap/configs/boot-1").status, 200);
  EXPECT_EQ(curl("GET", "/api/v1/bootstrap/configs/boot-1").status, 404);
  auto defaultOnly = curl("DELETE", "/api/v1/bootstrap/configs/*");
  EXPECT_EQ(defaultOnly.status, 404);
  EXPECT_NE(defaultOnly.body.find("comes from default"), std::string::npos) << defaultOnly.body;
  expectNoKeyIn(gateway_->log());
}

}  // namespace
}  // namespace lwm2m::testing
