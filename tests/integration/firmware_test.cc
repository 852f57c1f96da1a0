// Firmware packages bigger than memory, end to end with the real daemon, the
// real simulator, Mosquitto and curl: an 8 MiB package uploaded over REST
// (streamed to the package store) and pushed block-wise from there while the
// gateway's memory is sampled, its progress seen on MQTT, the event stream and
// the request resource; the same through an MQTT command naming a file; a
// SIGKILL mid-transfer reported interrupted (never sent again by itself) and a
// retry from the package that survived;
// pull mode (the device downloads over CoAP Block2); the package over HTTP
// with Range; the size limit.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/json_reading.h"
#include "tests/integration/sse_client.h"
#include "tests/integration/transfer_support.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kImageSize = 8 * kMiB;

// Samples the gateway's resident memory every 10 ms on its own thread.
class RssSampler {
 public:
  explicit RssSampler(int pid) : pid_(pid), thread_([this] {
    while (!stop_) {
      peak_ = std::max(peak_.load(), statusKib(pid_, "VmRSS:"));
      ++samples_;
      std::this_thread::sleep_for(10ms);
    }
  }) {}
  ~RssSampler() { finish(); }
  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long peakKb() const { return peak_; }
  int samples() const { return samples_; }

 private:
  int pid_;
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{0};
  std::atomic<int> samples_{0};
  std::thread thread_;
};

std::string sha256Of(const fs::path& file) {
  auto r = runCommand({"sha256sum", file.string()});
  return r.output.substr(0, 64);
}

// A number field of a JSON object; 0 when absent (so a comparison fails readably).
std::uint64_t number(const rapidjson::Value& object, const char* key) {
  return object.IsObject() && object.HasMember(key) && object[key].IsUint64() ? object[key].GetUint64() : 0;
}

