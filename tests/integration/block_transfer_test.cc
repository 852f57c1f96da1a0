// Block-wise transfers (RFC 7959) end to end over real UDP: firmware images
// written to the real simulator in Block1 blocks and checked by CRC on the
// device, large reads fetched in Block2 blocks and decoded, transfers to
// several devices at once, the body limit of the real daemon (4.13 with
// Size1), and a firmware write through the daemon's REST command API.

#include <filesystem>
#include <fstream>
#include <future>

#include <gtest/gtest.h>

#include "lwm2m/coap/block.h"
#include "lwm2m/formats/content_format.h"
#include "lwm2m/model/node.h"
#include "tests/integration/in_process_server.h"
#include "tests/integration/transfer_support.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using model::Path;
using model::Resource;
using model::Value;
using operations::DeviceRequest;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kImageSize = 256 * 1024;

DeviceRequest firmwareWrite(const std::vector<std::uint8_t>& image) {
  return DeviceRequest::writeReplace(Path(5, 0, 0), Resource::single(0, Value::opaque(image)));
}

// "3/0,3311/0,3311/1,...": a device with `lamps` Light Control instances.
std::string manyLamps(int lamps) {
  std::string objects = "1/0,3/0,5/0";
  for (int i = 0; i < lamps; ++i) objects += ",3311/" + std::to_string(i);
  return objects;
}

std::vector<std::string> device(const InProcessServer& server, const std::string& endpoint,
                                std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--server", server.address(), "-e", endpoint, "--lifetime", "120"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

class BlockTransfer : public ::testing::Test {
 protected:
  InProcessServer server_;
};

TEST_F(BlockTransfer, FirmwareImageOf256KiBArrivesIntactThenUpdates) {
  Simulator sim(device(server_, "fw-big"));
  ASSERT_TRUE(server_.waitRegistered("fw-big"));
  const auto image = firmwareImage(kImageSize, 1);
  const auto started = Clock::now();
  auto written = server_.call("fw-big", firmwareWrite(image));
  ASSERT_TRUE(written.ok()) << written.reason;
  EXPECT_EQ(written.code, "2.04");
  std::cout << "[ measured ] 256 KiB Block1 firmware write: " << millisSince(started) << " ms\n";
  auto line = sim.waitForLine("firmware-received", 5s);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, firmwareReceivedLine("fw-big", image));

  EXPECT_EQ(server_.call("fw-big", DeviceRequest::read(Path(5, 0, 3))).node->resource()->value(),
            Value::integer(2)) << "state: downloaded";
  ASSERT_TRUE(server_.call("fw-big", DeviceRequest::execute(Path(5, 0, 2))).ok());
  ASSERT_TRUE(sim.waitForLine("firmware-updated fw-big"));
  EXPECT_EQ(server_.call("fw-big", DeviceRequest::read(Path(5, 0, 5))).node->resource()->value(),
            Value::integer(1)) << "update result: success";
}

TEST_F(BlockTransfer, FirmwareImageReachesA10DeviceInsideTlv) {
  Simulator sim(device(server_, "fw-old", {"--lwm2m", "1.0"}));
  ASSERT_TRUE(server_.waitRegistered("fw-old"));
  const auto image = firmwareImage(100 * 1024 + 17, 2);  // not a multiple of the block size
  auto written = server_.call("fw-old", firmwareWrite(image));
  ASSERT_TRUE(written.ok()) << written.reason;
  auto line = sim.waitForLine("firmware-received", 5s);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, firmwareReceivedLine("fw-old", image));
}

TEST_F(BlockTransfer, LargeReadsComeInBlock2AndDecode) {
  // 300 lamps: the Register itself (about 3.7 KB of links) goes up in Block1.
  Simulator modern(device(server_, "lamps", {"--objects", manyLamps(300)}));
  Simulator old(device(server_, "lamps-10", {"--objects", manyLamps(300), "--lwm2m", "1.0"}));
  ASSERT_TRUE(server_.waitRegistered("lamps"));
  ASSERT_TRUE(server_.waitRegistered("lamps-10"));
  for (const std::string ep : {"lamps", "lamps-10"}) {
    const auto started = Clock::now();
    auto r = server_.call(ep, DeviceRequest::read(Path(3311)));
    ASSERT_TRUE(r.ok()) << ep << ": " << r.reason;
    std::cout << "[ measured ] read of 300 instances from " << ep << " (" << formats::contentFormatName(r.contentFormat.value_or(0))
              << "): " << millisSince(started) << " ms\n";
    ASSERT_TRUE(r.node && r.node->object()) << ep;
    const auto& instances = r.node->object()->instances();
    ASSERT_EQ(instances.size(), 300u) << ep;
    for (const auto& [id, instance] : instances) {
      ASSERT_NE(model::findValue(*r.node, Path(3311), Path(3311, id, 5706)), nullptr) << ep << " " << id;
      EXPECT_EQ(*model::findValue(*r.node, Path(3311), Path(3311, id, 5706)), Value::string("warm white"));
      EXPECT_EQ(*model::findValue(*r.node, Path(3311), Path(3311, id, 5851)), Value::integer(100));
    }
  }
  // A multi-KiB string both ways: written in Block1, read back in Block2.
  std::string colour;
  for (int i = 0; colour.size() < 5000; ++i) colour += "shade-" + std::to_string(i) + ";";
  ASSERT_TRUE(server_.call("lamps", DeviceRequest::writeReplace(Path(3311, 299, 5706),
                                                                Resource::single(5706, Value::string(colour))))
                  .ok());
  auto back = server_.call("lamps", DeviceRequest::read(Path(3311, 299, 5706)));
  ASSERT_TRUE(back.ok()) << back.reason;
  EXPECT_EQ(back.node->resource()->value(), Value::string(colour));
}

