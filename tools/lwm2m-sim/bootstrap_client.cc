#include "tools/lwm2m-sim/bootstrap_client.h"

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

}  // namespace

BootstrapClient::BootstrapClient(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                 const coap::Peer& bootstrapServer, const coap::Peer& bindTo, std::string endpoint,
                                 EventLog& log, std::function<std::uint32_t()> random,
                                 std::function<void(std::optional<ProvisionedAccount>)> done)
    : scheduler_(scheduler),
      bootstrapServer_(bootstrapServer),
      endpoint_(std::move(endpoint)),
      log_(log),
      done_(std::move(done)),
      model_(model::ObjectModel::builtIn()),
      transport_(io, bindTo),
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
  if (request.code == coap::codes::Get && path.empty()) {
    auto response = coap::Message::response(request, coap::codes::Content);
    response.setContentFormat(40);
    std::string links = "lwm2m=\"1.1\"";
    for (const auto& [id, instance] : security_) links += ",</0/" + std::to_string(id) + ">";
    for (const auto& [id, instance] : servers_) links += ",</1/" + std::to_string(id) + ">";
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
    log_.activity("bootstrap-write", endpoint_, parsed->toString());
    answer(coap::codes::Changed);
    return;
  }
  answer(coap::codes::MethodNotAllowed);
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