void writeFile(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

// curl with a file as the body; (status, body).
HttpResponse upload(const std::string& method, const std::string& url, const fs::path& file,
                    const std::string& contentType = "application/octet-stream") {
  auto r = runCommand({"curl", "-s", "-g", "--max-time", "120", "-X", method, "-H", "Content-Type: " + contentType,
                       "--data-binary", "@" + file.string(), "-w", "\n%{http_code}\n", url},
                      150s);
  HttpResponse response;
  auto lastNewline = r.output.find_last_of('\n', r.output.size() >= 2 ? r.output.size() - 2 : 0);
  if (lastNewline == std::string::npos) return response;
  response.body = r.output.substr(0, lastNewline);
  response.status = std::atoi(r.output.substr(lastNewline + 1).c_str());
  return response;
}

class Firmware : public ::testing::Test {
 protected:
  Firmware() : dir_(fs::temp_directory_path() / ("fw-it-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "allowed");
  }
  ~Firmware() override { fs::remove_all(dir_); }

  std::unique_ptr<GatewayProcess> start(const std::string& extraYaml = "") {
    const fs::path config = dir_ / "gateway.yaml";
    std::ofstream(config) << "firmware:\n  allowed_dir: " << (dir_ / "allowed").string() << "\n" << extraYaml;
    auto gateway = std::make_unique<GatewayProcess>(broker_.uri(), "127.0.0.1",
                                                    std::vector<std::string>{"--config", config.string()});
    // A command published before the gateway subscribed would reach no one.
    EXPECT_TRUE(waitForLog(*gateway, "MQTT subscribed")) << gateway->log();
    return gateway;
  }
  std::vector<std::string> device(const GatewayProcess& gateway, const std::string& endpoint) {
    return {"--server", gateway.coapAddress(), "-e", endpoint, "--lifetime", "300"};
  }
  // The transfer state of GET /api/v1/devices/{endpoint}/firmware.
  rapidjson::Document transfer(const GatewayProcess& gateway, const std::string& endpoint) {
    return parse(httpGet(gateway.httpUrl("/api/v1/devices/" + endpoint + "/firmware")).body);
  }

  fs::path dir_;
  Mosquitto broker_;
};

TEST_F(Firmware, EightMiBUploadIsPushedFromTheStoreWithoutCopiesInMemory) {
  auto gateway = start();
  MqttSubscriber progress(broker_, "lwm2m/fw-8m/event/progress");
  SseClient stream(gateway->httpUrl("/api/v1/events?endpoint=fw-8m&kinds=progress"));
  Simulator sim(device(*gateway, "fw-8m"));
  ASSERT_TRUE(sim.waitForLine("registered fw-8m"));
  const auto image = firmwareImage(kImageSize, 81);
  const fs::path file = dir_ / "image.bin";
  writeFile(file, image);

  std::this_thread::sleep_for(300ms);
  const long baselineKb = statusKib(gateway->pid(), "VmRSS:");
  RssSampler sampler(gateway->pid());
  const auto started = Clock::now();
  auto accepted = upload("PUT", gateway->httpUrl("/api/v1/devices/fw-8m/firmware"), file);
  const auto uploadMs = millisSince(started);
  ASSERT_EQ(accepted.status, 202) << accepted.body << gateway->log();
  auto reply = parse(accepted.body);
  EXPECT_EQ(str(reply["status"]), "queued");
  EXPECT_EQ(str(reply["sha256"]), sha256Of(file));
  EXPECT_EQ(number(reply, "size"), kImageSize);
  auto received = sim.waitForLine("firmware-received fw-8m", 110s);
  const auto transferMs = millisSince(started);
  sampler.finish();
  ASSERT_TRUE(received) << gateway->log();
  EXPECT_EQ(*received, firmwareReceivedLine("fw-8m", image)) << "the device's CRC-32 matches";

  const long peakKb = sampler.peakKb();
  const long hwmKb = statusKib(gateway->pid(), "VmHWM:");
  std::cout << "[ measured ] 8 MiB push: upload " << uploadMs << " ms, upload to device CRC " << transferMs
            << " ms; gateway RSS baseline " << baselineKb << " kB, peak " << peakKb << " kB (+"
            << peakKb - baselineKb << " kB, " << sampler.samples() << " samples), VmHWM " << hwmKb << " kB\n";
  // One copy of the package would be 8192 kB over the baseline; the store and
  // the block reader keep none: allow buffers, nowhere near one copy.
  EXPECT_LT(peakKb - baselineKb, 4096) << "the gateway held the package in memory";
  EXPECT_GT(sampler.samples(), 10);

  auto state = transfer(*gateway, "fw-8m");
  EXPECT_EQ(str(state["state"]), "delivered") << httpGet(gateway->httpUrl("/api/v1/devices/fw-8m/firmware")).body;
  EXPECT_EQ(str(state["mode"]), "push");
  EXPECT_EQ(number(state, "bytes"), kImageSize);
  EXPECT_EQ(number(state, "blocks"), 8192u);
  EXPECT_EQ(number(state, "totalBlocks"), 8192u);
  EXPECT_EQ(str(state["requestId"]), str(reply["requestId"]));

  // Progress on MQTT: blocks while it moved, then the end.
  bool sawMiddle = false, sawEnd = false;
  while (auto m = progress.next(3s)) {
    auto e = parse(m->second);
    const auto bytes = number(e, "bytes");
    if (str(e["state"]) == "transferring" && bytes > 0 && bytes < kImageSize) sawMiddle = true;
    if (str(e["state"]) == "delivered") {
      sawEnd = true;
      EXPECT_EQ(number(e, "blocks"), 8192u);
      break;
    }
  }
  EXPECT_TRUE(sawMiddle) << "no progress event while the package moved";
  EXPECT_TRUE(sawEnd);

  // The same on the event stream: event: progress, blocks sent / total.
  bool streamedMiddle = false, streamedEnd = false;
  std::uint64_t lastBlocks = 0;
  while (auto frame = stream.nextEvent([](const SseFrame& f) { return f.event == "progress"; }, 5s)) {
    auto e = parse(frame->data);
    EXPECT_EQ(str(e["event"]), "progress") << frame->data;
    EXPECT_EQ(str(e["endpoint"]), "fw-8m") << frame->data;
    EXPECT_EQ(number(e, "totalBlocks"), 8192u) << frame->data;
    EXPECT_GE(number(e, "blocks"), lastBlocks) << "progress goes forward";
    lastBlocks = number(e, "blocks");
    if (str(e["state"]) == "transferring" && lastBlocks > 0 && lastBlocks < 8192) streamedMiddle = true;
    if (str(e["state"]) == "delivered") {
      streamedEnd = lastBlocks == 8192;
      break;
    }
  }
  EXPECT_TRUE(streamedMiddle) << "no progress on the event stream while the package moved";
  EXPECT_TRUE(streamedEnd) << "the event stream did not tell the end of the transfer";

  // And on the request resource: the command's result and its transfer.
  auto request = parse(httpGet(gateway->httpUrl("/api/v1/requests/" + str(reply["requestId"]))).body);
  EXPECT_EQ(str(request["state"]), "done");
  ASSERT_TRUE(request.IsObject() && request.HasMember("transfer"));
  EXPECT_EQ(str(request["transfer"]["state"]), "delivered");
  EXPECT_EQ(number(request["transfer"], "blocks"), 8192u);
  EXPECT_EQ(number(request["transfer"], "totalBlocks"), 8192u);
  EXPECT_TRUE(fs::exists(gateway->dataDir() / "firmware" / (sha256Of(file) + ".bin")));
}

TEST_F(Firmware, MqttCommandNamesAFileInTheAllowedDirectory) {
  auto gateway = start();
  Simulator sim(device(*gateway, "fw-mqtt"));
  ASSERT_TRUE(sim.waitForLine("registered fw-mqtt"));
  const auto image = firmwareImage(kImageSize, 82);
  writeFile(dir_ / "allowed" / "v2.bin", image);
  writeFile(dir_ / "outside.bin", image);
  MqttSubscriber responses(broker_, "lwm2m/fw-mqtt/event/#");

  const auto started = Clock::now();
  runCommand({"mosquitto_pub", "-p", std::to_string(broker_.port()), "-t", "lwm2m/fw-mqtt/cmd", "-m",
              R"({"operation":"write","path":"/5/0/0","file":")" + (dir_ / "allowed" / "v2.bin").string() + "\"}"});
  auto received = sim.waitForLine("firmware-received fw-mqtt", 110s);
  ASSERT_TRUE(received) << gateway->log();
  EXPECT_EQ(*received, firmwareReceivedLine("fw-mqtt", image));
  std::cout << "[ measured ] 8 MiB push from an MQTT file command: " << millisSince(started) << " ms\n";
  bool changed = false;
  while (auto m = responses.next(5s)) {
    if (m->first != "lwm2m/fw-mqtt/event/response") continue;
    auto e = parse(m->second);
    EXPECT_EQ(str(e["code"]), "2.04") << m->second;
    changed = true;
    break;
  }
  EXPECT_TRUE(changed);

  // A URL: the gateway downloads it (here from its own package route) into the store, then pushes it.
  const std::string url = gateway->httpUrl("/api/v1/firmware/" + sha256Of(dir_ / "allowed" / "v2.bin"));
  runCommand({"mosquitto_pub", "-p", std::to_string(broker_.port()), "-t", "lwm2m/fw-mqtt/cmd", "-m",
              R"({"operation":"write","path":"/5/0/0","url":")" + url + "\"}"});
  auto downloaded = sim.waitForLine("firmware-received fw-mqtt", 110s);
  ASSERT_TRUE(downloaded) << gateway->log();
  EXPECT_EQ(*downloaded, firmwareReceivedLine("fw-mqtt", image));
  EXPECT_TRUE(waitForLog(*gateway, "downloading " + url));
  // A URL nothing answers: the command is refused with the reason, on its reply.
  auto unreachable = httpSend("POST", gateway->httpUrl("/api/v1/devices/fw-mqtt/commands"),
                              R"({"operation":"write","path":"/5/0/0","url":"http://127.0.0.1:1/fw.bin"})");
  EXPECT_EQ(unreachable.status, 400) << unreachable.body;
  EXPECT_NE(unreachable.body.find("cannot connect"), std::string::npos) << unreachable.body;

  // A file outside firmware.allowed_dir is refused, over REST with 403.
  auto refused = httpSend("POST", gateway->httpUrl("/api/v1/devices/fw-mqtt/commands"),
                          R"({"operation":"write","path":"/5/0/0","file":")" + (dir_ / "outside.bin").string() + "\"}");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("firmware.allowed_dir"), std::string::npos) << refused.body;
}