TEST_F(BlockTransfer, ThreeImagesAtOnceWhileAFourthDeviceAnswersPromptly) {
  std::vector<std::unique_ptr<Simulator>> receivers;
  std::vector<std::vector<std::uint8_t>> images;
  for (int i = 0; i < 3; ++i) {
    const std::string ep = "fw-" + std::to_string(i);
    receivers.push_back(std::make_unique<Simulator>(device(server_, ep)));
    images.push_back(firmwareImage(kImageSize, 10 + static_cast<std::uint32_t>(i)));
  }
  Simulator bystander(device(server_, "bystander"));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(server_.waitRegistered("fw-" + std::to_string(i)));
  ASSERT_TRUE(server_.waitRegistered("bystander"));

  const auto started = Clock::now();
  std::vector<std::future<operations::DeviceResponse>> writes;
  for (int i = 0; i < 3; ++i) writes.push_back(server_.submit("fw-" + std::to_string(i), firmwareWrite(images[i])));
  // Small reads to the fourth device while the images flow.
  long long slowest = 0;
  int readsDuringTransfer = 0;
  auto transfersRunning = [&] {
    for (auto& w : writes) {
      if (w.wait_for(0ms) != std::future_status::ready) return true;
    }
    return false;
  };
  for (int i = 0; i < 200 && transfersRunning(); ++i) {
    const auto sent = Clock::now();
    auto r = server_.call("bystander", DeviceRequest::read(Path(3, 0, 9)));
    ASSERT_TRUE(r.ok()) << r.reason;
    slowest = std::max(slowest, millisSince(sent));
    if (transfersRunning()) ++readsDuringTransfer;
  }
  for (int i = 0; i < 3; ++i) {
    auto r = writes[i].get();
    EXPECT_TRUE(r.ok()) << "fw-" << i << ": " << r.reason;
  }
  const auto total = millisSince(started);
  std::cout << "[ measured ] 3 x 256 KiB at once: " << total << " ms; " << readsDuringTransfer
            << " reads to a fourth device meanwhile, slowest " << slowest << " ms\n";
  EXPECT_GE(readsDuringTransfer, 1) << "the transfers ended before any read: nothing was shown";
  EXPECT_LT(slowest, 500) << "a read waited behind the block transfers";
  for (int i = 0; i < 3; ++i) {
    auto line = receivers[i]->waitForLine("firmware-received", 5s);
    ASSERT_TRUE(line);
    EXPECT_EQ(*line, firmwareReceivedLine("fw-" + std::to_string(i), images[i]));
  }
}

// ---- the real daemon ----

