#pragma once
// A benchmark's MQTT subscriber: counts the messages on a filter, records
// their latency from a timestamp in the payload (JSON "timestamp" in seconds,
// or the bare payload "t=<seconds>") and when the last one arrived, and can
// wait for one that contains a given text. A payload that is a JSON array (a
// batch of the mapping's `batch` rules) counts as its elements, each with its
// own latency. Its connection sends at once (bench_no_delay.h).

#include <mqtt/async_client.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "tests/bench/bench_no_delay.h"
#include "tests/support/mosquitto.h"

namespace lwm2m::testing {

inline double wallClockSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class Subscriber {
 public:
  Subscriber(const Mosquitto& broker, const std::string& filter, const std::string& id)
      : client_("tcp://127.0.0.1:" + std::to_string(broker.port()), id) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) { onMessage(*m); });
    auto options = mqtt::connect_options_builder().clean_session(true).finalize();
    client_.connect(options)->wait();
    client_.subscribe(filter, 1)->wait();
    sendAtOnceToBroker(broker.port());
  }
  ~Subscriber() {
    try {
      client_.disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception&) {
    }
  }
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  void reset() {
    std::lock_guard lock(mutex_);
    latencies_.clear();
    count_ = 0;
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return count_;
  }
  std::vector<double> latencies() {
    std::lock_guard lock(mutex_);
    return latencies_;
  }
  std::chrono::steady_clock::time_point lastArrival() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  // Waits for the next message whose payload contains `needle` and "code"
  // (a command's result); its arrival time (wallClockSeconds()).
  std::optional<double> waitFor(const std::string& needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    wanted_ = needle;
    found_.reset();
    cv_.wait_for(lock, timeout, [this] { return found_.has_value(); });
    wanted_.clear();
    return found_;
  }

 private:
  void onMessage(const mqtt::message& m) {
    const double at = wallClockSeconds();
    const std::string& payload = m.get_payload_str();
    std::vector<double> sent;  // per message carried: when it was made, 0 when unknown
    auto timestampOf = [](const rapidjson::Value& v) {
      return v.IsObject() && v.HasMember("timestamp") && v["timestamp"].IsNumber() ? v["timestamp"].GetDouble() : 0.0;
    };
    if (payload.rfind("t=", 0) == 0) {
      sent.push_back(std::stod(payload.substr(2)));
    } else if (!payload.empty() && (payload.front() == '{' || payload.front() == '[')) {
      rapidjson::Document d;
      d.Parse(payload.data(), payload.size());
      if (!d.HasParseError() && d.IsArray()) {
        for (const auto& element : d.GetArray()) sent.push_back(timestampOf(element));
      } else {
        sent.push_back(d.HasParseError() ? 0.0 : timestampOf(d));
      }
    }
    if (sent.empty()) sent.push_back(0);
    std::lock_guard lock(mutex_);
    count_ += sent.size();
    last_ = std::chrono::steady_clock::now();
    if (!wanted_.empty() && payload.find(wanted_) != std::string::npos && payload.find("\"code\"") != std::string::npos) {
      found_ = at;
      cv_.notify_all();
    }
    for (double t : sent) {
      if (t > 0) latencies_.push_back(at - t);
    }
  }

  mqtt::async_client client_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<double> latencies_;
  std::size_t count_ = 0;
  std::chrono::steady_clock::time_point last_{};
  std::string wanted_;
  std::optional<double> found_;
};

}  // namespace lwm2m::testing