TEST_F(Firmware, KilledMidTransferIsReportedInterruptedAndARetryCompletes) {
  auto gateway = start();
  Simulator sim(device(*gateway, "fw-kill"));
  ASSERT_TRUE(sim.waitForLine("registered fw-kill"));
  const auto image = firmwareImage(kImageSize, 83);
  const fs::path file = dir_ / "kill.bin";
  writeFile(file, image);
  // The device is frozen before the push starts and let run a few
  // milliseconds at a time until part of the package went out: however slow
  // the machine is at polling, the push cannot finish before the kill.
  ::kill(sim.pid(), SIGSTOP);
  auto accepted = upload("PUT", gateway->httpUrl("/api/v1/devices/fw-kill/firmware"), file);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string sha = sha256Of(file);
  const std::string requestId = str(parse(accepted.body)["requestId"]);

  std::uint64_t sent = 0;
  for (auto deadline = Clock::now() + 30s; Clock::now() < deadline && sent == 0;) {
    ::kill(sim.pid(), SIGCONT);
    std::this_thread::sleep_for(2ms);
    ::kill(sim.pid(), SIGSTOP);
    std::this_thread::sleep_for(20ms);  // what the device sent has arrived
    sent = number(transfer(*gateway, "fw-kill"), "bytes");
  }
  ASSERT_GT(sent, 0u) << gateway->log();
  gateway->kill();
  ::kill(sim.pid(), SIGCONT);
  ASSERT_LT(sent + 2048, kImageSize) << "the transfer ended before it could be interrupted";
  const fs::path stored = gateway->dataDir() / "firmware" / (sha + ".bin");
  ASSERT_TRUE(fs::exists(stored));
  EXPECT_EQ(fs::file_size(stored), kImageSize);

  MqttSubscriber expired(broker_, "lwm2m/fw-kill/event/expired-request");
  gateway->restart();
  // At most once: the cut push is reported interrupted, not sent again by itself.
  auto event = expired.next(15s);
  ASSERT_TRUE(event) << gateway->log();
  EXPECT_NE(event->second.find("interrupted"), std::string::npos) << event->second;
  EXPECT_NE(event->second.find(requestId), std::string::npos) << event->second;
  const std::string body = httpGet(gateway->httpUrl("/api/v1/requests/" + requestId)).body;
  EXPECT_EQ(str(parse(body)["state"]), "expired") << body;
  EXPECT_NE(body.find("interrupted"), std::string::npos) << body;
  const auto resent = sim.waitForLine("firmware-received fw-kill", 3s);
  EXPECT_FALSE(resent) << "the push was sent again unasked: " << resent.value_or("") << "\n" << gateway->log();

  // The retry names the stored package; nothing is uploaded again. The restarted
  // gateway's CoAP message IDs may meet ones the device still remembers from the
  // killed transfer (EXCHANGE_LIFETIME): such an attempt times out, and is retried.
  std::optional<std::string> received;
  // Under a loaded machine the 8192 blocks of a push take tens of seconds.
  for (int attempt = 0; attempt < 3 && !received; ++attempt) {
    auto retry = httpSend("POST", gateway->httpUrl("/api/v1/devices/fw-kill/commands"),
                          R"({"operation":"write","path":"/5/0/0","timeout":5,"package":{"sha256":")" + sha +
                              R"(","size":)" + std::to_string(kImageSize) + "}}");
    ASSERT_EQ(retry.status, 202) << retry.body << gateway->log();
    received = sim.waitForLine("firmware-received fw-kill", 60s);
  }
  ASSERT_TRUE(received) << gateway->log();
  EXPECT_EQ(*received, firmwareReceivedLine("fw-kill", image));
}