class DaemonBlockTransfer : public ::testing::Test {
 protected:
  // The gateway with `yaml` as its configuration file.
  std::unique_ptr<GatewayProcess> start(const std::string& yaml) {
    config_ = std::filesystem::temp_directory_path() / ("blocks-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(config_) << yaml;
    return std::make_unique<GatewayProcess>(broker_.uri(), "127.0.0.1",
                                            std::vector<std::string>{"--config", config_.string()});
  }
  ~DaemonBlockTransfer() override {
    if (!config_.empty()) std::filesystem::remove(config_);
  }

  coap::Message registerBlock(std::uint16_t messageId, coap::BlockOption block, std::size_t payload) {
    coap::Message m;
    m.type = coap::MessageType::Confirmable;
    m.code = coap::codes::Post;
    m.messageId = messageId;
    m.token = {0x42, 0x13};
    m.setUriPath("rd");
    m.addUriQuery("ep=oversize");
    m.addUriQuery("lt=60");
    m.addUriQuery("lwm2m=1.1");
    m.setContentFormat(40);
    m.payload.assign(payload, 'x');
    coap::setBlock(m, coap::option::Block1, block);
    return m;
  }

  std::filesystem::path config_;
  Mosquitto broker_;
};

TEST_F(DaemonBlockTransfer, OversizeBodyIsRefusedWith413AndSize1) {
  auto gateway = start("coap:\n  max_body_size: 2048\n");
  RawCoapSocket socket;

  // Announced too large (Size1 in block 0): refused at once.
  auto announced = registerBlock(0x100, {0, true, 1024}, 1024);
  announced.addUintOption(coap::option::Size1, 1000000);
  socket.send(gateway->coapPort(), announced);
  auto refused = socket.receive(3s);
  ASSERT_TRUE(refused) << gateway->log();
  EXPECT_EQ(refused->code, coap::codes::RequestEntityTooLarge);
  EXPECT_EQ(refused->uintOption(coap::option::Size1), 2048u);
  EXPECT_EQ(refused->messageId, 0x100);

  // Not announced: blocks are taken up to the limit, the one past it is refused.
  for (std::uint32_t num = 0; num < 2; ++num) {
    socket.send(gateway->coapPort(), registerBlock(static_cast<std::uint16_t>(0x200 + num), {num, true, 1024}, 1024));
    auto answer = socket.receive(3s);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, coap::codes::Continue) << "block " << num;
  }
  socket.send(gateway->coapPort(), registerBlock(0x202, {2, true, 1024}, 1024));
  auto tooMuch = socket.receive(3s);
  ASSERT_TRUE(tooMuch);
  EXPECT_EQ(tooMuch->code, coap::codes::RequestEntityTooLarge);
  EXPECT_EQ(tooMuch->uintOption(coap::option::Size1), 2048u);
  EXPECT_NE(tooMuch->payloadString().find("2048"), std::string::npos) << tooMuch->payloadString();
  // Nothing was registered from the pieces.
  EXPECT_EQ(httpGet(gateway->httpUrl("/api/v1/devices/oversize")).status, 404);

  // A simulated device whose Register is too big is told so, and one that fits is not.
  Simulator big({"--server", gateway->coapAddress(), "-e", "big", "--objects", manyLamps(300)});
  auto failed = big.waitForLine("register-failed big");
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->find("4.13"), std::string::npos) << *failed;
  Simulator small({"--server", gateway->coapAddress(), "-e", "small", "--objects", manyLamps(120)});
  EXPECT_TRUE(small.waitForLine("registered small")) << "1.5 KB of links fit in 2048 bytes";
}

TEST_F(DaemonBlockTransfer, FirmwareWriteThroughTheRestApiWithSmallBlocks) {
  // 256-byte blocks: the daemon sends the image in them and asks the device for
  // them (early negotiation) when it reads.
  auto gateway = start("coap:\n  block_size: 256\n");
  CommandClient commands(*gateway, broker_);
  Simulator sim({"--server", gateway->coapAddress(), "-e", "rest-fw", "--objects", manyLamps(40)});
  ASSERT_TRUE(sim.waitForLine("registered rest-fw"));

  // The REST API takes bodies up to 64 KiB: a 45 KiB image fits as base64.
  const auto image = firmwareImage(45 * 1024, 7);
  const std::string command = R"({"operation":"write","path":"/5/0/0","value":")" + base64(image) + "\"}";
  auto written = commands.run("rest-fw", command);
  ASSERT_TRUE(written) << gateway->log();
  EXPECT_STREQ((*written)["status"].GetString(), "changed");
  EXPECT_STREQ((*written)["code"].GetString(), "2.04");
  auto line = sim.waitForLine("firmware-received", 5s);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, firmwareReceivedLine("rest-fw", image));

  auto executed = commands.run("rest-fw", R"({"operation":"execute","path":"/5/0/2"})");
  ASSERT_TRUE(executed);
  EXPECT_STREQ((*executed)["code"].GetString(), "2.04");
  EXPECT_TRUE(sim.waitForLine("firmware-updated rest-fw"));

  // A read larger than one block comes back whole.
  auto lamps = commands.run("rest-fw", R"({"operation":"read","path":"/3311"})");
  ASSERT_TRUE(lamps);
  EXPECT_STREQ((*lamps)["code"].GetString(), "2.05");
  EXPECT_EQ((*lamps)["values"].Size(), 160u) << "40 lamps x 4 resources";

  // Not base64: refused with the reason, nothing sent.
  auto bad = httpSend("POST", gateway->httpUrl("/api/v1/devices/rest-fw/commands"),
                      R"({"operation":"write","path":"/5/0/0","value":"not base64!"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("/5/0/0"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace lwm2m::testing
