#pragma once
// The conversions between the link's settings and values and Paho MQTT C++:
// connect options (version, session, TLS, Last Will), messages with their
// MQTT 5 properties, and operator-readable connect failures. No state but
// each thread's properties per content type (toPahoMessage), no threads.

#include <mqtt/connect_options.h>
#include <mqtt/message.h>

#include <cstdint>
#include <optional>
#include <string>

#include "bridges/mqtt/mqtt_settings.h"
#include "mapping/device_command.h"
#include "mapping/outbound_message.h"

namespace lwm2m::bridges::mqtt {

// mqtt:// and mqtts:// are the common aliases of Paho's tcp:// and ssl://.
std::string pahoUri(const std::string& uri);
bool usesTls(const std::string& pahoUri);
int pahoVersion(MqttVersion version);

// The host (IPv6 without brackets) and TCP port a Paho URI connects to, with
// Paho's default ports (tcp 1883, ssl 8883, ws 80, wss 443); nullopt when it
// names no host or a port that is not one.
struct BrokerAddress {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<BrokerAddress> brokerAddress(const std::string& pahoUri);

// Fills what the link connects with (TLS server verification, client
// certificate, Last Will, persistent session). Filled in place: Paho C++ 1.2
// connect_options keeps pointers into itself that a move leaves dangling.
void setConnectOptions(::mqtt::connect_options& options, const MqttSettings& settings);

// The message as Paho sends it; MQTT 5 properties only with version 5.
::mqtt::message_ptr toPahoMessage(const mapping::OutboundMessage& message, MqttVersion version);
mapping::InboundMessage fromPahoMessage(const ::mqtt::message& message);

// Why a connection attempt failed, in words an operator can act on: the
// broker's CONNACK refusal (MQTT 3.1.1 return code or MQTT 5 reason code) or
// the client's error.
std::string describeConnectFailure(int returnCode, int reasonCode);

}  // namespace lwm2m::bridges::mqtt
