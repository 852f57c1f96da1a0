#pragma once
// What the MQTT bridge needs to know, filled by the gateway from its
// configuration (the mqtt: section of gateway.yaml).

#include <chrono>
#include <cstddef>
#include <string>

namespace lwm2m::bridges::mqtt {

struct MqttSettings {
  // tcp://, mqtt:// (plain), ssl://, mqtts:// (TLS, system trust store), ws://, wss://
  std::string uri = "tcp://127.0.0.1:1883";
  std::string clientId = "lwm2m-gateway";
  std::string username;  // empty: connect without credentials
  std::string password;
  // TLS (ssl://, mqtts://, wss://): the broker's certificate is checked
  // against caFile (PEM; empty: the system's trust store) and must name the
  // URI's host. certFile + keyFile (PEM) give a client certificate for brokers
  // that require one (e.g. AWS IoT).
  std::string caFile;
  std::string certFile;
  std::string keyFile;
  // Topic of device events; {endpoint} and {kind} are replaced (see event_topic.h).
  std::string eventTopic = "lwm2m/{endpoint}/event/{kind}";
  int qos = 1;
  std::chrono::seconds keepalive{30};
  // Reconnect attempts start reconnectMin apart and double up to reconnectMax.
  std::chrono::milliseconds reconnectMin{500};
  std::chrono::milliseconds reconnectMax{30000};
  // Messages kept while the broker is away (or not yet acknowledged); beyond
  // this new messages are dropped.
  std::size_t maxBuffered = 100000;
  // How long stop() waits for the broker to take what is in flight.
  std::chrono::milliseconds disconnectTimeout{2000};
};

}  // namespace lwm2m::bridges::mqtt
