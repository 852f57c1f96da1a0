// CoAP over DTLS against the real daemon: credentials added with the real
// `lwm2m-gateway credentials` command, the simulator and libcoap's
// coap-client-openssl (Debian libcoap3-bin) as DTLS PSK devices, and every
// refusal with its log line (never containing a key).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/support/process.h"
#include "tests/support/test_pki.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

// libcoap takes the key as text; the gateway's command line takes hex.
const std::string kKeyText = "s3cret-psk-of-dev";
std::string hex(const std::string& text) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::filesystem::path writeConfig(const std::string& extra = {}) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("dtls-test-" + std::to_string(::getpid()) + "-" + std::to_string(freeUdpPort()) + ".yaml");
  std::ofstream(path) << "coaps:\n  handshake_timeout_s: 3\n" << extra;
  return path;
}

class Dtls : public ::testing::Test {
 protected:
  Dtls()
      : coapsPort_(freeUdpPort()),
        config_(writeConfig()),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--config", config_.string(), "--coaps", "127.0.0.1:" + std::to_string(coapsPort_)}) {}
  ~Dtls() override { std::filesystem::remove(config_); }

  CommandResult credentials(std::vector<std::string> args) {
    std::vector<std::string> argv{LWM2M_GATEWAY_BIN, "credentials", "--data-dir", gateway_.dataDir().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv);
  }
  void addPsk(const std::string& endpoint, const std::string& identity, const std::string& keyText) {
    auto r = credentials({"add", endpoint, "--psk-identity", identity, "--psk-key", hex(keyText)});
    ASSERT_EQ(r.exitCode, 0) << r.output;
  }
  std::string coaps(const std::string& pathAndQuery) {
    return "coaps://127.0.0.1:" + std::to_string(coapsPort_) + "/" + pathAndQuery;
  }
  // A Register with coap-client-openssl; returns its verbose output.
  std::string registerWithLibcoap(const std::string& identity, const std::string& keyText,
                                  const std::string& endpoint) {
    auto r = runCommand({"coap-client-openssl", "-v", "6", "-B", "8", "-u", identity, "-k", keyText, "-m",
                         "post", "-t", "40", "-e", "</1/0>,</3/0>", coaps("rd?ep=" + endpoint + "&lt=60&lwm2m=1.1")},
                        20s);
    return r.output;
  }
  void expectNoSecretInLog() {
    const std::string log = gateway_.log();
    EXPECT_EQ(log.find(kKeyText), std::string::npos);
    EXPECT_EQ(log.find(hex(kKeyText)), std::string::npos);
  }

  Mosquitto broker_;
  std::uint16_t coapsPort_;
  std::filesystem::path config_;
  GatewayProcess gateway_;
};

TEST_F(Dtls, SimulatorRegistersOverPskAndIsBoundToItsIdentity) {
  addPsk("sim-dtls", "sim-dtls", kKeyText);
  Simulator sim({"--server", "127.0.0.1:" + std::to_string(coapsPort_), "-e", "sim-dtls", "--psk-key",
                 hex(kKeyText), "-d", "30"});
  ASSERT_TRUE(sim.waitForLine("registered sim-dtls", 15s)) << gateway_.log();
  auto device = httpGet(gateway_.httpUrl("/api/v1/devices/sim-dtls"));
  EXPECT_EQ(device.status, 200);
  EXPECT_TRUE(waitForLog(gateway_, "established (psk identity 'sim-dtls')")) << gateway_.log();
  // A read travels back down the DTLS session.
  auto read = httpSend("POST", gateway_.httpUrl("/api/v1/devices/sim-dtls/commands"),
                       R"({"operation":"read","path":"/3/0/0"})");
  EXPECT_LT(read.status, 300) << read.body;
  EXPECT_TRUE(sim.waitForLine("read sim-dtls", 10s));
  expectNoSecretInLog();
}

