#pragma once
// What the MQTT link and bridge need to know, filled by the gateway from its
// configuration (the mqtt: and gateway: sections of gateway.yaml).

#include <chrono>
#include <cstddef>
#include <string>

namespace lwm2m::bridges::mqtt {

enum class MqttVersion { V311, V5 };

struct MqttSettings {
  // tcp://, mqtt:// (plain), ssl://, mqtts:// (TLS, system trust store), ws://, wss://
  std::string uri = "tcp://127.0.0.1:1883";
  std::string clientId = "lwm2m-gateway";
  std::string username;  // empty: connect without credentials
  std::string password;
  // MQTT 5 carries Response Topic, Correlation Data and Content Type; with
  // 3.1.1 those properties are not sent and never received.
  MqttVersion version = MqttVersion::V5;
  // TLS (ssl://, mqtts://, wss://): the broker's certificate is checked
  // against caFile (PEM; empty: the system's trust store) and must name the
  // URI's host. certFile + keyFile (PEM) give a client certificate for brokers
  // that require one (e.g. AWS IoT).
  std::string caFile;
  std::string certFile;
  std::string keyFile;
  // The session is persistent (MQTT 3.1.1 clean session off, MQTT 5 clean
  // start off): subscriptions and unacknowledged messages survive a
  // reconnect. MQTT 5 only: how long the broker keeps it while we are away.
  std::chrono::seconds sessionExpiry{3600};
  // Gateway status: retained "online" after every connect, "offline" on a
  // clean stop, and "offline" as the Last Will when the connection dies.
  // Already expanded ({gateway} replaced); empty: no status, no Last Will.
  std::string statusTopic;
  // Retained device status ("online", "asleep", "offline"); {endpoint} is
  // replaced. Empty: not published.
  std::string deviceStatusTopic = "lwm2m/{endpoint}/status";
  int qos = 1;  // of the device status messages and of the subscriptions
  std::chrono::seconds keepalive{30};
  // Reconnect attempts start reconnectMin apart and double up to
  // reconnectMax; each wait is shortened at random by up to half (jitter).
  std::chrono::milliseconds reconnectMin{500};
  std::chrono::milliseconds reconnectMax{5000};
  // QoS >= 1 messages kept until the broker acknowledged them (in the outbox,
  // or in memory without one). Beyond this the oldest waiting ones are
  // dropped and counted.
  std::size_t outboxLimit = 100000;
  // QoS >= 1 messages handed to the client and not yet acknowledged, at most.
  std::size_t maxInflight = 100;
  // Waiting messages kept in memory; the rest stay in the outbox and are read
  // back in batches as the broker takes them.
  std::size_t memoryWindow = 1000;
  // TCP_NODELAY on the connection to the broker (bridges/mqtt/broker_no_delay.h):
  // without it a command's answer can wait ~40 ms for a delayed ACK.
  bool tcpNoDelay = true;
  // How long stop() waits for the broker to take the "offline" status and
  // what is in flight.
  std::chrono::milliseconds disconnectTimeout{2000};
};

}  // namespace lwm2m::bridges::mqtt
