#pragma once
// Shared by the block-wise, NAT and slow-device tests: firmware images with a
// known CRC, a real MQTT-watching REST client for the daemon's command API,
// and a raw CoAP/UDP socket for datagrams no well-behaved client would send.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "lwm2m/coap/message.h"
#include "tests/integration/gateway_process.h"

namespace lwm2m::testing {

// `size` pseudo-random bytes (every byte value occurs), the same for a seed.
std::vector<std::uint8_t> firmwareImage(std::size_t size, std::uint32_t seed);
// The line lwm2m-sim prints for a firmware package it received whole:
// "firmware-received EP bytes=N crc=XXXXXXXX" (CRC-32, IEEE).
std::string firmwareReceivedLine(const std::string& endpoint, const std::vector<std::uint8_t>& image);
std::string base64(const std::vector<std::uint8_t>& bytes);

rapidjson::Document parseJson(const std::string& text);

// The daemon's command API: POST a command over REST, then read its result
// from the "response" event on MQTT.
class CommandClient {
 public:
  CommandClient(GatewayProcess& gateway, const Mosquitto& broker);

  // POSTs the command; the request id, or "" if it was not accepted (202).
  std::string post(const std::string& endpoint, const std::string& command);
  // The "response" event for `requestId` (generic mapping: {"requestId","code",
  // "status","values":[{"path","value"}],"error"}); nullopt
  // after `timeout`. Responses to other requests seen meanwhile are kept for
  // their own call; other events are skipped.
  std::optional<rapidjson::Document> response(const std::string& requestId, std::chrono::milliseconds timeout);
  // The next event of this kind for this device (e.g. "send"); nullopt after timeout.
  std::optional<rapidjson::Document> event(const std::string& endpoint, const std::string& kind,
                                           std::chrono::milliseconds timeout);
  // The next message on lwm2m/{endpoint}/{suffix}, e.g. "3303/0/5700" for a value.
  std::optional<rapidjson::Document> message(const std::string& endpoint, const std::string& suffix,
                                             std::chrono::milliseconds timeout);
  // POST then wait: the response event, or nullopt.
  std::optional<rapidjson::Document> run(const std::string& endpoint, const std::string& command,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(15));

 private:
  // Keeps a response event for a later response() call; its request id, or "".
  std::string keepResponse(const std::string& topic, const std::string& json);

  GatewayProcess& gateway_;
  MqttSubscriber events_;
  std::map<std::string, std::string> responses_;  // request id → event JSON, not yet asked for
};

// A UDP socket on 127.0.0.1 that sends CoAP messages and reads the answers.
class RawCoapSocket {
 public:
  RawCoapSocket();
  ~RawCoapSocket();
  RawCoapSocket(const RawCoapSocket&) = delete;
  RawCoapSocket& operator=(const RawCoapSocket&) = delete;

  void send(std::uint16_t port, const coap::Message& message);
  // The next datagram that decodes, or nullopt after `timeout`.
  std::optional<coap::Message> receive(std::chrono::milliseconds timeout);
  // The ACK with this message ID (a piggybacked answer), skipping whatever
  // else comes meanwhile (the gateway's own requests); nullopt after `timeout`.
  std::optional<coap::Message> acknowledgement(std::uint16_t messageId, std::chrono::milliseconds timeout);

 private:
  int fd_;
};

}  // namespace lwm2m::testing
