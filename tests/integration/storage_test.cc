// Disk trouble against the real daemon: a database at its size limit and a
// real full filesystem (a small tmpfs) refuse new commands with storage_full
// before SQLite fails, say so in /health, /ready, the metrics, the log and a
// `storage` event on MQTT, and recover by themselves once room returns; a
// damaged gateway.db is moved aside (or refused, storage.on_damaged).

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr int kSleepers = 10;  // expected endpoints that never register: their commands wait

std::string sleeper(int i) { return "sleeper-" + std::to_string(i); }

std::string writeCommand(std::size_t valueBytes) {
  return R"({"operation":"write","path":"/3/0/15","value":")" + std::string(valueBytes, 'z') + R"("})";
}

// POSTs `count` commands with one curl, round robin over the sleepers; the
// HTTP status of each, in order.
std::vector<int> postMany(GatewayProcess& gateway, int first, int count, const std::string& command) {
  std::vector<std::string> argv{"curl", "-s", "-w", "%{http_code}\n", "-X", "POST",
                                "-H", "Content-Type: application/json", "--data-binary", command};
  for (int i = first; i < first + count; ++i) {
    argv.insert(argv.end(), {"-o", "/dev/null", gateway.httpUrl("/api/v1/devices/" + sleeper(i % kSleepers) + "/commands")});
  }
  std::vector<int> statuses;
  std::istringstream lines(runCommand(argv, 60s).output);
  for (std::string line; std::getline(lines, line);) statuses.push_back(std::atoi(line.c_str()));
  return statuses;
}

// Posts commands until one is refused with 507 (at most `limit`); returns how many were accepted.
int fillUntilRefused(GatewayProcess& gateway, std::size_t valueBytes, int limit) {
  int accepted = 0;
  for (int sent = 0; sent < limit; sent += 20) {
    for (int status : postMany(gateway, sent, 20, writeCommand(valueBytes))) {
      if (status == 507) return accepted;
      EXPECT_EQ(status, 202);
      accepted += status == 202 ? 1 : 0;
    }
  }
  return accepted;
}

// Cancels every command waiting for the sleepers; returns how many.
int cancelAll(GatewayProcess& gateway) {
  std::vector<std::string> argv{"curl", "-s", "-o", "/dev/null", "-X", "DELETE"};
  int count = 0;
  for (int i = 0; i < kSleepers; ++i) {
    auto listed = parse(httpGet(gateway.httpUrl("/api/v1/devices/" + sleeper(i) + "/commands")).body);
    if (!listed.IsObject() || !listed.HasMember("commands")) continue;
    for (const auto& c : listed["commands"].GetArray()) {
      argv.push_back(gateway.httpUrl("/api/v1/commands/" + str(c["requestId"])));
      ++count;
    }
  }
  if (count > 0) runCommand(argv, 60s);
  return count;
}

rapidjson::Document health(GatewayProcess& gateway) { return parse(httpGet(gateway.httpUrl("/health")).body); }

// Polls /health until its storage state is `state` (within `timeout`).
bool storageStateBecomes(GatewayProcess& gateway, const std::string& state, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto h = health(gateway);
    if (h.IsObject() && h.HasMember("storage") && str(h["storage"]["state"]) == state) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::string metric(GatewayProcess& gateway, const std::string& name) {
  std::istringstream lines(httpGet(gateway.httpUrl("/metrics")).body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + " ", 0) == 0) return line.substr(name.size() + 1);
  }
  return "<absent>";
}

// A 4 MiB tmpfs mounted on `at` while it lives (needs the right to mount:
// root). Tests skip when it cannot be mounted.
class SmallVolume {
 public:
  explicit SmallVolume(fs::path at) : at_(std::move(at)) {
    if (::mount("tmpfs", at_.c_str(), "tmpfs", 0, "size=4m") == 0) {
      mounted_ = true;
    } else {
      why_ = "cannot mount a tmpfs on " + at_.string() + ": " + std::strerror(errno);
    }
  }
  ~SmallVolume() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  SmallVolume(const SmallVolume&) = delete;
  SmallVolume& operator=(const SmallVolume&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  fs::path at_;
  bool mounted_ = false;
  std::string why_;
};

class Storage : public ::testing::Test {
 protected:
  Storage()
      : config_(fs::temp_directory_path() / ("storage-" + std::to_string(::getpid()) + ".yaml")),
        events_(broker_, "lwm2m-gateway/+/event/storage") {}
  ~Storage() override { fs::remove(config_); }

