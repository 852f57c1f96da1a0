// Bootstrap-Pack (LwM2M 1.2) with the real daemon: the simulator asks for its
// whole configuration with one Bootstrap-Pack-Request (--bootstrap-pack),
// applies it and registers over DTLS with the PSK credentials the pack
// carried (which the gateway stored); bootstrap events reach MQTT through the
// mapping. libcoap's coap-client, an independent client, gets a pack that
// decodes, and is refused with 4.06 for a format a pack is not sent in and
// with 4.04 for an endpoint without configuration.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "lwm2m/server/bootstrap_pack.h"
#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A mapping publishing the bootstrap events and a configuration directory
// with one device ("known") and no "*" entry; made before the gateway starts.
struct PackScratch {
  PackScratch()
      : dir(fs::temp_directory_path() / ("bootstrap-pack-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(freeUdpPort()))) {
    fs::create_directories(dir / "bootstrap");
    std::ofstream(dir / "mapping.yaml")
        << "uplink:\n"
           "  - name: bootstrap-events\n"
           "    match: {events: [bootstrap-started, bootstrap-finished, bootstrap-failed]}\n"
           "    topic: \"site/{endpoint}/{event}\"\n"
           "    payload: event\n";
  }
  ~PackScratch() { fs::remove_all(dir); }
  fs::path dir;
};

class BootstrapPack : public ::testing::Test {
 protected:
  BootstrapPack()
      : coapsPort_(freeUdpPort()),
        bootstrapPort_(freeUdpPort()),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--mapping", (scratch_.dir / "mapping.yaml").string(), "--coaps",
                  "127.0.0.1:" + std::to_string(coapsPort_), "--bootstrap",
                  "127.0.0.1:" + std::to_string(bootstrapPort_)}) {}

  std::string bootstrapAddress() const { return "127.0.0.1:" + std::to_string(bootstrapPort_); }
  std::string credentialsList() {
    return runCommand({LWM2M_GATEWAY_BIN, "credentials", "--data-dir", gateway_.dataDir().string(), "list"}).output;
  }
  // GET /bspack with coap-client-notls; the pack lands in scratch/pack.
  std::string libcoapPack(const std::string& endpoint, const std::string& accept) {
    fs::remove(packFile());
    return runCommand({"coap-client-notls", "-v", "6", "-B", "10", "-m", "get", "-A", accept, "-o",
                       packFile().string(), "coap://" + bootstrapAddress() + "/bspack?ep=" + endpoint})
        .output;
  }
  fs::path packFile() const { return scratch_.dir / "pack"; }
  model::Bytes packBytes() const {
    std::ifstream in(packFile(), std::ios::binary);
    return model::Bytes(std::istreambuf_iterator<char>(in), {});
  }

  PackScratch scratch_;
  Mosquitto broker_;
  std::uint16_t coapsPort_;
  std::uint16_t bootstrapPort_;
  GatewayProcess gateway_;
};

TEST_F(BootstrapPack, SimulatedDeviceBootstrapsByPackAndRegistersOverDtlsWithTheProvidedCredentials) {
  MqttSubscriber sub(broker_, "site/#");
  Simulator sim({"--bootstrap", bootstrapAddress(), "--bootstrap-pack", "-e", "pack-dev", "--no-deregister", "-d",
                 "60"});
  auto pack = sim.waitForLine("bootstrap-pack pack-dev", 20s);
  ASSERT_TRUE(pack) << gateway_.log();
  EXPECT_NE(pack->find("SenML CBOR"), std::string::npos) << *pack;
  EXPECT_NE(pack->find("/0/1 /1/0"), std::string::npos) << *pack;
  auto finished = sim.waitForLine("bootstrap-finished pack-dev", 5s);
  ASSERT_TRUE(finished);
  EXPECT_NE(finished->find("coaps://127.0.0.1:" + std::to_string(coapsPort_) + " psk-identity=pack-dev-"),
            std::string::npos)
      << *finished;
  const std::string identity = finished->substr(finished->find("psk-identity=") + 13);

  ASSERT_TRUE(sim.waitForLine("registered pack-dev", 20s)) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "established (psk identity '" + identity + "')")) << gateway_.log();
  auto device = httpGet(gateway_.httpUrl("/api/v1/devices/pack-dev"));
  ASSERT_EQ(device.status, 200);
  EXPECT_EQ(str(parse(device.body)["lwm2m"]), "1.2") << device.body;
  EXPECT_NE(credentialsList().find(identity), std::string::npos);
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-started pack-dev from 127.0.0.1:")) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-finished pack-dev from 127.0.0.1:")) << gateway_.log();

  auto started = nextJsonOn(sub, "site/pack-dev/bootstrap-started");
  ASSERT_TRUE(started) << gateway_.log();
  EXPECT_EQ(str((*started)["event"]), "bootstrap-started");
  auto done = nextJsonOn(sub, "site/pack-dev/bootstrap-finished");
  ASSERT_TRUE(done) << gateway_.log();
  EXPECT_EQ(str((*done)["endpoint"]), "pack-dev");
}

