#pragma once
// The gateway's configuration: every key has a default, so an empty file (or no
// file) is a valid configuration. Loaded from YAML (gateway.yaml; JSON works too,
// being YAML), overridden from the command line, shown by --print-config.
//
// Errors name the file, the line and the key, e.g.
//   gateway.yaml:7: mqtt.qos: must be 0, 1 or 2 (got 5)
// and every error of a file is reported, not only the first.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::gateway {

// The host name, or "lwm2m-gateway" if it cannot be read.
std::string defaultGatewayId();

struct CoapConfig {
  bool enabled = true;                  // false: devices only over DTLS (coaps)
  std::string listen = "0.0.0.0:5683";  // HOST:PORT, IPv6 as [::]:5683
  std::chrono::milliseconds ackTimeout{2000};  // RFC 7252 ACK_TIMEOUT
  double ackRandomFactor = 1.5;                // RFC 7252 ACK_RANDOM_FACTOR, >= 1
  unsigned maxRetransmit = 4;                  // RFC 7252 MAX_RETRANSMIT
  // RFC 7959: payloads above blockSize go block-wise (16, 32, ..., 1024); a
  // size below 1024 is also asked of devices for their responses (early
  // negotiation, §2.4). A block-wise body larger than maxBodySize is refused
  // with 4.13 and Size1 (incoming Block1) or not assembled (Block2).
  std::uint16_t blockSize = 1024;
  std::uint32_t maxBodySize = 1024 * 1024;
  // Socket buffers of every CoAP listener (coap, coaps, bootstrap), in KiB;
  // 0 keeps the system default (net.core.rmem_default, ~208 KiB). A burst of
  // datagrams beyond the receive buffer is dropped by the kernel (counted:
  // lwm2m_gateway_coap_datagrams_dropped_total). A size above
  // net.core.rmem_max / wmem_max is capped there unless the gateway has
  // CAP_NET_ADMIN; start-up then logs a warning with the sysctl to raise.
  std::uint32_t receiveBufferKb = 4096;
  std::uint32_t sendBufferKb = 1024;
  bool operator==(const CoapConfig&) const = default;
};

// CoAP over DTLS 1.2 (the coaps listener): PSK identities from the
// credentials store, and/or X.509 certificates.
struct CoapsConfig {
  bool enabled = false;
  std::string listen = "0.0.0.0:5684";
  std::string certFile;  // the gateway's certificate chain (PEM), with keyFile
  std::string keyFile;
  std::string caFile;    // devices' certificates must chain to these CAs
  std::string credentialsFile;  // empty: {storage.data_dir}/credentials.db
  std::chrono::seconds handshakeTimeout{30};
  std::chrono::seconds idleTimeout{3600};
  std::uint32_t maxSessions = 10000;
  std::uint32_t maxHandshakes = 256;
  bool operator==(const CoapsConfig&) const = default;
};

// The LwM2M bootstrap server (plain CoAP, its own port). Devices are
// provisioned from the YAML files in `configs` (see
// gateway/daemon/bootstrap_config_yaml.h; endpoints no file names and no "*"
// file covers are refused), or without `configs` from the default entry that
// points every device at this gateway: coaps with freshly generated PSK
// credentials when coaps is enabled, else plain coap.
struct BootstrapServerConfig {
  bool enabled = false;
  std::string listen = "0.0.0.0:5783";
  // The bootstrap server over DTLS too (HOST:PORT; empty: plain CoAP only).
  // PSK identities from {dir of coaps.credentials_file}/bootstrap-credentials.db
  // (`lwm2m-gateway credentials add --bootstrap`), certificates as coaps.*.
  std::string listenDtls;
  std::string configs;      // a directory of bootstrap YAML files; empty: the default entry only
  std::string serverHost;   // host devices are told to reach; empty: the listen host (not a wildcard)
  std::uint32_t lifetimeSeconds = 300;             // the default entry's registration lifetime
  std::chrono::seconds sessionTimeout{60};         // a bootstrap not finished by then fails
  bool operator==(const BootstrapServerConfig&) const = default;
};

