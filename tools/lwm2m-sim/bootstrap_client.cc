#include "tools/lwm2m-sim/bootstrap_client.h"

#include <sys/stat.h>

#include <fstream>

#include <boost/asio/ip/address.hpp>

#include "lwm2m/formats/tlv.h"

namespace lwm2m::sim {
namespace {

constexpr auto kBootstrapTimeout = std::chrono::seconds(90);

std::optional<std::int64_t> integerOf(const model::ObjectInstance& instance, model::ResourceId id) {
  const model::Resource* r = instance.resource(id);
  if (!r || r->isMultiple()) return std::nullopt;
  const model::Value& v = r->value();
  if (v.type() == model::DataType::Integer) return v.asInteger();
  if (v.type() == model::DataType::UnsignedInteger) return static_cast<std::int64_t>(v.asUnsigned());
  return std::nullopt;
}

std::optional<model::Bytes> bytesOf(const model::ObjectInstance& instance, model::ResourceId id) {
  const model::Resource* r = instance.resource(id);
  if (!r || r->isMultiple()) return std::nullopt;
  const model::Value& v = r->value();
  if (v.type() == model::DataType::Opaque) return v.asOpaque();
  if (v.type() == model::DataType::String) return model::Bytes(v.asString().begin(), v.asString().end());
  return std::nullopt;
}

bool isBootstrapAccount(const model::ObjectInstance& security) {
  const model::Resource* r = security.resource(1);
  return r && !r->isMultiple() && r->value().type() == model::DataType::Boolean && r->value().asBoolean();
}

// "coap://127.0.0.1:5683", "coaps://[::1]:5684" → address and port.
std::optional<coap::Peer> peerOfUri(const std::string& uri, bool& secure) {
  std::string rest;
  if (uri.rfind("coaps://", 0) == 0) {
    secure = true;
    rest = uri.substr(8);
  } else if (uri.rfind("coap://", 0) == 0) {
    secure = false;
    rest = uri.substr(7);
  } else {
    return std::nullopt;
  }
  auto slash = rest.find('/');
  if (slash != std::string::npos) rest.resize(slash);
  auto colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
  std::uint16_t port = secure ? 5684 : 5683;
  if (colon != std::string::npos && (host.empty() || host.back() != ']' || rest.front() == '[')) {
    try {
      int p = std::stoi(rest.substr(colon + 1));
      if (p <= 0 || p > 65535) return std::nullopt;
      port = static_cast<std::uint16_t>(p);
    } catch (...) {
      return std::nullopt;
    }
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return coap::Peer(address, port);
}

std::string toHex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (auto b : bytes) text += {kDigits[b >> 4], kDigits[b & 0x0f]};
  return text;
}

std::optional<std::vector<std::uint8_t>> fromHex(const std::string& text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto digit = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int high = digit(text[i]), low = digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  return bytes;
}

}  // namespace

bool saveAccount(const std::string& file, const ProvisionedAccount& account) {
  const mode_t old = ::umask(077);
  std::ofstream out(file, std::ios::trunc);
  ::umask(old);
  out << "server=" << (account.secure ? "coaps://" : "coap://") << coap::toString(account.server) << "\n";
  if (account.secure) out << "psk-identity=" << account.pskIdentity << "\npsk-key=" << toHex(account.pskKey) << "\n";
  out << "lifetime=" << account.lifetime << "\n";
  return static_cast<bool>(out.flush());
}

std::optional<ProvisionedAccount> loadAccount(const std::string& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  ProvisionedAccount account;
  bool haveServer = false;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) return std::nullopt;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "server") {
      auto peer = peerOfUri(value, account.secure);
      if (!peer) return std::nullopt;
      account.server = *peer;
      haveServer = true;
    } else if (key == "psk-identity") {
      account.pskIdentity = value;
    } else if (key == "psk-key") {
      auto bytes = fromHex(value);
      if (!bytes) return std::nullopt;
      account.pskKey = std::move(*bytes);
    } else if (key == "lifetime") {
      account.lifetime = static_cast<std::uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
    }
  }
  if (!haveServer || (account.secure && (account.pskIdentity.empty() || account.pskKey.empty()))) return std::nullopt;
  return account;
}