TEST_F(Firmware, PullModeTheDeviceDownloadsOverCoapBlock2) {
  auto gateway = start();
  Simulator sim(device(*gateway, "fw-pull"));
  ASSERT_TRUE(sim.waitForLine("registered fw-pull"));
  const auto image = firmwareImage(kImageSize, 84);
  const fs::path file = dir_ / "pull.bin";
  writeFile(file, image);

  const auto started = Clock::now();
  auto accepted = upload("PUT", gateway->httpUrl("/api/v1/devices/fw-pull/firmware?mode=pull"), file);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_EQ(str(parse(accepted.body)["mode"]), "pull");
  auto download = sim.waitForLine("firmware-download fw-pull", 20s);
  ASSERT_TRUE(download) << gateway->log();
  EXPECT_EQ(*download, "firmware-download fw-pull " + gateway->coapUri() + "/fw/" + sha256Of(file));
  auto received = sim.waitForLine("firmware-received fw-pull", 110s);
  ASSERT_TRUE(received) << gateway->log();
  EXPECT_EQ(*received, firmwareReceivedLine("fw-pull", image));
  std::cout << "[ measured ] 8 MiB pull over CoAP Block2: " << millisSince(started) << " ms\n";

  CommandClient commands(*gateway, broker_);
  auto state = commands.run("fw-pull", R"({"operation":"read","path":"/5/0/3"})");
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["values"][0]["value"].GetInt(), 2) << "State: Downloaded";
  auto served = transfer(*gateway, "fw-pull");
  EXPECT_EQ(str(served["state"]), "delivered");
  EXPECT_EQ(number(served, "bytes"), kImageSize);

  // A Package URI the device cannot use: Update Result 7 (invalid URI), State Idle.
  commands.run("fw-pull", R"({"operation":"write","path":"/5/0/1","value":"coap://nowhere/fw"})");
  ASSERT_TRUE(sim.waitForLine("firmware-download-failed fw-pull"));
  auto result = commands.run("fw-pull", R"({"operation":"read","path":"/5/0/5"})");
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)["values"][0]["value"].GetInt(), 7);
}