struct Lwm2mConfig {
  // false: Register over plain CoAP is refused (4.03); per endpoint the
  // credentials store can require DTLS too.
  bool allowPlainRegistration = true;
  bool strictVersion = false;              // reject a Register without lwm2m=
  std::uint32_t lifetimeGraceSeconds = 0;  // extra time before a silent registration expires
  std::uint32_t minLifetimeSeconds = 1;    // a Register/Update with a shorter lt= is rejected
  std::uint32_t maxLifetimeSeconds = 2592000;  // 30 days; a longer lt= is rejected
  // A queue-mode device counts as awake this long after its last uplink, then
  // as asleep; nullopt ("derived"): CoAP MAX_TRANSMIT_WAIT of the coap.*
  // transmission parameters (93 s with the defaults); see awakeWindow().
  std::optional<std::uint32_t> awakeWindowSeconds;
  // How long a request waits for the device's answer unless its command says
  // otherwise ("timeout" / "timeout_ms").
  std::uint32_t requestTimeoutSeconds = 30;
  // Load shedding: while more than this many database writes wait for the
  // disk, a new Register or Send is answered 5.03 Service Unavailable with a
  // Max-Age between overloadRetrySeconds and twice that (devices come back
  // spread out) instead of piling up more work; 0: never. Updates and
  // De-registers always pass.
  std::uint32_t overloadPendingWrites = 20000;
  // Load shedding too while a device listener's receive queue is fuller than
  // this percentage of its buffer (the I/O thread is behind; a full buffer
  // makes the kernel drop Updates and answers at random); 0: never.
  // Such a queue drains within a second or two once Registers stop, so the
  // Max-Age is shorter: between this and twice that.
  std::uint32_t overloadReceiveQueuePercent = 50;
  std::uint32_t overloadReceiveQueueRetrySeconds = 2;
  std::uint32_t overloadRetrySeconds = 10;
  // OMA DDF XML object definitions loaded over the built-in ones: files, or
  // directories whose *.xml files load in name order; later ones win.
  // Reloaded on SIGHUP and POST /api/v1/models/reload.
  std::vector<std::string> models;
  bool operator==(const Lwm2mConfig&) const = default;
};

// HTTPS for the API: with cert and key the HTTP listener speaks TLS only.
struct HttpTlsConfig {
  std::string cert;      // PEM: the server's certificate, then intermediates
  std::string key;       // PEM private key (unencrypted)
  std::string clientCa;  // PEM CAs that client certificates must chain to
  std::string clientAuth = "none";  // none | optional | require (client certificates)
  bool operator==(const HttpTlsConfig&) const = default;
};

// A bearer token / API key (the same secret works as either) and its role.
struct HttpTokenConfig {
  std::string name;       // shown in logs and errors instead of the secret
  std::string token;      // the secret, or
  std::string tokenFile;  // a file holding it (first line; surrounding blanks dropped)
  std::string role;       // read | operate | admin
  bool operator==(const HttpTokenConfig&) const = default;
};

// A verified client certificate with this subject CN ("*": any) gets `role`.
struct HttpCertificateRoleConfig {
  std::string cn;
  std::string role;
  bool operator==(const HttpCertificateRoleConfig&) const = default;
};

// Credentials of the API: from here and from `file` (YAML with the same
// `tokens` and `certificates` lists), read at start-up. With none at all, the
// API is open, which start-up allows only on a loopback http.listen (or with
// allowAnonymous).
struct HttpAuthConfig {
  std::vector<HttpTokenConfig> tokens;
  std::vector<HttpCertificateRoleConfig> certificates;
  std::string file;
  bool allowAnonymous = false;  // no credentials on a non-loopback address (behind an authenticating proxy)
  bool publicMetrics = false;   // GET /metrics without credentials
  bool operator==(const HttpAuthConfig&) const = default;
};

// Browsers' cross-origin requests; empty origins: off.
struct HttpCorsConfig {
  std::vector<std::string> origins;  // "https://ui.example", or "*"
  std::chrono::seconds maxAge{600};
  bool operator==(const HttpCorsConfig&) const = default;
};