TEST_F(Dtls, DeviceAtANewAddressResumesAndIsFollowedByIdentity) {
  addPsk("roamer", "roamer", kKeyText);
  // After 2 s the device's NAT gives it a new port and it speaks first with
  // a Send report: over plain UDP that is refused (nothing names the device),
  // over DTLS the resumed session's identity names it.
  Simulator sim({"--server", "127.0.0.1:" + std::to_string(coapsPort_), "-e", "roamer", "--psk-key",
                 hex(kKeyText), "--rebind-after", "2", "--rebind-with", "send", "-d", "30"});
  ASSERT_TRUE(sim.waitForLine("registered roamer", 15s)) << gateway_.log();
  auto rebound = sim.waitForLine("rebound roamer", 10s);
  ASSERT_TRUE(rebound);
  const std::string newAddress = rebound->substr(rebound->rfind(' ') + 1);
  ASSERT_TRUE(sim.waitForLine("dtls-resumed roamer", 10s)) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "DTLS session with " + newAddress + " resumed (psk identity 'roamer')"))
      << gateway_.log();
  // The first Send from the new port is accepted (not 4.03 and an Update).
  auto sent = sim.waitForLine("sent roamer", 10s);
  ASSERT_TRUE(sent) << gateway_.log();
  EXPECT_EQ(*sent, "sent roamer 2.04");
  const auto device = httpGet(gateway_.httpUrl("/api/v1/devices/roamer"));
  EXPECT_NE(device.body.find("\"" + newAddress + "\""), std::string::npos) << device.body;
}

TEST_F(Dtls, ClientHelloFloodKeepsNoStateAndDevicesStillGetIn) {
  // A genuine first ClientHello (no cookie), captured from a handshake.
  std::ifstream seed(std::string(LWM2M_SOURCE_DIR) + "/tests/fuzz/corpus/dtls_record/client_hello_new_peer",
                     std::ios::binary);
  std::vector<char> framed((std::istreambuf_iterator<char>(seed)), std::istreambuf_iterator<char>());
  ASSERT_GT(framed.size(), 3u);
  const std::vector<char> hello(framed.begin() + 3, framed.end());

  sockaddr_in gatewayAddress{};
  gatewayAddress.sin_family = AF_INET;
  gatewayAddress.sin_port = htons(coapsPort_);
  gatewayAddress.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  constexpr int kSources = 100, kPerSource = 100;
  std::vector<int> sockets;
  for (int i = 0; i < kSources; ++i) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0);
    sockets.push_back(fd);
  }
  const long before = residentKib(gateway_.pid());
  int answers = 0;
  char buffer[2048];
  for (int round = 0; round < kPerSource; ++round) {
    for (int fd : sockets) {
      ::sendto(fd, hello.data(), hello.size(), 0, reinterpret_cast<const sockaddr*>(&gatewayAddress),
               sizeof gatewayAddress);
    }
    // Paced by the answers (up to 200 ms a round), so the flood measures
    // the gateway rather than the kernel's socket buffers.
    const int wanted = answers + kSources;
    const auto deadline = std::chrono::steady_clock::now() + 200ms;
    while (answers < wanted && std::chrono::steady_clock::now() < deadline) {
      for (int fd : sockets) {
        while (::recv(fd, buffer, sizeof buffer, 0) > 0) ++answers;
      }
    }
  }
  std::this_thread::sleep_for(300ms);
  for (int fd : sockets) {
    while (::recv(fd, buffer, sizeof buffer, 0) > 0) ++answers;
    ::close(fd);
  }
  const long after = residentKib(gateway_.pid());
  // Every ClientHello got a HelloVerifyRequest (bar what the socket buffers
  // dropped), and 10000 of them left no session behind: memory barely moved
  // (one session is ~56 KiB; 100 half-open ones would be ~5 MiB).
  EXPECT_GT(answers, kSources * kPerSource * 9 / 10);
  EXPECT_LT(after - before, 2048) << before << " KiB before, " << after << " KiB after";
  EXPECT_EQ(gateway_.log().find("DTLS handshake with"), std::string::npos) << "no handshake ever started";

  addPsk("after-flood", "after-flood", kKeyText);
  Simulator sim({"--server", "127.0.0.1:" + std::to_string(coapsPort_), "-e", "after-flood", "--psk-key",
                 hex(kKeyText), "-d", "10"});
  EXPECT_TRUE(sim.waitForLine("registered after-flood", 15s)) << gateway_.log();
}

