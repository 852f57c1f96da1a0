#pragma once
// A real Mosquitto broker on a free loopback port, and a `mosquitto_sub -v`
// subscriber to watch what reaches it. The broker keeps every message for
// slow subscribers (max_queued_messages 0) and persists sessions across
// stop()/start(), so a persistent subscriber sees what was published while it
// was reconnecting. It sends at once (set_tcp_nodelay true), as the README
// recommends.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {

class Mosquitto {
 public:
  // Picks a free port and starts the broker; throws std::runtime_error (with
  // the broker's log) if it does not accept connections within 10 s.
  // extraConfig is appended to mosquitto.conf, e.g. a second (TLS) listener.
  explicit Mosquitto(const std::string& extraConfig = "");
  ~Mosquitto();
  Mosquitto(const Mosquitto&) = delete;
  Mosquitto& operator=(const Mosquitto&) = delete;

  void start();  // again on the same port after stop()
  void stop();   // SIGTERM; the broker saves its sessions
  bool running() { return process_ && process_->running(); }

  std::uint16_t port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;  // the broker's log so far
  const std::filesystem::path& directory() const { return dir_; }  // removed with the broker

 private:
  std::filesystem::path dir_;
  std::uint16_t port_;
  std::optional<Process> process_;
};

// The payload of the retained message on `topic` (what a new subscriber
// gets first), or nullopt if none arrives within `timeout`.
std::optional<std::string> retainedMessage(const Mosquitto& broker, const std::string& topic,
                                           std::chrono::seconds timeout = std::chrono::seconds(5));

class MqttSubscriber {
 public:
  // Subscribes to `filter` with QoS 1 and returns once the subscription is
  // live (a probe message made the round trip). A non-empty clientId makes a
  // persistent session (clean session off) that outlives broker restarts.
  MqttSubscriber(const Mosquitto& broker, const std::string& filter = "#",
                 const std::string& clientId = "");

  // The next message as (topic, payload), probe messages skipped; nullopt on timeout.
  std::optional<std::pair<std::string, std::string>> next(std::chrono::milliseconds timeout);

 private:
  std::uint16_t port_;
  Process process_;
  LineReader reader_;
};

}  // namespace lwm2m::testing