TEST_F(Firmware, PackageOverHttpWithRangesAndTheSizeLimit) {
  auto gateway = start("  max_size: 1048576\n");
  Simulator sim(device(*gateway, "someone"));
  ASSERT_TRUE(sim.waitForLine("registered someone"));
  std::vector<std::uint8_t> image = firmwareImage(300 * 1024, 85);
  const fs::path file = dir_ / "small.bin";
  writeFile(file, image);
  auto accepted = upload("POST", gateway->httpUrl("/api/v1/devices/someone/5/0/0"), file);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string sha = sha256Of(file);
  const std::string url = gateway->httpUrl("/api/v1/firmware/" + sha);

  auto whole = runCommand({"sh", "-c", "curl -s '" + url + "' | sha256sum"});
  EXPECT_EQ(whole.output.substr(0, 64), sha);
  const fs::path part = dir_ / "part.bin";
  auto ranged = runCommand({"curl", "-s", "-r", "1000-1009", "-o", part.string(), "-w", "%{http_code}\n", url});
  EXPECT_EQ(ranged.output, "206\n");
  std::ifstream in(part, std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, std::string(image.begin() + 1000, image.begin() + 1010));
  auto unsatisfiable =
      runCommand({"curl", "-s", "-o", "/dev/null", "-r", "999999999-", "-w", "%{http_code}\n", url});
  EXPECT_EQ(unsatisfiable.output, "416\n");
  EXPECT_EQ(httpGet(gateway->httpUrl("/api/v1/firmware/" + std::string(64, '0'))).status, 404);

  // Over firmware.max_size: 413, nothing stored; the API still answers.
  writeFile(dir_ / "big.bin", firmwareImage(2 * kMiB, 86));
  auto tooBig = upload("PUT", gateway->httpUrl("/api/v1/devices/someone/firmware"), dir_ / "big.bin");
  EXPECT_EQ(tooBig.status, 413) << tooBig.body;
  EXPECT_NE(tooBig.body.find("firmware.max_size"), std::string::npos) << tooBig.body;
  EXPECT_FALSE(fs::exists(gateway->dataDir() / "firmware" / (sha256Of(dir_ / "big.bin") + ".bin")));
  EXPECT_EQ(httpGet(gateway->httpUrl("/health")).status, 200);
}

}  // namespace
}  // namespace lwm2m::testing
