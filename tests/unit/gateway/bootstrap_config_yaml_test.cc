#include "gateway/daemon/bootstrap_config_yaml.h"

#include <gtest/gtest.h>

#include <fstream>

namespace lwm2m::gateway {
namespace {

const BootstrapDefaults kDefaults{"coap://192.0.2.1:5683", "coaps://192.0.2.1:5684"};

std::string bootstrapErrorsOf(std::string_view yaml) {
  auto loaded = loadBootstrapConfigText(yaml, "boot/dev.yaml", kDefaults);
  EXPECT_FALSE(loaded.ok()) << yaml;
  return loaded.ok() ? "" : loaded.error().message;
}

TEST(BootstrapConfigYaml, FullEntryLoads) {
  auto loaded = loadBootstrapConfigText(R"(endpoint: sensor-1
discover: true
read-before-write: true
delete-existing: false
security:
  - instance: 1
    uri: coaps://10.0.0.1:5684
    mode: psk
    psk-identity: sensor-1
    psk-key: 00112233445566778899aabbccddeeff
    short-server-id: 7
servers:
  - {instance: 0, short-server-id: 7, lifetime: 600, binding: UQ, notification-storing: false}
acl:
  - {instance: 0, object: 3, object-instance: 0, rights: {7: 15}, owner: 7}
)", "boot/sensor-1.yaml", kDefaults);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& c = *loaded;
  EXPECT_EQ(c.endpoint, "sensor-1");
  EXPECT_TRUE(c.discover);
  EXPECT_TRUE(c.readServers);
  EXPECT_FALSE(c.deleteExisting);
  ASSERT_EQ(c.security.size(), 1u);
  EXPECT_EQ(c.security[0].serverUri, "coaps://10.0.0.1:5684");
  EXPECT_EQ(c.security[0].mode, server::SecurityMode::Psk);
  EXPECT_FALSE(c.security[0].generatePsk);
  EXPECT_EQ(c.security[0].pskKey.size(), 16u);
  EXPECT_EQ(c.security[0].shortServerId, 7);
  ASSERT_EQ(c.servers.size(), 1u);
  EXPECT_EQ(c.servers[0].lifetime, 600u);
  EXPECT_EQ(c.servers[0].binding, "UQ");
  EXPECT_FALSE(c.servers[0].notificationStoring);
  ASSERT_EQ(c.acls.size(), 1u);
  EXPECT_EQ(c.acls[0].rights.at(7), 15);
}

TEST(BootstrapConfigYaml, PskWithoutKeyIsGeneratedAndUriDefaultsToTheGateway) {
  auto loaded = loadBootstrapConfigText(
      "endpoint: '*'\nsecurity: [{instance: 1, mode: psk}]\nservers: [{instance: 0}]\n", "d.yaml", kDefaults);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(loaded->security[0].generatePsk);
  EXPECT_EQ(loaded->security[0].serverUri, "coaps://192.0.2.1:5684");
  auto plain = loadBootstrapConfigText(
      "endpoint: '*'\nsecurity: [{instance: 1, mode: nosec}]\nservers: [{instance: 0}]\n", "d.yaml", kDefaults);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->security[0].serverUri, "coap://192.0.2.1:5683");
}

TEST(BootstrapConfigYaml, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(bootstrapErrorsOf("endpoint: a\nsecurity:\n  - instance: 1\n    mode: tls\nservers: [{instance: 0}]\n"),
            "boot/dev.yaml:4: security[0].mode: expected psk or nosec (got 'tls')");
  EXPECT_EQ(bootstrapErrorsOf("endpoint: a\nsecurity: [{mode: nosec}]\nservers: [{lifetime: -5}]\n"),
            "boot/dev.yaml:3: servers[0].lifetime: expected a whole number 0..4294967295 (got '-5')");
  EXPECT_NE(bootstrapErrorsOf("endpoint: a\nsecurity: [{mode: nosec, colour: red}]\nservers: [{}]\n")
                .find("boot/dev.yaml:2: security[0].colour: unknown key"),
            std::string::npos);
}

TEST(BootstrapConfigYaml, KeysAreNeverEchoed) {
  std::string errors = bootstrapErrorsOf("endpoint: a\nsecurity: [{mode: psk, psk-identity: x, psk-key: s3cretZZ}]\nservers: [{}]\n");
  EXPECT_NE(errors.find("psk-key: expected the key as an even number of hex digits"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("s3cret"), std::string::npos);
}

TEST(BootstrapConfigYaml, InconsistentEntriesAreRefused) {
  EXPECT_NE(bootstrapErrorsOf("security: [{mode: nosec}]\nservers: [{}]\n").find("endpoint is required"), std::string::npos);
  EXPECT_NE(bootstrapErrorsOf("endpoint: a\nservers: [{}]\n").find("at least one Security instance"), std::string::npos);
  EXPECT_NE(bootstrapErrorsOf("endpoint: a\nsecurity: [{mode: nosec, short-server-id: 4}]\nservers: [{}]\n")
                .find("short-server-id 4 has no entry in servers"),
            std::string::npos);
  EXPECT_NE(bootstrapErrorsOf("endpoint: a\nsecurity: [{mode: psk, psk-identity: x}]\nservers: [{}]\n")
                .find("psk-identity and psk-key go together"),
            std::string::npos);
  EXPECT_NE(bootstrapErrorsOf("endpoint: a\nsecurity: [{mode: nosec, uri: 'coaps://h:1'}]\nservers: [{}]\n")
                .find("coaps:// goes with mode psk"),
            std::string::npos);
  EXPECT_NE(bootstrapErrorsOf("endpoint: a\nsecurity: [{mode: nosec}, {mode: nosec}]\nservers: [{}]\n")
                .find("instance 0 given twice"),
            std::string::npos);
  EXPECT_NE(bootstrapErrorsOf("endpoint: [a\n").find("boot/dev.yaml:"), std::string::npos);
  EXPECT_NE(bootstrapErrorsOf("- a\n").find("boot/dev.yaml:1: expected a map"), std::string::npos);
}

TEST(BootstrapConfigYaml, DirectoryGivesPerEndpointEntriesAndDefault) {
  auto dir = std::filesystem::temp_directory_path() / ("bootstrap-yaml-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "default.yaml") << "endpoint: '*'\nsecurity: [{instance: 1, mode: psk}]\nservers: [{}]\n";
  std::ofstream(dir / "meter.yaml") << "endpoint: meter\nsecurity: [{instance: 1, mode: nosec}]\nservers: [{}]\n";
  std::ofstream(dir / "notes.txt") << "not yaml: [";
  auto configs = loadBootstrapConfigDirectory(dir, kDefaults);
  ASSERT_TRUE(configs.ok()) << configs.error().message;
  EXPECT_EQ(configs->size(), 2u);
  EXPECT_EQ(configs->find("meter")->security[0].mode, server::SecurityMode::NoSec);
  EXPECT_EQ(configs->find("anyone")->endpoint, "*");

  std::ofstream(dir / "z-meter.yaml") << "endpoint: meter\nsecurity: [{instance: 1, mode: nosec}]\nservers: [{}]\n";
  auto twice = loadBootstrapConfigDirectory(dir, kDefaults);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("endpoint 'meter' is already configured in"), std::string::npos);
  std::filesystem::remove_all(dir);

  auto missing = loadBootstrapConfigDirectory(dir, kDefaults);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("not a directory"), std::string::npos);
}

// A REST body for an endpoint: JSON (YAML's subset) with the endpoint left
// out or the same; its stored file text loads again as that endpoint.
TEST(BootstrapConfigYaml, RestBodyTakesThePathsEndpointAndItsFileTextLoadsAgain) {
  const std::string body = R"({"security":[{"instance":1,"mode":"psk","psk-identity":"x y: z","psk-key":"0011",)"
                           R"("short-server-id":1}],"servers":[{"instance":0,"short-server-id":1,"lifetime":77}]})";
  auto loaded = loadBootstrapConfigText(body, "body", kDefaults, "dev #1");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->endpoint, "dev #1");
  EXPECT_EQ(loaded->security.front().serverUri, "coaps://192.0.2.1:5684");
  auto again = loadBootstrapConfigText(bootstrapConfigFileText(body, "dev #1"), "stored.yaml", kDefaults);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->endpoint, "dev #1");
  EXPECT_EQ(again->security.front().pskIdentity, "x y: z");
  EXPECT_EQ(again->servers.front().lifetime, 77u);

  auto other = loadBootstrapConfigText(R"({"endpoint":"dev-2","security":[{"instance":1,"mode":"nosec",)"
                                       R"("short-server-id":1}],"servers":[{"instance":0}]})",
                                       "body", kDefaults, "dev-1");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("body:1: endpoint: must be the path's endpoint 'dev-1' or left out (got 'dev-2')"),
            std::string::npos)
      << other.error().message;
  // Without a path's endpoint the document must name one, as a file.
  EXPECT_NE(bootstrapErrorsOf("security:\n  - {instance: 1, mode: nosec}\nservers:\n  - {instance: 0}\n").find("endpoint is required"),
            std::string::npos);
}

}  // namespace
}  // namespace lwm2m::gateway