struct HttpLimitsConfig {
  std::uint32_t headerBytes = 8 * 1024;
  std::uint32_t bodyBytes = 64 * 1024;
  std::uint32_t maxHeaders = 100;
  std::chrono::seconds idleTimeout{30};  // to deliver a whole request, or take a response
  std::uint32_t maxConnections = 256;
  bool operator==(const HttpLimitsConfig&) const = default;
};

// Commands for devices in the queue (see gateway/core/request_queue.h).
struct QueueConfig {
  // Endpoint names (globs: *, ?, [...]) whose commands are accepted before the
  // device ever registered (pre-provisioning); "*" accepts every name. Others
  // are refused with NotFound unless the device is registered.
  std::vector<std::string> expectedEndpoints;
  // Limits a command is checked against where it enters (MQTT, REST), before
  // it is stored: its id and correlation ("id", "correlation", EMQX "reqID")
  // and every text it carries (String values, Execute arguments) must be
  // UTF-8 and at most this long. Values larger than coap.max_body_size
  // cannot reach a device and are refused too.
  std::uint32_t maxIdBytes = 256;
  std::uint32_t maxStringBytes = 64 * 1024;
  bool operator==(const QueueConfig&) const = default;
};

struct HttpConfig {
  std::string listen = "127.0.0.1:8080";
  // How long a REST call on a resource waits for the device's answer before
  // it answers 202 with the request's Location (a call may ask for another with timeout=).
  std::chrono::seconds requestTimeout{30};
  // Finished requests whose results GET /api/v1/requests/{id} still shows.
  std::uint32_t finishedRequests = 1000;
  // ... each for at most this long (zero: until finishedRequests pushes it out).
  std::chrono::seconds finishedRequestsMaxAge{3600};
  // Latest resource values kept for ?cached and /values (least recently updated evicted).
  std::uint32_t valueCacheEntries = 10000;
  // Keep them across restarts: saved to <data_dir>/latest-values.json every
  // valueCacheSave when they changed, and at stop (a crash loses at most one interval).
  bool valueCachePersist = false;
  std::chrono::seconds valueCacheSave{30};
  HttpTlsConfig tls;
  HttpAuthConfig auth;
  HttpCorsConfig cors;
  HttpLimitsConfig limits;
  bool operator==(const HttpConfig&) const = default;
};

// GET /api/v1/events (server-sent events; bridges/http/event_stream.h).
struct EventsConfig {
  std::uint32_t ring = 10000;  // newest events kept in memory for Last-Event-ID resume (0: none)
  std::chrono::seconds ringMaxAge{600};  // ... each for at most this long (zero: no age limit)
  std::chrono::seconds heartbeat{15};  // a ": heartbeat" comment line this often
  // A stream whose reader lags this far behind is cut off (KiB of events queued).
  std::uint32_t maxBufferKb = 1024;
  std::uint32_t maxStreams = 64;  // open streams at a time; more are refused with 503
  bool operator==(const EventsConfig&) const = default;
};

// One webhook: device events POSTed as JSON to `url` (bridges/webhook).
struct WebhookTargetConfig {
  std::string name;  // in logs and /health; default: the URL
  std::string url;   // http:// or https://
  std::vector<std::string> events;  // event kinds (registered, notification, ...); empty: every kind
  std::string endpoint = "*";       // glob of endpoint names
  std::string secret;  // HMAC-SHA256 key of the X-Lwm2m-Signature header; empty: unsigned
  std::string caFile;  // https: PEM CA certificates to verify the server with; empty: system store
  std::chrono::milliseconds timeout{10000};  // per POST, connecting included
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  bool operator==(const WebhookTargetConfig&) const = default;
};

struct WebhooksConfig {
  // Events kept per webhook (in the database) until delivered; beyond this
  // the oldest are dropped and counted.
  std::uint32_t outboxLimit = 10000;
  std::chrono::milliseconds retryMin{1000};    // first retry after a failure (then doubling, jittered)
  std::chrono::milliseconds retryMax{300000};  // longest wait between retries
  std::vector<WebhookTargetConfig> targets;
  bool operator==(const WebhooksConfig&) const = default;
};