  void writeConfig(const std::string& storage) {
    std::ofstream out(config_);
    // {gateway} in MQTT topics and payloads is mqtt.client_id.
    out << "gateway:\n  id: edge-test\nmqtt:\n  client_id: edge-test\nqueue:\n  expected_endpoints: [";
    for (int i = 0; i < kSleepers; ++i) out << (i ? ", " : "") << sleeper(i);
    out << "]\nstorage:\n" << storage;
  }
  std::vector<std::string> args() const { return {"--config", config_.string()}; }

  // The next storage event, parsed.
  std::optional<rapidjson::Document> nextStorageEvent() {
    return nextJsonOn(events_, "lwm2m-gateway/edge-test/event/storage");
  }

  // The whole story once the storage is full: refusals over REST and MQTT,
  // /health, /ready, the metrics, the event; then `makeRoom` and recovery.
  void expectRefusedThenRecovered(GatewayProcess& gateway, const std::function<void()>& makeRoom) {
    const int pid = gateway.pid();
    auto refused = httpSend("POST", gateway.httpUrl("/api/v1/devices/sleeper-0/commands"), writeCommand(100));
    EXPECT_EQ(refused.status, 507) << refused.body;
    EXPECT_NE(refused.body.find("storage full: free room"), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("storage.reserve_kb"), std::string::npos) << refused.body;

    MqttSubscriber results(broker_, "lwm2m/sleeper-1/cmd/result");
    runCommand({"mosquitto_pub", "-p", std::to_string(broker_.port()), "-q", "1", "-t", "lwm2m/sleeper-1/cmd", "-m",
                R"({"id":"m-1","operation":"read","path":"/3/0/0"})"});
    auto reply = nextJsonOn(results, "lwm2m/sleeper-1/cmd/result");
    ASSERT_TRUE(reply) << gateway.log();
    EXPECT_EQ(str((*reply)["status"]), "storage_full");

    auto h = health(gateway);
    EXPECT_EQ(str(h["status"]), "degraded");
    ASSERT_EQ(h["degraded"].Size(), 1u);
    EXPECT_EQ(str(h["degraded"][0]), "storage");
    EXPECT_EQ(str(h["storage"]["state"]), "full");
    EXPECT_NE(str(h["storage"]["reason"]).find("is below the reserve"), std::string::npos);
    auto ready = httpGet(gateway.httpUrl("/ready"));
    EXPECT_EQ(ready.status, 503);
    EXPECT_NE(ready.body.find(R"("notReady":["storage"])"), std::string::npos) << ready.body;
    EXPECT_EQ(metric(gateway, "lwm2m_gateway_storage_full"), "1");
    EXPECT_NE(metric(gateway, "lwm2m_gateway_storage_refused_total"), "0");

    auto full = nextStorageEvent();
    ASSERT_TRUE(full) << gateway.log();
    EXPECT_EQ(str((*full)["event"]), "storage");
    EXPECT_EQ(str((*full)["gateway"]), "edge-test");
    EXPECT_EQ(str((*full)["state"]), "full");
    EXPECT_FALSE(full->HasMember("endpoint"));
    EXPECT_TRUE(waitForLog(gateway, "[error] storage full: free room"));

    makeRoom();

    ASSERT_TRUE(storageStateBecomes(gateway, "ok")) << gateway.log();
    auto back = nextStorageEvent();
    ASSERT_TRUE(back) << gateway.log();
    EXPECT_EQ(str((*back)["state"]), "ok");
    EXPECT_EQ(str(health(gateway)["status"]), "ok");
    EXPECT_EQ(httpGet(gateway.httpUrl("/ready")).status, 200);
    auto accepted = httpSend("POST", gateway.httpUrl("/api/v1/devices/sleeper-0/commands"), writeCommand(100));
    EXPECT_EQ(accepted.status, 202) << accepted.body;
    EXPECT_TRUE(waitForLog(gateway, "storage ok again"));
    EXPECT_EQ(gateway.pid(), pid) << "recovered without a restart";
    // The reserve was never used up: SQLite itself never ran out of room.
    EXPECT_EQ(gateway.log().find("database or disk is full"), std::string::npos) << gateway.log();
  }

