#include "lwm2m/server/bootstrap_server.h"

#include <utility>

#include "lwm2m/formats/tlv.h"

namespace lwm2m::server {
namespace {

constexpr std::uint16_t kTlv = 11542;
constexpr std::uint16_t kLinkFormat = 40;
constexpr std::size_t kPskKeyBytes = 16;
constexpr std::size_t kPskIdentityBytes = 8;

std::string hex(const model::Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (auto b : bytes) {
    text.push_back(kDigits[b >> 4]);
    text.push_back(kDigits[b & 0x0f]);
  }
  return text;
}

std::optional<std::string> queryValue(const coap::Message& request, std::string_view key) {
  for (const auto& query : request.uriQuery()) {
    if (query.size() > key.size() && query.compare(0, key.size(), key) == 0 && query[key.size()] == '=') {
      return query.substr(key.size() + 1);
    }
  }
  return std::nullopt;
}

model::ObjectInstance securityNode(const SecurityInstance& s) {
  using model::Resource;
  using model::Value;
  std::vector<Resource> resources{
      Resource::single(0, Value::string(s.serverUri)),
      Resource::single(1, Value::boolean(s.bootstrapServer)),
      Resource::single(2, Value::integer(static_cast<std::int64_t>(s.mode))),
      Resource::single(3, Value::opaque(model::Bytes(s.pskIdentity.begin(), s.pskIdentity.end()))),
      Resource::single(4, Value::opaque({})),
      Resource::single(5, Value::opaque(s.mode == SecurityMode::Psk ? s.pskKey : model::Bytes{})),
  };
  if (!s.bootstrapServer) resources.push_back(Resource::single(10, Value::integer(s.shortServerId)));
  return model::ObjectInstance(s.instance, std::move(resources));
}

model::ObjectInstance serverNode(const ServerInstance& s) {
  using model::Resource;
  using model::Value;
  return model::ObjectInstance(s.instance, std::vector<Resource>{
      Resource::single(0, Value::integer(s.shortServerId)),
      Resource::single(1, Value::integer(s.lifetime)),
      Resource::single(6, Value::boolean(s.notificationStoring)),
      Resource::single(7, Value::string(s.binding)),
  });
}

model::ObjectInstance aclNode(const AclInstance& a) {
  using model::Resource;
  using model::Value;
  std::map<model::ResourceInstanceId, Value> rights;
  for (auto [ssid, bits] : a.rights) rights.emplace(ssid, Value::integer(bits));
  return model::ObjectInstance(a.instance, std::vector<Resource>{
      Resource::single(0, Value::integer(a.objectId)),
      Resource::single(1, Value::integer(a.objectInstanceId)),
      Resource::multiple(2, model::DataType::Integer, std::move(rights)),
      Resource::single(3, Value::integer(a.owner)),
  });
}

}  // namespace

struct BootstrapServer::Step {
  std::string what;  // "Bootstrap-Write /0/1": for reasons and logs
  coap::Message request;
  bool storeCredentialsFirst = false;
  bool read = false;  // Bootstrap-Read: the answer is reported, an error does not fail
};

struct BootstrapServer::Session {
  std::string endpoint;
  coap::Peer peer;
  BootstrapConfig config;  // generated credentials filled in
  std::vector<Step> steps;
  std::size_t next = 0;
  std::uint64_t generation = 0;  // answers of an earlier run of this session are ignored
  coap::Endpoint::RequestId inFlight = 0;
  bool requestPending = false;
  coap::Scheduler::TimerId timeout = 0;
};

BootstrapServer::BootstrapServer(coap::Endpoint& endpoint, coap::Scheduler& scheduler,
                                 const model::ObjectModel& model, BootstrapSettings settings,
                                 ConfigLookup configs, CredentialsSink credentials, RandomBytes random)
    : endpoint_(endpoint),
      scheduler_(scheduler),
      model_(model),
      settings_(settings),
      configs_(std::move(configs)),
      credentials_(std::move(credentials)),
      random_(std::move(random)) {}

BootstrapServer::~BootstrapServer() {
  for (auto& [name, session] : sessions_) {
    scheduler_.cancel(session->timeout);
    if (session->requestPending) endpoint_.cancelRequest(session->inFlight);
  }
}

void BootstrapServer::addListener(BootstrapListener* listener) { listeners_.push_back(listener); }

void BootstrapServer::handle(const coap::Peer& from, const coap::Message& request,
                             const coap::Endpoint::Responder& respond) {
  auto path = request.uriPath();
  if (path.size() != 1 || path[0] != "bs") {
    respond(coap::Message::response(request, coap::codes::NotFound));
    return;
  }
  if (request.code != coap::codes::Post) {
    respond(coap::Message::response(request, coap::codes::MethodNotAllowed));
    return;
  }
  auto name = queryValue(request, "ep");
  if (!name || name->empty()) {
    auto response = coap::Message::response(request, coap::codes::BadRequest);
    response.setPayload("Bootstrap-Request without ep");
    respond(std::move(response));
    for (auto* l : listeners_) l->onBootstrapFailed("", from, "Bootstrap-Request without ep");
    return;
  }
  if (auto refused = authorizer_ ? authorizer_->refusal(from, *name) : std::nullopt) {
    respond(coap::Message::response(request, coap::codes::Forbidden));
    for (auto* l : listeners_) l->onBootstrapFailed(*name, from, "refused: " + *refused);
    return;
  }
  // A pct (preferred content format) is not followed: the writes are TLV,
  // which every LwM2M 1.0/1.1 client must accept.
  if (auto it = sessions_.find(*name); it != sessions_.end()) {
    // A retry: the device did not get our 2.04 or restarted. Same values again.
    Session& session = *it->second;
    respond(coap::Message::response(request, coap::codes::Changed));
    session.peer = from;
    start(session);
    return;
  }
  const BootstrapConfig* config = configs_ ? configs_(*name) : nullptr;
  if (!config) {
    auto response = coap::Message::response(request, coap::codes::NotFound);
    response.setPayload("no bootstrap configuration for this endpoint");
    respond(std::move(response));
    for (auto* l : listeners_) l->onBootstrapFailed(*name, from, "no bootstrap configuration for this endpoint");
    return;
  }
  if (sessions_.size() >= settings_.maxSessions) {
    respond(coap::Message::response(request, coap::codes::ServiceUnavailable));
    for (auto* l : listeners_) l->onBootstrapFailed(*name, from, "too many bootstrap sessions running");
    return;
  }
  auto session = std::make_unique<Session>();
  session->endpoint = *name;
  session->peer = from;
  auto filled = withCredentials(*config, *name);
  if (filled) session->config = std::move(filled).value();
  auto steps = filled ? plan(*session) : Result<std::vector<Step>>(filled.error());
  if (!steps) {
    auto response = coap::Message::response(request, coap::codes::InternalServerError);
    respond(std::move(response));
    for (auto* l : listeners_) l->onBootstrapFailed(*name, from, steps.error().message);
    return;
  }
  session->steps = std::move(steps).value();
  Session& ref = *session;
  sessions_.emplace(*name, std::move(session));
  respond(coap::Message::response(request, coap::codes::Changed));
  ref.timeout = scheduler_.schedule(settings_.sessionTimeout, [this, ep = ref.endpoint] {
    if (auto it = sessions_.find(ep); it != sessions_.end()) {
      it->second->timeout = 0;
      failSession(ep, "bootstrap did not finish within " + std::to_string(settings_.sessionTimeout.count()) + " s");
    }
  });
  for (auto* l : listeners_) l->onBootstrapStarted(ref.endpoint, from);
  start(ref);
}

Result<BootstrapConfig> BootstrapServer::withCredentials(const BootstrapConfig& config,
                                                         std::string_view endpoint) {
  BootstrapConfig filled = config;
  for (auto& security : filled.security) {
    if (!security.generatePsk) continue;
    auto identity = random_(kPskIdentityBytes);
    auto key = random_(kPskKeyBytes);
    if (identity.size() != kPskIdentityBytes || key.size() != kPskKeyBytes) {
      return fail(ErrorCode::Unavailable, "no random bytes for new PSK credentials");
    }
    security.mode = SecurityMode::Psk;
    security.pskIdentity = std::string(endpoint) + "-" + hex(identity);
    security.pskKey = std::move(key);
  }
  return filled;
}

Result<std::vector<BootstrapServer::Step>> BootstrapServer::plan(const Session& session) const {
  std::vector<Step> steps;
  const BootstrapConfig& config = session.config;
  if (config.discover) {
    Step step{"Bootstrap-Discover /", {}, false};
    step.request.code = coap::codes::Get;
    step.request.setAccept(kLinkFormat);
    steps.push_back(std::move(step));
  }
  if (config.readServers) {
    Step step{"Bootstrap-Read /1", {}, false, true};
    step.request.code = coap::codes::Get;
    step.request.setUriPath("/1");
    step.request.setAccept(kTlv);
    steps.push_back(std::move(step));
  }
  if (config.deleteExisting) {
    for (const char* object : {"/0", "/1"}) {
      Step step{std::string("Bootstrap-Delete ") + object, {}, false};
      step.request.code = coap::codes::Delete;
      step.request.setUriPath(object);
      steps.push_back(std::move(step));
    }
  }
  formats::TlvCodec tlv;
  auto addWrite = [&](model::ObjectId object, const model::ObjectInstance& node) -> Result<void> {
    model::Path path(object, node.id());
    auto bytes = tlv.encode(model::Node(node), path, model_);
    if (!bytes) return fail("Bootstrap-Write " + path.toString() + ": " + bytes.error().message);
    Step step{"Bootstrap-Write " + path.toString(), {}, false};
    step.request.code = coap::codes::Put;
    step.request.setUriPath(path.toString());
    step.request.setContentFormat(kTlv);
    step.request.payload = std::move(bytes).value();
    steps.push_back(std::move(step));
    return {};
  };
  for (const auto& s : config.security) {
    if (auto r = addWrite(0, securityNode(s)); !r) return r.error();
  }
  for (const auto& s : config.servers) {
    if (auto r = addWrite(1, serverNode(s)); !r) return r.error();
  }
  for (const auto& a : config.acls) {
    if (auto r = addWrite(2, aclNode(a)); !r) return r.error();
  }
  Step finish{"Bootstrap-Finish", {}, true};
  finish.request.code = coap::codes::Post;
  finish.request.setUriPath("bs");
  steps.push_back(std::move(finish));
  return steps;
}

void BootstrapServer::start(Session& session) {
  if (session.requestPending) endpoint_.cancelRequest(session.inFlight);
  session.requestPending = false;
  session.next = 0;
  session.generation = ++generations_;
  sendStep(session.endpoint);
}

void BootstrapServer::sendStep(const std::string& name) {
  auto it = sessions_.find(name);
  if (it == sessions_.end()) return;
  Session& session = *it->second;
  Step& step = session.steps.at(session.next);
  if (step.storeCredentialsFirst && credentials_) {
    for (const auto& security : session.config.security) {
      if (!security.generatePsk) continue;
      auto stored = credentials_(ProvisionedPsk{session.endpoint, security.pskIdentity, security.pskKey});
      if (!stored) {
        failSession(name, "storing the generated credentials failed: " + stored.error().message);
        return;
      }
    }
  }
  std::uint64_t generation = session.generation;
  session.requestPending = true;
  session.inFlight = endpoint_.sendRequest(
      session.peer, step.request,
      [this, name, generation](const coap::ResponseResult& result) { onStepAnswered(name, generation, result); });
}

void BootstrapServer::onStepAnswered(const std::string& name, std::uint64_t generation,
                                     const coap::ResponseResult& result) {
  auto it = sessions_.find(name);
  if (it == sessions_.end() || it->second->generation != generation) return;
  Session& session = *it->second;
  session.requestPending = false;
  const Step& step = session.steps.at(session.next);
  if (result.status == coap::RequestStatus::Cancelled) return;
  if (result.status != coap::RequestStatus::Ok) {
    failSession(name, step.what + ": " + std::string(coap::requestStatusName(result.status)));
    return;
  }
  const coap::Code code = result.response.code;
  if (step.read) {
    auto accounts = code.isSuccess() ? serverAccounts(result.response)
                                     : Result<std::vector<std::string>>(fail("device answered " + code.toString()));
    for (auto* l : listeners_) {
      l->onBootstrapRead(name, step.what, accounts ? *accounts : std::vector<std::string>{accounts.error().message});
    }
  }
  // Deleting an object the device does not have (4.04) leaves it as wanted.
  bool deleteOfNothing = step.request.code == coap::codes::Delete && code == coap::codes::NotFound;
  if (!code.isSuccess() && !deleteOfNothing && !step.read) {
    std::string reason = step.what + ": device answered " + code.toString();
    if (!result.response.payload.empty() && result.response.payload.size() <= 120) {
      reason += " (" + result.response.payloadString() + ")";
    }
    failSession(name, reason);
    return;
  }
  if (++session.next == session.steps.size()) {
    finish(name);
    return;
  }
  sendStep(name);
}

// The Server (/1) instances of a Bootstrap-Read answer, one line each.
Result<std::vector<std::string>> BootstrapServer::serverAccounts(const coap::Message& response) const {
  auto node = formats::TlvCodec().decode(response.payload, model::Path(1), formats::DecodeContext{model_});
  if (!node) return fail("unreadable answer: " + node.error().message);
  std::vector<std::string> accounts;
  auto describe = [&](const model::ObjectInstance& instance) {
    auto number = [&](model::ResourceId id) -> std::string {
      const model::Resource* r = instance.resource(id);
      if (!r || r->isMultiple()) return "?";
      const model::Value& v = r->value();
      if (v.type() == model::DataType::Integer) return std::to_string(v.asInteger());
      if (v.type() == model::DataType::UnsignedInteger) return std::to_string(v.asUnsigned());
      return "?";
    };
    const model::Resource* binding = instance.resource(7);
    std::string text = "/1/" + std::to_string(instance.id()) + ": short server id " + number(0) + ", lifetime " +
                       number(1) + " s";
    if (binding && !binding->isMultiple() && binding->value().type() == model::DataType::String) {
      text += ", binding " + binding->value().asString();
    }
    accounts.push_back(std::move(text));
  };
  if (const auto* object = node->object()) {
    for (const auto& [id, instance] : object->instances()) describe(instance);
  } else if (const auto* instance = node->objectInstance()) {
    describe(*instance);
  }
  return accounts;
}

void BootstrapServer::finish(const std::string& name) {
  auto it = sessions_.find(name);
  if (it == sessions_.end()) return;
  auto session = std::move(it->second);
  sessions_.erase(it);
  scheduler_.cancel(session->timeout);
  for (auto* l : listeners_) l->onBootstrapFinished(session->endpoint, session->peer);
}

void BootstrapServer::failSession(const std::string& name, const std::string& reason) {
  auto it = sessions_.find(name);
  if (it == sessions_.end()) return;
  auto session = std::move(it->second);
  sessions_.erase(it);
  scheduler_.cancel(session->timeout);
  if (session->requestPending) endpoint_.cancelRequest(session->inFlight);
  for (auto* l : listeners_) l->onBootstrapFailed(session->endpoint, session->peer, reason);
}

}  // namespace lwm2m::server