TEST_F(Dtls, LibcoapRegistersWithPsk) {
  addPsk("libcoap-dtls", "libcoap-id", kKeyText);
  const auto output = registerWithLibcoap("libcoap-id", kKeyText, "libcoap-dtls");
  EXPECT_EQ(coapResponseCode(output), "2.01") << output << gateway_.log();
  EXPECT_EQ(httpGet(gateway_.httpUrl("/api/v1/devices/libcoap-dtls")).status, 200);
  expectNoSecretInLog();
}

TEST_F(Dtls, IdentityOfAnotherEndpointIsForbidden) {
  addPsk("meter-a", "meter-a", kKeyText);
  const auto output = registerWithLibcoap("meter-a", kKeyText, "meter-b");
  EXPECT_EQ(coapResponseCode(output), "4.03") << output;
  EXPECT_EQ(httpGet(gateway_.httpUrl("/api/v1/devices/meter-b")).status, 404);
  EXPECT_TRUE(waitForLog(gateway_, "registration refused endpoint 'meter-b' from 127.0.0.1:"));
  EXPECT_TRUE(waitForLog(gateway_, "psk identity 'meter-a' belongs to endpoint 'meter-a'")) << gateway_.log();
  expectNoSecretInLog();
}

// The gateway answers the Finished that does not decrypt with a fatal
// bad_record_mac alert: the device gives up at once instead of retransmitting
// until its own timeout (-B 8 here).
TEST_F(Dtls, WrongKeyIsRefusedWithAnAlertAndLoggedWithoutTheKey) {
  addPsk("meter-c", "meter-c", kKeyText);
  const auto start = std::chrono::steady_clock::now();
  const auto output = registerWithLibcoap("meter-c", "not-the-key-at-all", "meter-c");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s) << output;
  EXPECT_EQ(coapResponseCode(output), "") << output;
  EXPECT_NE(output.find("alert read:fatal:bad record mac"), std::string::npos) << output;
  EXPECT_TRUE(waitForLog(gateway_, "key does not match (psk identity 'meter-c')", 15s)) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "sent a bad_record_mac alert")) << gateway_.log();
  EXPECT_EQ(gateway_.log().find("not-the-key-at-all"), std::string::npos);
  expectNoSecretInLog();
}

TEST_F(Dtls, UnknownIdentityIsRefused) {
  const auto output = registerWithLibcoap("nobody", kKeyText, "nobody");
  EXPECT_EQ(coapResponseCode(output), "") << output;
  EXPECT_TRUE(waitForLog(gateway_, "refused: unknown PSK identity 'nobody'")) << gateway_.log();
}

TEST_F(Dtls, EndpointThatRequiresDtlsIsRefusedOverPlainCoap) {
  addPsk("secure-1", "secure-1", kKeyText);
  auto r = runCommand({"coap-client-notls", "-v", "6", "-B", "8", "-m", "post", "-t", "40", "-e", "</3/0>",
                       gateway_.coapUri() + "/rd?ep=secure-1&lt=60&lwm2m=1.1"});
  EXPECT_EQ(coapResponseCode(r.output), "4.03") << r.output;
  EXPECT_TRUE(waitForLog(gateway_, "require DTLS")) << gateway_.log();
  // Other endpoints still register over plain CoAP (lwm2m.allow_plain_registration: true).
  r = runCommand({"coap-client-notls", "-v", "6", "-B", "8", "-m", "post", "-t", "40", "-e", "</3/0>",
                  gateway_.coapUri() + "/rd?ep=legacy-1&lt=60&lwm2m=1.1"});
  EXPECT_EQ(coapResponseCode(r.output), "2.01") << r.output;
}