  fs::path config_;
  Mosquitto broker_;
  MqttSubscriber events_;
};

TEST_F(Storage, ADatabaseAtItsSizeLimitRefusesNewCommandsAndRecoversWhenTheyAreCancelled) {
  writeConfig("  max_size_kb: 1024\n  reserve_kb: 256\n  space_check_interval_ms: 100\n");
  GatewayProcess gateway(broker_.uri(), "127.0.0.1", args());
  EXPECT_EQ(str(health(gateway)["storage"]["state"]), "ok");

  const int accepted = fillUntilRefused(gateway, 2000, 1000);
  ASSERT_GT(accepted, 50) << gateway.log();
  ASSERT_LT(accepted, 1000) << "never refused";
  expectRefusedThenRecovered(gateway, [&] { EXPECT_GE(cancelAll(gateway), accepted); });
}

// A gateway whose data directory is a real small filesystem (4 MiB, reserve
// 1 MiB), as on the edge box whose flash filled up. Needs the right to mount
// (root); skipped otherwise.
class StorageOnSmallVolume : public Storage {
 protected:
  void SetUp() override {
    writeConfig("  reserve_kb: 1024\n  space_check_interval_ms: 100\n");
    gateway_.emplace(broker_.uri(), "127.0.0.1", args());
    ASSERT_EQ(gateway_->terminate(), 0);
    data_ = gateway_->dataDir();
    volume_.emplace(data_);
    if (!volume_->mounted()) GTEST_SKIP() << volume_->why();
    gateway_->restart();
    ASSERT_TRUE(storageStateBecomes(*gateway_, "ok")) << gateway_->log();
  }

  fs::path data_;
  std::optional<SmallVolume> volume_;      // unmounted after the gateway below has stopped
  std::optional<GatewayProcess> gateway_;
};

TEST_F(StorageOnSmallVolume, AFullFilesystemRefusesNewCommandsAndRecoversWhenSpaceIsFreed) {
  GatewayProcess& gateway = *gateway_;
  const fs::path& data = data_;

  // Another program fills the volume to 512 KiB below the reserve.
  const fs::path filler = data / "filler";
  const auto free = fs::space(data).available;
  ASSERT_GT(free, 1536u * 1024);
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(64 * 1024, 'f');
    for (std::uintmax_t written = 0; written + 512 * 1024 < free; written += block.size()) out << block;
  }
  ASSERT_TRUE(storageStateBecomes(gateway, "full")) << gateway.log();
  expectRefusedThenRecovered(gateway, [&] { fs::remove(filler); });
  gateway.terminate();
}

// Firmware packages are kept in the data directory too: an upload that would
// cut into the reserve is refused (507) before its body is read, and one that
// fits is taken; the database never runs out of room.
TEST_F(StorageOnSmallVolume, AFirmwarePackageThatWouldCutIntoTheReserveIsRefused) {
  GatewayProcess& gateway = *gateway_;
  const fs::path& data = data_;
  std::this_thread::sleep_for(300ms);  // a measurement with the database at its size after start

  const auto put = [&](std::size_t size) {
    const fs::path file = fs::temp_directory_path() / ("package-" + std::to_string(::getpid()) + ".bin");
    std::ofstream(file, std::ios::binary) << std::string(size, 'p');
    auto r = runCommand({"curl", "-s", "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary",
                         "@" + file.string(), "-w", "\n%{http_code}\n", gateway.httpUrl("/api/v1/devices/sleeper-0/firmware")},
                        30s);
    fs::remove(file);
    return r.output;
  };
  const std::string refused = put(3 * 1024 * 1024 + 512 * 1024);  // 4 MiB volume, 1 MiB reserve
  EXPECT_NE(refused.find("\n507"), std::string::npos) << refused << gateway.log();
  EXPECT_NE(refused.find("above the storage reserve (storage.reserve_kb)"), std::string::npos) << refused;
  const std::string taken = put(256 * 1024);
  EXPECT_NE(taken.find("\n202"), std::string::npos) << taken << gateway.log();

  std::size_t packages = 0;
  for (const auto& entry : fs::directory_iterator(data / "firmware")) {
    EXPECT_EQ(entry.path().filename().string().rfind(".upload-", 0), std::string::npos) << "a partial upload was left";
    ++packages;
  }
  EXPECT_EQ(packages, 1u);
  EXPECT_EQ(str(health(gateway)["storage"]["state"]), "ok");
  EXPECT_EQ(gateway.log().find("database or disk is full"), std::string::npos) << gateway.log();
  gateway.terminate();
}

