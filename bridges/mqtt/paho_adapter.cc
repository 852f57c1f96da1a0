#include "bridges/mqtt/paho_adapter.h"

#include <mqtt/exception.h>
#include <mqtt/properties.h>
#include <mqtt/ssl_options.h>
#include <mqtt/will_options.h>

#include <algorithm>
#include <deque>
#include <cstdint>
#include <limits>

namespace lwm2m::bridges::mqtt {
namespace {

// Paho C copies the property string into the packet; CORRELATION_DATA is
// binary data, for which the same string constructor copies raw bytes.
void addProperty(::mqtt::properties& props, ::mqtt::property::code code, const std::string& value) {
  if (!value.empty()) props.add(::mqtt::property(code, value));
}

std::string stringProperty(const ::mqtt::properties& props, ::mqtt::property::code code) {
  if (!props.contains(code)) return {};
  try {
    return ::mqtt::get<std::string>(props, code);
  } catch (const std::exception&) {
    return {};
  }
}

::mqtt::ssl_options tlsOptions(const MqttSettings& settings) {
  ::mqtt::ssl_options tls;
  tls.set_enable_server_cert_auth(true);
  tls.set_verify(true);  // the certificate must name the host we connect to
  if (!settings.caFile.empty()) tls.set_trust_store(settings.caFile);
  if (!settings.certFile.empty()) tls.set_key_store(settings.certFile);
  if (!settings.keyFile.empty()) tls.set_private_key(settings.keyFile);
  // No error handler: Paho C++ 1.2 keeps a pointer to the handler inside the
  // ssl_options it was set on, which copies of the options leave dangling.
  return tls;
}

}  // namespace

std::string pahoUri(const std::string& uri) {
  if (uri.rfind("mqtt://", 0) == 0) return "tcp://" + uri.substr(7);
  if (uri.rfind("mqtts://", 0) == 0) return "ssl://" + uri.substr(8);
  return uri;
}

bool usesTls(const std::string& uri) {
  return uri.rfind("ssl://", 0) == 0 || uri.rfind("wss://", 0) == 0;
}

std::optional<BrokerAddress> brokerAddress(const std::string& uri) {
  const auto schemeEnd = uri.find("://");
  if (schemeEnd == std::string::npos) return std::nullopt;
  const std::string scheme = uri.substr(0, schemeEnd);
  std::string rest = uri.substr(schemeEnd + 3);
  rest = rest.substr(0, rest.find('/'));  // a WebSocket path
  BrokerAddress address;
  std::string port;
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return std::nullopt;
    address.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return std::nullopt;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const auto colon = rest.rfind(':');
    address.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (address.host.empty()) return std::nullopt;
  if (port.empty()) {
    const bool tls = usesTls(uri);
    const bool websocket = scheme == "ws" || scheme == "wss";
    address.port = websocket ? (tls ? 443 : 80) : (tls ? 8883 : 1883);
    return address;
  }
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int number = std::stoi(port);
  if (number < 1 || number > 65535) return std::nullopt;
  address.port = static_cast<std::uint16_t>(number);
  return address;
}

int pahoVersion(MqttVersion version) {
  return version == MqttVersion::V5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
}

void setConnectOptions(::mqtt::connect_options& options, const MqttSettings& settings) {
  options.set_mqtt_version(pahoVersion(settings.version));
  options.set_keep_alive_interval(static_cast<int>(settings.keepalive.count()));
  // A persistent session: subscriptions and unacknowledged QoS 1/2 messages
  // survive a reconnect. The setter of the other version is ignored by Paho.
  if (settings.version == MqttVersion::V5) {
    options.set_clean_start(false);
    const auto expiry = std::min<std::int64_t>(settings.sessionExpiry.count(),
                                               std::numeric_limits<std::int32_t>::max());
    options.set_properties(::mqtt::properties{::mqtt::property(
        ::mqtt::property::SESSION_EXPIRY_INTERVAL, static_cast<int32_t>(expiry))});
  } else {
    options.set_clean_session(false);
  }
  options.set_automatic_reconnect(false);  // the link's timer reconnects, first connection included
  options.set_connect_timeout(std::chrono::seconds(10));
  options.set_max_inflight(static_cast<int>(
      std::clamp<std::size_t>(settings.maxInflight, 1, 65535)));
  if (!settings.username.empty()) {
    options.set_user_name(settings.username);
    options.set_password(settings.password);
  }
  if (!settings.statusTopic.empty()) {
    options.set_will(::mqtt::will_options(settings.statusTopic, std::string("offline"), 1, true));
  }
  if (usesTls(pahoUri(settings.uri))) options.set_ssl(tlsOptions(settings));
}

namespace {

// The MQTT 5 properties of a message that names only its content type, made
// once per content type and thread: a mapping uses a handful, and building
// them for every message was a fifth of a QoS 0 notification's work on the
// I/O thread. Null for a type beyond the first 16 (then built per message).
const ::mqtt::properties* contentTypeOnly(const std::string& contentType) {
  thread_local std::deque<std::pair<std::string, ::mqtt::properties>> made;
  for (const auto& [type, props] : made) {
    if (type == contentType) return &props;
  }
  if (made.size() >= 16) return nullptr;
  ::mqtt::properties props;
  addProperty(props, ::mqtt::property::CONTENT_TYPE, contentType);
  return &made.emplace_back(contentType, std::move(props)).second;
}

}  // namespace

::mqtt::message_ptr toPahoMessage(const mapping::OutboundMessage& message, MqttVersion version) {
  if (version == MqttVersion::V5 && message.responseTopic.empty() && message.correlationData.empty()) {
    if (const ::mqtt::properties* props = contentTypeOnly(message.contentType)) {
      return ::mqtt::message::create(message.topic, message.payload.data(), message.payload.size(), message.qos,
                                     message.retain, *props);
    }
  }
  auto paho = ::mqtt::message::create(message.topic, message.payload.data(), message.payload.size(),
                                      message.qos, message.retain);
  if (version == MqttVersion::V5) {
    ::mqtt::properties props;
    addProperty(props, ::mqtt::property::RESPONSE_TOPIC, message.responseTopic);
    addProperty(props, ::mqtt::property::CORRELATION_DATA, message.correlationData);
    addProperty(props, ::mqtt::property::CONTENT_TYPE, message.contentType);
    if (!props.empty()) paho->set_properties(std::move(props));
  }
  return paho;
}

mapping::InboundMessage fromPahoMessage(const ::mqtt::message& message) {
  mapping::InboundMessage inbound;
  inbound.topic = message.get_topic();
  inbound.payload = message.to_string();
  const auto& props = message.get_properties();
  inbound.responseTopic = stringProperty(props, ::mqtt::property::RESPONSE_TOPIC);
  inbound.correlationData = stringProperty(props, ::mqtt::property::CORRELATION_DATA);
  return inbound;
}

std::string describeConnectFailure(int returnCode, int reasonCode) {
  // Paho reports an MQTT 5 CONNACK refusal as the return code, not the reason code.
  if (reasonCode < 0x80 && returnCode >= 0x80 && returnCode <= 0xFF) reasonCode = returnCode;
  switch (reasonCode) {  // MQTT 5 CONNACK (3.2.2.2)
    case 0x84: return "broker refused the connection: unsupported protocol version (try mqtt.version \"3.1.1\")";
    case 0x85: return "broker refused the connection: client id rejected";
    case 0x86: return "broker refused the connection: bad user name or password";
    case 0x87: return "broker refused the connection: not authorized";
    case 0x88: return "broker refused the connection: server unavailable";
    case 0x8A: return "broker refused the connection: client banned";
    default: break;
  }
  if (reasonCode >= 0x80) {  // under MQTT 3.1.1 Paho leaves 0xFF here: not a reason
    const std::string text = ::mqtt::exception::reason_code_str(reasonCode);
    if (!text.empty()) return "broker refused the connection: " + text;
  }
  switch (returnCode) {  // MQTT 3.1.1 CONNACK (3.2.2.3) or the client's error
    case MQTTASYNC_FAILURE:
      return "broker unreachable or connection refused";
    case 1:
      return "broker refused the connection: unacceptable protocol version";
    case 2:
      return "broker refused the connection: client id rejected";
    case 3:
      return "broker refused the connection: server unavailable";
    case 4:
      return "broker refused the connection: bad user name or password";
    case 5:
      return "broker refused the connection: not authorized";
    default: {
      const std::string text = ::mqtt::exception::error_str(returnCode);
      return text.empty() ? "error " + std::to_string(returnCode) : text;
    }
  }
}

}  // namespace lwm2m::bridges::mqtt