TEST_F(Dtls, CredentialsCommandNeverPrintsKeysAndKeepsTheFilePrivate) {
  addPsk("dev-1", "dev-1-id", kKeyText);
  auto list = credentials({"list"});
  ASSERT_EQ(list.exitCode, 0);
  EXPECT_NE(list.output.find("dev-1"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("dev-1-id"), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find(hex(kKeyText)), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find(kKeyText), std::string::npos) << list.output;
  const auto mode = std::filesystem::status(gateway_.dataDir() / "credentials.db").permissions();
  EXPECT_EQ(mode & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_NE(credentials({"add", "dev-2", "--psk-identity", "dev-1-id", "--psk-key", "00ff"}).exitCode, 0);
  EXPECT_NE(credentials({"add", "dev-3", "--psk-identity", "x", "--psk-key", "zz"}).exitCode, 0);
  EXPECT_EQ(credentials({"remove", "dev-1"}).exitCode, 0);
  EXPECT_NE(credentials({"remove", "dev-1"}).exitCode, 0);
}

// Certificates: the gateway presents its own and checks the device's against
// the CA bundle; the device's certificate name (CN) is its endpoint.
class DtlsCertificates : public ::testing::Test {
 protected:
  static std::filesystem::path pkiDir() {
    auto dir = std::filesystem::temp_directory_path() / ("dtls-pki-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
  }
  DtlsCertificates()
      : dir_(pkiDir()),
        pki_(makeTestPki(dir_)),
        coapsPort_(freeUdpPort()),
        config_(writeConfig("  cert_file: " + pki_.serverCert + "\n  key_file: " + pki_.serverKey +
                            "\n  ca_file: " + pki_.caFile + "\n")),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--config", config_.string(), "--coaps", "127.0.0.1:" + std::to_string(coapsPort_)}) {}
  ~DtlsCertificates() override {
    std::filesystem::remove(config_);
    std::filesystem::remove_all(dir_);
  }
  std::string registerAs(const std::string& endpoint, const std::string& cert, const std::string& key) {
    auto r = runCommand({"coap-client-openssl", "-v", "6", "-B", "8", "-c", cert, "-j", key, "-C", pki_.caFile,
                         "-m", "post", "-t", "40", "-e", "</3/0>",
                         "coaps://127.0.0.1:" + std::to_string(coapsPort_) + "/rd?ep=" + endpoint + "&lt=60&lwm2m=1.1"},
                        20s);
    return r.output;
  }

  std::filesystem::path dir_;
  TestPki pki_;
  Mosquitto broker_;
  std::uint16_t coapsPort_;
  std::filesystem::path config_;
  GatewayProcess gateway_;
};

TEST_F(DtlsCertificates, LibcoapRegistersAsTheNameInItsCertificate) {
  // The test PKI's client certificate has CN=lwm2m-gateway.
  const auto output = registerAs("lwm2m-gateway", pki_.clientCert, pki_.clientKey);
  EXPECT_EQ(coapResponseCode(output), "2.01") << output << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "established (certificate CN 'lwm2m-gateway')")) << gateway_.log();
  const auto other = registerAs("someone-else", pki_.clientCert, pki_.clientKey);
  EXPECT_EQ(coapResponseCode(other), "4.03") << other;
  EXPECT_TRUE(waitForLog(gateway_, "certificate CN 'lwm2m-gateway' is bound to no endpoint and does not name this one"))
      << gateway_.log();
}

TEST_F(DtlsCertificates, CertificateFromAnotherCaIsRefused) {
  const auto strangers = dir_ / "strangers";
  std::filesystem::create_directories(strangers);
  const TestPki other = makeTestPki(strangers);
  const auto output = registerAs("lwm2m-gateway", other.clientCert, other.clientKey);
  EXPECT_EQ(coapResponseCode(output), "") << output;
  EXPECT_TRUE(waitForLog(gateway_, "refused: certificate rejected: unable to get local issuer certificate"))
      << gateway_.log();
}

TEST_F(DtlsCertificates, ExpiredCertificateIsRefused) {
  // Signed by the gateway's CA and naming a real endpoint, but out of date.
  const CertificateFiles expired = issueExpiredClientCertificate(dir_, "lwm2m-gateway");
  const auto output = registerAs("lwm2m-gateway", expired.cert, expired.key);
  EXPECT_EQ(coapResponseCode(output), "") << output;
  EXPECT_TRUE(waitForLog(gateway_, "refused: certificate rejected: certificate has expired")) << gateway_.log();
  EXPECT_EQ(gateway_.log().find("established (certificate CN 'lwm2m-gateway')"), std::string::npos)
      << gateway_.log();
}

}  // namespace
}  // namespace lwm2m::testing