struct MqttConfig {
  std::string uri = "tcp://127.0.0.1:1883";  // tcp:// ssl:// mqtt:// mqtts:// ws:// wss://
  std::string clientId = "lwm2m-gateway";
  std::string username;  // empty: no user name
  std::string password;
  std::string version = "5";  // "5" or "3.1.1" (for brokers without MQTT 5, e.g. Azure IoT Hub)
  std::string caFile;    // TLS: PEM CA certificates; empty: the system trust store
  std::string certFile;  // TLS: PEM client certificate (with keyFile), for mutual TLS
  std::string keyFile;
  // Retained "online"/"offline" of the gateway ({gateway}: gateway.id), also
  // the Last Will; empty: none.
  std::string statusTopic = "lwm2m-gateway/{gateway}/status";
  // Retained "online"/"asleep"/"offline" of each device; empty: none.
  std::string deviceStatusTopic = "lwm2m/{endpoint}/status";
  int qos = 1;
  std::chrono::seconds keepalive{30};  // 0 disables keep-alive
  std::chrono::seconds sessionExpiry{3600};  // MQTT 5: how long the broker keeps our session
  // Reconnect attempts start reconnectMin apart and double up to
  // reconnectMax, each wait shortened at random by up to half (jitter).
  std::chrono::milliseconds reconnectMin{500};
  std::chrono::milliseconds reconnectMax{5000};
  // QoS >= 1 messages kept (in the database) until the broker acknowledged
  // them; beyond this the oldest are dropped and counted.
  std::uint32_t outboxLimit = 100000;
  std::uint32_t maxInflight = 100;  // unacknowledged QoS >= 1 messages at a time
  // TCP_NODELAY on the connection to the broker: without it a command's
  // answer can wait ~40 ms for a delayed ACK.
  bool tcpNoDelay = true;
  // GET /ready answers 503 while the broker is not connected; false: MQTT is
  // optional for readiness (the outbox keeps messages meanwhile).
  bool requiredForReady = true;
  bool operator==(const MqttConfig&) const = default;
};

// Who this gateway is toward the cloud: {gateway} in mqtt.status_topic.
struct IdentityConfig {
  std::string id = defaultGatewayId();  // default: the host name
  bool operator==(const IdentityConfig&) const = default;
};

struct StorageConfig {
  std::string dataDir = "/var/lib/lwm2m-gateway";
  // How often a probe write proves the database still commits (GET /ready).
  std::chrono::seconds probeInterval{10};
  // Free room kept for what the gateway must store (updates, results,
  // removals): below it new commands are refused with storage_full, /health
  // says degraded and a `storage` event is published; it ends by itself when
  // room returns (see gateway/core/storage_reserve.h).
  std::uint64_t reserveKb = 8192;
  // Upper bound of gateway.db in KiB (0: none but the filesystem's free space).
  std::uint64_t maxSizeKb = 0;
  // How often the free room is measured.
  std::chrono::milliseconds spaceCheckInterval{1000};
  // A damaged gateway.db at start: "move_aside" (kept as
  // gateway.db.damaged-<UTC time>, the gateway starts empty, /health says
  // degraded) or "refuse" (the gateway does not start).
  std::string onDamaged = "move_aside";
  bool operator==(const StorageConfig&) const = default;
};

// Firmware packages (Firmware Update object 5), kept in <data_dir>/firmware
// and pushed block-wise from there or pulled by the devices from the gateway.
struct FirmwareConfig {
  std::uint64_t maxSize = 64ULL * 1024 * 1024;  // largest package: upload, download or file
  std::chrono::seconds retention{7 * 24 * 3600};  // an unused package is removed after this
  std::string allowedDir;  // commands may name package files only inside it; empty: none
  bool allowDownloads = true;  // commands may name http(s):// URLs the gateway downloads
  std::string caFile;      // CAs for https:// package URLs; empty: the system's
  // coap://HOST:PORT devices reach the gateway's LwM2M port at, for pull mode;
  // empty: coap.listen when that is a specific address.
  std::string pullUri;
  bool operator==(const FirmwareConfig&) const = default;
};