TEST_F(BootstrapPack, LibcoapGetsADecodablePackInEachFormatAndUnsuitableFormatsAre406) {
  const auto model = model::ObjectModel::builtIn();
  for (auto [accept, format] : {std::pair{"112", formats::kSenmlCbor}, std::pair{"110", formats::kSenmlJson},
                                std::pair{"11544", formats::kLwm2mCbor}}) {
    SCOPED_TRACE(accept);
    const auto output = libcoapPack("libcoap-dev", accept);
    ASSERT_EQ(coapResponseCode(output), "2.05") << output << gateway_.log();
    auto pack = server::decodeBootstrapPack(packBytes(), format, model);
    ASSERT_TRUE(pack.ok()) << pack.error().message;
    const model::ObjectInstance& security = pack->objects.at(0).at(1);
    EXPECT_EQ(security.resource(0)->value().asString(), "coaps://127.0.0.1:" + std::to_string(coapsPort_));
    EXPECT_EQ(security.resource(5)->value().asOpaque().size(), 16u);
    const auto& identity = security.resource(3)->value().asOpaque();
    // Stored before it was sent: the identity is listed (the key never is).
    EXPECT_NE(credentialsList().find(std::string(identity.begin(), identity.end())), std::string::npos);
    EXPECT_EQ(pack->objects.at(1).at(0).resource(0)->value().asInteger(), 1);
  }
  const auto tlv = libcoapPack("libcoap-dev", "11542");
  EXPECT_EQ(coapResponseCode(tlv), "4.06") << tlv;
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-failed libcoap-dev from 127.0.0.1:")) << gateway_.log();
  EXPECT_TRUE(waitForLog(gateway_, "not 11542 (LwM2M TLV)")) << gateway_.log();
}

// With bootstrap.configs naming only "known", another endpoint gets 4.04 as a
// Bootstrap-Request would.
class BootstrapPackConfigured : public ::testing::Test {
 protected:
  BootstrapPackConfigured()
      : bootstrapPort_(freeUdpPort()),
        config_(writeConfig()),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--config", config_.string(), "--coaps", "127.0.0.1:" + std::to_string(freeUdpPort()),
                  "--bootstrap", "127.0.0.1:" + std::to_string(bootstrapPort_)}) {}
  fs::path writeConfig() {
    std::ofstream(scratch_.dir / "bootstrap" / "known.yaml")
        << "endpoint: known\nsecurity:\n  - {instance: 1, mode: psk}\nservers:\n  - {instance: 0, lifetime: 120}\n";
    std::ofstream(scratch_.dir / "gateway.yaml")
        << "bootstrap:\n  configs: \"" << (scratch_.dir / "bootstrap").string() << "\"\n";
    return scratch_.dir / "gateway.yaml";
  }

  PackScratch scratch_;
  Mosquitto broker_;
  std::uint16_t bootstrapPort_;
  fs::path config_;
  GatewayProcess gateway_;
};

TEST_F(BootstrapPackConfigured, EndpointWithoutConfigurationIs404LikeBootstrapRequest) {
  const std::string address = "127.0.0.1:" + std::to_string(bootstrapPort_);
  Simulator stranger({"--bootstrap", address, "--bootstrap-pack", "-e", "stranger", "-d", "10"});
  auto failed = stranger.waitForLine("bootstrap-failed stranger", 20s);
  ASSERT_TRUE(failed) << gateway_.log();
  EXPECT_NE(failed->find("Bootstrap-Pack-Request answered 4.04 (no bootstrap configuration for this endpoint)"),
            std::string::npos)
      << *failed;
  EXPECT_TRUE(waitForLog(gateway_, "bootstrap-failed stranger from 127.0.0.1:")) << gateway_.log();

  Simulator known({"--bootstrap", address, "--bootstrap-pack", "--pack-format", "lwm2m-cbor", "-e", "known", "-d",
                   "30"});
  auto pack = known.waitForLine("bootstrap-pack known", 20s);
  ASSERT_TRUE(pack) << gateway_.log();
  EXPECT_NE(pack->find("LwM2M CBOR"), std::string::npos) << *pack;
  EXPECT_TRUE(known.waitForLine("registered known", 20s)) << gateway_.log();
}

}  // namespace
}  // namespace lwm2m::testing