TEST_F(Storage, ADamagedDatabaseIsMovedAsideAndTheGatewayStartsEmpty) {
  writeConfig("  space_check_interval_ms: 100\n");
  GatewayProcess gateway(broker_.uri(), "127.0.0.1", args());
  ASSERT_EQ(gateway.terminate(), 0);
  const fs::path file = gateway.dataDir() / "gateway.db";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    for (int i = 0; i < 512; ++i) out << "flash gone bad ";
  }
  // Without its log: SQLite would read intact pages from a log it still has.
  fs::remove(fs::path(file) += "-wal");
  fs::remove(fs::path(file) += "-shm");
  gateway.restart();

  ASSERT_TRUE(waitForLog(gateway, "[critical]")) << gateway.log();
  EXPECT_NE(gateway.log().find("not a SQLite database"), std::string::npos) << gateway.log();
  std::vector<fs::path> moved;
  for (const auto& entry : fs::directory_iterator(gateway.dataDir())) {
    if (std::regex_match(entry.path().filename().string(), std::regex(R"(gateway\.db\.damaged-\d{8}T\d{6}Z)"))) {
      moved.push_back(entry.path());
    }
  }
  ASSERT_EQ(moved.size(), 1u) << gateway.log();
  std::ifstream kept(moved[0], std::ios::binary);
  std::string start(15, '\0');
  kept.read(start.data(), 15);
  EXPECT_EQ(start, "flash gone bad ") << "kept as it was, for inspection";

  auto h = health(gateway);
  EXPECT_EQ(str(h["status"]), "degraded");
  EXPECT_EQ(str(h["storage"]["damagedDatabase"]["movedTo"]), moved[0].string());
  EXPECT_EQ(metric(gateway, "lwm2m_gateway_storage_damaged_database"), "1");
  auto event = nextStorageEvent();
  ASSERT_TRUE(event) << gateway.log();
  EXPECT_EQ(str((*event)["state"]), "damaged");
  EXPECT_EQ(str((*event)["movedTo"]), moved[0].string());

  // The new, empty database takes commands.
  auto accepted = httpSend("POST", gateway.httpUrl("/api/v1/devices/sleeper-0/commands"), writeCommand(10));
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_TRUE(fs::is_regular_file(file));
}

TEST_F(Storage, ADamagedDatabaseStopsTheGatewayWhenTheConfigurationSaysRefuse) {
  writeConfig("  on_damaged: refuse\n");
  const fs::path dir = fs::temp_directory_path() / ("storage-refuse-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "gateway.db";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    for (int i = 0; i < 512; ++i) out << "flash gone bad ";
  }
  const std::string cmd = std::string(LWM2M_GATEWAY_BIN) + " --config " + config_.string() + " --data-dir " +
                          dir.string() + " --coap 127.0.0.1:" + std::to_string(freeUdpPort()) +
                          " --http 127.0.0.1:" + std::to_string(freeTcpPort()) + " --mqtt " + broker_.uri() + " 2>&1";
  auto r = runCommand({"sh", "-c", cmd}, 30s);
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find(file.string() + ": the file is damaged or is not a SQLite database"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("storage.on_damaged is refuse"), std::string::npos) << r.output;
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find("damaged"), std::string::npos) << "nothing moved";
  }
  std::ifstream kept(file, std::ios::binary);
  std::string start(15, '\0');
  kept.read(start.data(), 15);
  EXPECT_EQ(start, "flash gone bad ") << "left as it was";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lwm2m::testing