struct MappingConfig {
  std::string path;  // a mapping file or a directory of them; empty: no mapping
  // Files are checked for changes this often (0: only SIGHUP and the REST
  // API reload); a change is loaded once it stayed the same for settle.
  std::chrono::milliseconds watchInterval{2000};
  std::chrono::milliseconds settle{1000};
  // true: an empty file loads as no rules, and a reload may drop every rule
  // of a kind; false: both are refused (a half-written save looks like that)
  // unless the file writes the section empty ("uplink: []").
  bool allowEmpty = false;
  bool operator==(const MappingConfig&) const = default;
};

struct LoggingConfig {
  std::string level = "info";  // trace, debug, info, warn, error, off
  bool operator==(const LoggingConfig&) const = default;
};

struct GatewayConfig {
  IdentityConfig gateway;
  CoapConfig coap;
  CoapsConfig coaps;
  BootstrapServerConfig bootstrap;
  Lwm2mConfig lwm2m;
  QueueConfig queue;
  HttpConfig http;
  EventsConfig events;
  WebhooksConfig webhooks;
  MqttConfig mqtt;
  StorageConfig storage;
  FirmwareConfig firmware;
  MappingConfig mapping;
  LoggingConfig logging;
  bool operator==(const GatewayConfig&) const = default;
};

// A listen address split for binding: host is an IP literal without brackets.
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;  // 0 lets the system pick a free port
};

// "0.0.0.0:5683", "[::]:5683", "[::1]:0". The host must be an IP literal.
Result<ListenAddress> parseListenAddress(std::string_view text);

// Validators shared by the YAML loader and the command line. Each returns the
// problem in words ("must be 0, 1 or 2 (got 5)"), or nullopt when the value is fine.
std::optional<std::string> checkListenAddress(std::string_view text);
std::optional<std::string> checkMqttUri(std::string_view uri);
// Empty (disabled) or a topic whose only placeholder is {gateway}.
std::optional<std::string> checkStatusTopic(std::string_view topic);
// Empty (disabled) or a topic whose only placeholder is {endpoint}.
std::optional<std::string> checkDeviceStatusTopic(std::string_view topic);
std::optional<std::string> checkMqttVersion(std::string_view version);
// Not empty, no control characters, at most 128 bytes.
std::optional<std::string> checkGatewayId(std::string_view id);
std::optional<std::string> checkLogLevel(std::string_view level);
// storage.on_damaged: "move_aside" or "refuse".
std::optional<std::string> checkOnDamaged(std::string_view value);
// Empty, or a regular file this process can read.
std::optional<std::string> checkReadableFile(std::string_view path);

// Loads a YAML file over the defaults. On failure the error message holds one
// line per problem, each "FILE:LINE: section.key: problem".
Result<GatewayConfig> loadConfigFile(const std::string& path);
// The same for text already in memory; fileName is used in the messages.
Result<GatewayConfig> loadConfigText(std::string_view yaml, std::string_view fileName);

// Checks that involve more than one key (e.g. min <= max). One message per
// problem, each "section.key: problem".
std::vector<std::string> crossCheck(const GatewayConfig& config);

// The whole configuration as YAML, every key present; loadConfigText() of the
// output gives back an equal GatewayConfig. With Secrets::Hidden (what
// --print-config shows), passwords and tokens that are set read "(hidden)".
enum class Secrets { Shown, Hidden };
std::string toYaml(const GatewayConfig& config, Secrets secrets = Secrets::Shown);

// An http.auth.file: YAML with the `tokens` and `certificates` lists of
// http.auth; errors as loadConfigFile()'s, "FILE:LINE: tokens[1].role: ...".
Result<HttpAuthConfig> loadHttpAuthFile(const std::string& path);
Result<HttpAuthConfig> loadHttpAuthText(std::string_view yaml, std::string_view fileName);

// True for 127.0.0.0/8 and ::1 (the host of a listen address).
bool isLoopbackHost(std::string_view host);

}  // namespace lwm2m::gateway