// Logs how the DTLS handshake with the bootstrap server went; a refusal ends the bootstrap.
std::optional<coap::DtlsSettings> BootstrapClient::withEvents(std::optional<coap::DtlsSettings> dtls) {
  if (!dtls) return dtls;
  dtls->onEvent = [this](const coap::DtlsEvent& e) {
    if (e.kind == coap::DtlsEvent::Kind::Established) log_.activity("dtls-established", endpoint_);
    if (e.kind == coap::DtlsEvent::Kind::Failed) failWith("DTLS handshake with the bootstrap server: " + e.reason);
  };
  return dtls;
}

BootstrapClient::BootstrapClient(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                 const coap::Peer& bootstrapServer, const coap::Peer& bindTo, std::string endpoint,
                                 EventLog& log, std::function<std::uint32_t()> random,
                                 std::function<void(std::optional<ProvisionedAccount>)> done,
                                 std::optional<coap::DtlsSettings> dtls)
    : scheduler_(scheduler),
      bootstrapServer_(bootstrapServer),
      endpoint_(std::move(endpoint)),
      log_(log),
      done_(std::move(done)),
      model_(model::ObjectModel::builtIn()),
      transport_(io, scheduler, bindTo, static_cast<std::uint16_t>(random()), withEvents(std::move(dtls))),
      coap_(transport_, scheduler, coap::TransmissionParameters{}, std::move(random)) {}

BootstrapClient::~BootstrapClient() {
  scheduler_.cancel(timeout_);
  transport_.close();
}

void BootstrapClient::start() {
  coap_.setRequestHandler([this](const coap::Peer&, const coap::Message& request, coap::Endpoint::Responder respond) {
    handleRequest(request, respond);
  });
  coap_.start();
  timeout_ = scheduler_.schedule(kBootstrapTimeout, [this] {
    timeout_ = 0;
    failWith("no Bootstrap-Finish within " + std::to_string(kBootstrapTimeout.count()) + " s");
  });
  coap::Message request;
  request.code = coap::codes::Post;
  request.setUriPath("bs");
  request.addUriQuery("ep=" + endpoint_);
  request.addUriQuery("pct=11542");
  log_.lifecycle("bootstrap-requested", endpoint_, coap::toString(bootstrapServer_));
  coap_.sendRequest(bootstrapServer_, request, [this](const coap::ResponseResult& r) {
    if (r.status != coap::RequestStatus::Ok) {
      failWith("Bootstrap-Request: " + std::string(coap::requestStatusName(r.status)));
    } else if (r.response.code != coap::codes::Changed) {
      failWith("Bootstrap-Request answered " + r.response.code.toString() +
               (r.response.payload.empty() ? "" : " (" + r.response.payloadString() + ")"));
    }
  });
}

void BootstrapClient::handleRequest(const coap::Message& request, const coap::Endpoint::Responder& respond) {
  auto path = request.uriPath();
  auto answer = [&](coap::Code code) { respond(coap::Message::response(request, code)); };
  if (ended_) {
    answer(coap::codes::ServiceUnavailable);
    return;
  }
  if (request.code == coap::codes::Post && path.size() == 1 && path[0] == "bs") {
    answer(coap::codes::Changed);
    scheduler_.schedule(std::chrono::milliseconds(0), [this] { finish(); });
    return;
  }
  if (request.code == coap::codes::Get && !path.empty() && (path[0] == "1" || path[0] == "2")) {
    readObject(request, respond);
    return;
  }
  if (request.code == coap::codes::Get && path.empty()) {
    auto response = coap::Message::response(request, coap::codes::Content);
    response.setContentFormat(40);
    std::string links = "lwm2m=\"1.1\"";
    for (const auto& [id, instance] : security_) links += ",</0/" + std::to_string(id) + ">";
    for (const auto& [id, instance] : servers_) links += ",</1/" + std::to_string(id) + ">";
    for (const auto& [id, instance] : acls_) links += ",</2/" + std::to_string(id) + ">";
    links += ",</3/0>";
    response.setPayload(links);
    respond(std::move(response));
    return;
  }
  if (request.code == coap::codes::Delete) {
    if (path.empty() || path[0] == "0") {
      // The bootstrap account stays (LwM2M Core §6.1.7.5).
      std::erase_if(security_, [](const auto& entry) { return !isBootstrapAccount(entry.second); });
    }
    if (path.empty() || path[0] == "1") servers_.clear();
    if (path.empty() || path[0] == "2") acls_.clear();
    answer(coap::codes::Deleted);
    return;
  }
  if (request.code == coap::codes::Put && path.size() == 2 && (path[0] == "0" || path[0] == "1" || path[0] == "2")) {
    auto parsed = model::Path::parse("/" + path[0] + "/" + path[1]);
    if (!parsed) {
      answer(coap::codes::BadRequest);
      return;
    }
    auto node = formats::TlvCodec().decode(request.payload, *parsed, formats::DecodeContext{model_});
    if (!node || !node->objectInstance()) {
      answer(coap::codes::BadRequest);
      return;
    }
    if (path[0] == "0") security_.insert_or_assign(parsed->instanceId(), *node->objectInstance());
    if (path[0] == "1") servers_.insert_or_assign(parsed->instanceId(), *node->objectInstance());
    if (path[0] == "2") acls_.insert_or_assign(parsed->instanceId(), *node->objectInstance());
    log_.activity("bootstrap-write", endpoint_, parsed->toString());
    answer(coap::codes::Changed);
    return;
  }
  answer(coap::codes::MethodNotAllowed);
}

