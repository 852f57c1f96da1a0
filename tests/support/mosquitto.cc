#include "tests/support/mosquitto.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lwm2m::testing {
namespace {

constexpr const char* kProbeTopic = "lwm2m-test-probe/ready";

std::filesystem::path makeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lwm2m-mosquitto-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace

Mosquitto::Mosquitto(const std::string& extraConfig) : dir_(makeTempDir()), port_(freeTcpPort()) {
  std::ofstream conf(dir_ / "mosquitto.conf");
  conf << "listener " << port_ << " 127.0.0.1\n"
       << "allow_anonymous true\n"
       << "max_queued_messages 0\n"
       << "max_inflight_messages 0\n"
       << "set_tcp_nodelay true\n"  // as recommended (README): no delayed-ACK waits
       << "persistence true\n"
       << "persistence_location " << (dir_ / "").string() << "\n"
       << "log_dest stderr\n"
       << "log_type all\n";
  // Run as root, Mosquitto would switch to its own user and lose access to dir_.
  if (geteuid() == 0) conf << "user root\n";
  conf << extraConfig << "\n";
  conf.close();
  start();
}

Mosquitto::~Mosquitto() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void Mosquitto::start() {
  if (process_ && process_->running()) return;
  process_ = Process::start({"mosquitto", "-c", (dir_ / "mosquitto.conf").string()},
                            {(dir_ / "mosquitto.log").string(), false});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!waitForTcpPort(port_, std::chrono::milliseconds(100))) {
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      process_->terminate();
      throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_) +
                               ":\n" + log());
    }
  }
}

void Mosquitto::stop() {
  if (process_) process_->terminate();
  process_.reset();
}

std::string Mosquitto::log() const {
  std::ifstream in(dir_ / "mosquitto.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> retainedMessage(const Mosquitto& broker, const std::string& topic,
                                           std::chrono::seconds timeout) {
  Process sub = Process::start({"mosquitto_sub", "-h", "127.0.0.1", "-p",
                                std::to_string(broker.port()), "-t", topic, "-C", "1",
                                "--retained-only", "-W", std::to_string(timeout.count())},
                               {"", true});
  LineReader reader(sub.stdoutFd());
  auto line = reader.readLine(timeout + std::chrono::seconds(1));
  sub.terminate();
  return line;
}

MqttSubscriber::MqttSubscriber(const Mosquitto& broker, const std::string& filter,
                               const std::string& clientId)
    : port_(broker.port()),
      process_([&] {
        std::vector<std::string> argv = {"mosquitto_sub", "-h", "127.0.0.1", "-p",
                                         std::to_string(broker.port()), "-v", "-q", "1",
                                         "-t", filter, "-t", kProbeTopic};
        if (!clientId.empty()) argv.insert(argv.end(), {"-c", "-i", clientId});
        return Process::start(argv, {"", true});
      }()),
      reader_(process_.stdoutFd()) {
  // mosquitto_sub says nothing when its subscription is active: publish probes
  // until one comes back.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    Process::start({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port_), "-q", "1",
                    "-t", kProbeTopic, "-m", "probe"})
        .waitFor(std::chrono::seconds(5));
    while (auto line = reader_.readLine(std::chrono::milliseconds(200))) {
      if (line->rfind(kProbeTopic, 0) == 0) return;
    }
  }
  throw std::runtime_error("mosquitto_sub did not subscribe within 10 s");
}

std::optional<std::pair<std::string, std::string>> MqttSubscriber::next(
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto line = reader_.readLine(left);
    if (!line) return std::nullopt;
    if (line->rfind(kProbeTopic, 0) == 0) continue;
    const auto space = line->find(' ');
    if (space == std::string::npos) return std::make_pair(*line, std::string());
    return std::make_pair(line->substr(0, space), line->substr(space + 1));
  }
}

}  // namespace lwm2m::testing
