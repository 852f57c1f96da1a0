#include "tests/bench/mqtt_command_load.h"

#include <mqtt/async_client.h>
#include <rapidjson/document.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <vector>

#include "tests/bench/bench_no_delay.h"

namespace lwm2m::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

class CommandLoad {
 public:
  CommandLoad(const std::string& uri, const TargetOf& endpoint, const std::string& path, const LoadShape& shape)
      : client_(uri, "bench-rest-mqtt-" + std::to_string(shape.concurrency),
                mqtt::create_options(MQTTVERSION_3_1_1, 1000)),
        endpoint_(endpoint),
        path_(path),
        clients_(static_cast<std::size_t>(shape.concurrency)) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) { onResult(m->to_string()); });
    client_.connect(mqtt::connect_options_builder().clean_session(true).max_inflight(1000).finalize())->wait();
    client_.subscribe("lwm2m/+/cmd/result", 1)->wait();
    sendAtOnceToBroker(static_cast<std::uint16_t>(std::atoi(uri.substr(uri.rfind(':') + 1).c_str())));
    const auto start = Clock::now();
    measuredFrom_ = start + shape.warmup;
    end_ = measuredFrom_ + shape.window;
    result_.windowSeconds = std::chrono::duration<double>(shape.window).count();
  }

  RoundTrips run() {
    for (std::size_t k = 0; k < clients_.size(); ++k) {
      std::optional<std::pair<std::string, std::string>> first;
      {
        std::lock_guard lock(mutex_);
        first = next(k);
      }
      if (first) publish(*first);
    }
    std::unique_lock lock(mutex_);
    cv_.wait_until(lock, end_ + 15s, [this] { return stopped_ == clients_.size(); });
    if (stopped_ < clients_.size() && result_.failures++ == 0) result_.firstFailure = "results missing at the end";
    lock.unlock();
    try {
      client_.disconnect()->wait_for(5s);
    } catch (const mqtt::exception&) {
    }
    return std::move(result_);
  }

 private:
  struct Client {
    std::uint64_t sent = 0;
    Clock::time_point started;
  };

  // Client k's next command as (topic, payload); nullopt once the window is over.
  std::optional<std::pair<std::string, std::string>> next(std::size_t k) {
    if (Clock::now() >= end_) {
      ++stopped_;
      cv_.notify_all();
      return std::nullopt;
    }
    Client& c = clients_[k];
    const std::string id = std::to_string(k) + "-" + std::to_string(c.sent);
    const std::string topic = "lwm2m/" + endpoint_(static_cast<int>(k), c.sent++) + "/cmd";
    c.started = Clock::now();
    return std::make_pair(topic, R"({"id":")" + id + R"(","operation":"read","path":")" + path_ + "\"}");
  }

  void publish(const std::pair<std::string, std::string>& command) {
    try {
      client_.publish(command.first, command.second.data(), command.second.size(), 1, false);
    } catch (const mqtt::exception& e) {
      std::lock_guard lock(mutex_);
      if (result_.failures++ == 0) result_.firstFailure = std::string("publish: ") + e.what();
    }
  }

  // On Paho's callback thread: the queued acknowledgement is skipped, a
  // result finishes its client's round trip and sends the next command.
  void onResult(const std::string& payload) {
    const auto done = Clock::now();
    rapidjson::Document d;
    d.Parse(payload.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("code") || !d.HasMember("id") || !d["id"].IsString()) {
      return;
    }
    const std::string id = d["id"].GetString();
    const std::size_t k = std::strtoul(id.c_str(), nullptr, 10);
    std::optional<std::pair<std::string, std::string>> command;
    {
      std::lock_guard lock(mutex_);
      if (k >= clients_.size()) return;
      const Client& c = clients_[k];
      if (!d["code"].IsString() || std::string(d["code"].GetString()) != "2.05") {
        if (result_.failures++ == 0) result_.firstFailure = payload;
      } else {
        ++result_.answered;
        if (c.started >= measuredFrom_ && done <= end_) {
          result_.seconds.push_back(std::chrono::duration<double>(done - c.started).count());
        }
      }
      command = next(k);
    }
    if (command) publish(*command);
  }

  mqtt::async_client client_;
  const TargetOf& endpoint_;
  const std::string path_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Client> clients_;
  std::size_t stopped_ = 0;
  Clock::time_point measuredFrom_, end_;
  RoundTrips result_;
};

}  // namespace

RoundTrips mqttCommandLoad(const std::string& brokerUri, const TargetOf& endpoint, const std::string& path,
                           const LoadShape& shape) {
  CommandLoad load(brokerUri, endpoint, path, shape);
  return load.run();
}

}  // namespace lwm2m::testing