// Bootstrap-Read (LwM2M 1.1 §6.1.7.3): only /1 and /2, an object or one instance, in TLV.
void BootstrapClient::readObject(const coap::Message& request, const coap::Endpoint::Responder& respond) {
  auto path = request.uriPath();
  const auto& objects = path[0] == "1" ? servers_ : acls_;
  std::string text = "/" + path[0] + (path.size() > 1 ? "/" + path[1] : "");
  auto parsed = model::Path::parse(text);
  if (!parsed || path.size() > 2) {
    respond(coap::Message::response(request, coap::codes::BadRequest));
    return;
  }
  model::Node node = model::Object(parsed->objectId(), objects);
  if (parsed->isObjectInstance()) {
    auto it = objects.find(parsed->instanceId());
    if (it == objects.end()) {
      respond(coap::Message::response(request, coap::codes::NotFound));
      return;
    }
    node = it->second;
  }
  auto bytes = formats::TlvCodec().encode(node, *parsed, model_);
  if (!bytes) {
    respond(coap::Message::response(request, coap::codes::InternalServerError));
    return;
  }
  auto response = coap::Message::response(request, coap::codes::Content);
  response.setContentFormat(11542);
  response.payload = std::move(bytes).value();
  log_.activity("bootstrap-read", endpoint_, text);
  respond(std::move(response));
}

void BootstrapClient::finish() {
  if (ended_) return;
  for (const auto& [id, security] : security_) {
    if (isBootstrapAccount(security)) continue;
    auto uri = bytesOf(security, 0);
    auto mode = integerOf(security, 2);
    auto ssid = integerOf(security, 10);
    if (!uri || !mode || !ssid) continue;
    ProvisionedAccount account;
    auto peer = peerOfUri(std::string(uri->begin(), uri->end()), account.secure);
    if (!peer) {
      failWith("Security /0/" + std::to_string(id) + ": server URI '" + std::string(uri->begin(), uri->end()) +
               "' is not coap://ADDRESS:PORT or coaps://ADDRESS:PORT");
      return;
    }
    account.server = *peer;
    if (account.secure) {
      auto identity = bytesOf(security, 3);
      auto key = bytesOf(security, 5);
      if (*mode != 0 || !identity || !key || key->empty()) {
        failWith("Security /0/" + std::to_string(id) + ": coaps without PSK identity and key");
        return;
      }
      account.pskIdentity.assign(identity->begin(), identity->end());
      account.pskKey = *key;
    }
    for (const auto& [sid, server] : servers_) {
      if (integerOf(server, 0) == ssid) account.lifetime = static_cast<std::uint32_t>(integerOf(server, 1).value_or(300));
    }
    ended_ = true;
    scheduler_.cancel(timeout_);
    log_.lifecycle("bootstrap-finished", endpoint_,
                   std::string(account.secure ? "coaps://" : "coap://") + coap::toString(account.server) +
                       (account.secure ? " psk-identity=" + account.pskIdentity : ""));
    auto done = std::move(done_);
    done(account);
    return;
  }
  failWith("Bootstrap-Finish without an LwM2M server account (Security with Short Server ID)");
}

void BootstrapClient::failWith(const std::string& reason) {
  if (ended_) return;
  ended_ = true;
  scheduler_.cancel(timeout_);
  log_.lifecycle("bootstrap-failed", endpoint_, reason);
  auto done = std::move(done_);
  if (done) done(std::nullopt);
}

}  // namespace lwm2m::sim
