// BootstrapServer against an in-process LwM2M client: two CoAP endpoints
// linked by in-memory transports, time moved by hand. The client records
// every bootstrap request it is sent and decodes the TLV writes.

#include "lwm2m/server/bootstrap_server.h"

#include <gtest/gtest.h>

#include "lwm2m/coap/manual_scheduler.h"
#include "lwm2m/formats/tlv.h"
#include "lwm2m/server/bootstrap_pack.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::server {
namespace {

using namespace std::chrono_literals;
using coap::testing::peerAt;

class BootstrapRecorder : public BootstrapListener {
 public:
  void onBootstrapStarted(std::string_view ep, const coap::Peer&) override {
    events.push_back("started " + std::string(ep));
  }
  void onBootstrapFinished(std::string_view ep, const coap::Peer&) override {
    events.push_back("finished " + std::string(ep));
  }
  void onBootstrapFailed(std::string_view ep, const coap::Peer&, std::string_view reason) override {
    events.push_back("failed " + std::string(ep) + ": " + std::string(reason));
  }
  void onBootstrapRead(std::string_view ep, std::string_view what, const std::vector<std::string>& accounts) override {
    std::string line = "read " + std::string(ep) + " " + std::string(what) + ":";
    for (const auto& a : accounts) line += " [" + a + "]";
    events.push_back(line);
  }
  std::vector<std::string> events;
};

class BootstrapServerTest : public ::testing::Test {
 protected:
  BootstrapServerTest()
      : serverTransport_(clock_, peerAt("127.0.0.1", 5783)),
        deviceTransport_(clock_, peerAt("127.0.0.1", 40000)),
        serverEndpoint_(serverTransport_, clock_, coap::TransmissionParameters{}, [this] { return ++counter_ * 2654435761u; }),
        deviceEndpoint_(deviceTransport_, clock_, coap::TransmissionParameters{}, [this] { return ++counter_ * 40503u; }),
        model_(model::ObjectModel::builtIn()),
        server_(serverEndpoint_, clock_, model_, BootstrapSettings{30s, 10},
                [this](std::string_view ep) { return configs_.find(ep); },
                [this](const ProvisionedPsk& psk) -> Result<void> {
                  if (storeFails_) return fail(ErrorCode::StoreFailed, "disk full");
                  stored_.push_back(psk);
                  return {};
                },
                [this](std::size_t n) {
                  model::Bytes bytes(n);
                  for (auto& b : bytes) b = static_cast<std::uint8_t>(++randomCounter_);
                  return bytes;
                }) {
    serverTransport_.linkTo(deviceTransport_);
    deviceTransport_.linkTo(serverTransport_);
    serverEndpoint_.start();
    deviceEndpoint_.start();
    serverEndpoint_.setRequestHandler([this](const coap::Peer& from, const coap::Message& request,
                                             coap::Endpoint::Responder respond) {
      server_.handle(from, request, respond);
    });
    deviceEndpoint_.setRequestHandler([this](const coap::Peer&, const coap::Message& request,
                                             coap::Endpoint::Responder respond) {
      onDeviceRequest(request, respond);
    });
    server_.addListener(&recorder_);
    configs_.add(defaultBootstrapConfig("coaps://127.0.0.1:5684", true, 120));
  }

  void onDeviceRequest(const coap::Message& request, const coap::Endpoint::Responder& respond) {
    std::string path;
    for (const auto& segment : request.uriPath()) path += "/" + segment;
    if (path.empty()) path = "/";
    std::string line = std::string(coap::codeName(request.code)) + " " + path;
    received_.push_back(line);
    if (auto it = answers_.find(line); it != answers_.end()) {
      if (it->second == coap::codes::Empty) return;  // never answers
      respond(coap::Message::response(request, it->second));
      return;
    }
    if (request.code == coap::codes::Put) {
      auto parsed = model::Path::parse(path);
      auto node = formats::TlvCodec().decode(request.payload, *parsed, formats::DecodeContext{model_});
      EXPECT_TRUE(node.ok()) << line;
      if (node && node->objectInstance()) written_.insert_or_assign(path, *node->objectInstance());
      respond(coap::Message::response(request, coap::codes::Changed));
      return;
    }
    if (request.code == coap::codes::Delete) {
      respond(coap::Message::response(request, coap::codes::Deleted));
      return;
    }
    if (request.code == coap::codes::Get && path == "/1") {
      // One server account, as a device provisioned earlier has it.
      model::ObjectInstance account(0, std::vector<model::Resource>{
          model::Resource::single(0, model::Value::integer(5)), model::Resource::single(1, model::Value::integer(86400)),
          model::Resource::single(7, model::Value::string("UQ"))});
      auto bytes = formats::TlvCodec().encode(model::Node(model::Object(1, std::vector{account})), model::Path(1), model_);
      auto response = coap::Message::response(request, coap::codes::Content);
      response.setContentFormat(11542);
      response.payload = std::move(bytes).value();
      respond(std::move(response));
      return;
    }
    if (request.code == coap::codes::Get) {
      auto response = coap::Message::response(request, coap::codes::Content);
      response.setContentFormat(40);
      response.setPayload("lwm2m=\"1.1\",</0/0>,</1>,</3/0>");
      respond(std::move(response));
      return;
    }
    respond(coap::Message::response(request, coap::codes::Changed));  // Bootstrap-Finish
  }

  // The device's Bootstrap-Request; returns the code of the server's answer.
  coap::Code bootstrapRequest(std::string_view query) {
    coap::Message request;
    request.code = coap::codes::Post;
    request.setUriPath("bs");
    if (!query.empty()) request.addUriQuery(query);
    coap::Code answer = coap::codes::Empty;
    deviceEndpoint_.sendRequest(serverTransport_.localEndpoint(), request,
                                [&answer](const coap::ResponseResult& r) { answer = r.response.code; });
    for (int i = 0; i < 50; ++i) clock_.runDue();
    return answer;
  }

  // The device's Bootstrap-Pack-Request; returns the server's answer.
  coap::Message packRequest(std::string_view query, std::optional<std::uint16_t> accept,
                            coap::Code method = coap::codes::Get) {
    coap::Message request;
    request.code = method;
    request.setUriPath("bspack");
    if (!query.empty()) request.addUriQuery(query);
    if (accept) request.setAccept(*accept);
    coap::Message answer;
    deviceEndpoint_.sendRequest(serverTransport_.localEndpoint(), request,
                                [&answer](const coap::ResponseResult& r) { answer = r.response; });
    for (int i = 0; i < 50; ++i) clock_.runDue();
    return answer;
  }

  const model::Value* resource(const std::string& instance, model::ResourceId id) {
    auto it = written_.find(instance);
    if (it == written_.end()) return nullptr;
    const model::Resource* r = it->second.resource(id);
    return r ? &r->value() : nullptr;
  }

  std::uint32_t counter_ = 0;
  std::uint8_t randomCounter_ = 0;
  coap::ManualScheduler clock_;
  coap::testing::FakeTransport serverTransport_;
  coap::testing::FakeTransport deviceTransport_;
  coap::Endpoint serverEndpoint_;
  coap::Endpoint deviceEndpoint_;
  model::ObjectModel model_;
  BootstrapConfigs configs_;
  bool storeFails_ = false;
  std::vector<ProvisionedPsk> stored_;
  BootstrapServer server_;
  BootstrapRecorder recorder_;
  std::vector<std::string> received_;
  std::map<std::string, coap::Code> answers_;
  std::map<std::string, model::ObjectInstance> written_;
};

TEST_F(BootstrapServerTest, ProvisionsGatewayAccountWithGeneratedPskThenFinishes) {
  EXPECT_EQ(bootstrapRequest("ep=sensor-1"), coap::codes::Changed);
  EXPECT_EQ(received_, (std::vector<std::string>{"delete /0", "delete /1", "put /0/1", "put /1/0", "post /bs"}));
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{"started sensor-1", "finished sensor-1"}));

  ASSERT_NE(resource("/0/1", 0), nullptr);
  EXPECT_EQ(resource("/0/1", 0)->asString(), "coaps://127.0.0.1:5684");
  EXPECT_EQ(resource("/0/1", 1)->asBoolean(), false);
  EXPECT_EQ(resource("/0/1", 2)->asInteger(), 0);  // PSK
  EXPECT_EQ(resource("/0/1", 10)->asInteger(), 1);
  EXPECT_EQ(resource("/1/0", 0)->asInteger(), 1);
  EXPECT_EQ(resource("/1/0", 1)->asInteger(), 120);
  EXPECT_EQ(resource("/1/0", 7)->asString(), "U");

  // The credentials the device got are the ones stored, and were stored.
  ASSERT_EQ(stored_.size(), 1u);
  EXPECT_EQ(stored_[0].endpoint, "sensor-1");
  const auto& identity = resource("/0/1", 3)->asOpaque();
  EXPECT_EQ(std::string(identity.begin(), identity.end()), stored_[0].identity);
  EXPECT_EQ(stored_[0].identity.rfind("sensor-1-", 0), 0u);
  EXPECT_EQ(resource("/0/1", 5)->asOpaque(), stored_[0].key);
  EXPECT_EQ(stored_[0].key.size(), 16u);
  EXPECT_EQ(server_.runningSessions(), 0u);
}

TEST_F(BootstrapServerTest, PerEndpointConfigurationWinsOverDefaultAndWritesAcl) {
  BootstrapConfig config;
  config.endpoint = "meter-7";
  config.discover = true;
  config.deleteExisting = false;
  SecurityInstance security;
  security.instance = 2;
  security.serverUri = "coap://192.0.2.5:5683";
  security.shortServerId = 9;
  config.security.push_back(security);
  config.servers.push_back(ServerInstance{3, 9, 600, false, "UQ"});
  config.acls.push_back(AclInstance{0, 3, 0, {{9, 15}}, 9});
  configs_.add(config);

  EXPECT_EQ(bootstrapRequest("ep=meter-7"), coap::codes::Changed);
  EXPECT_EQ(received_, (std::vector<std::string>{"get /", "put /0/2", "put /1/3", "put /2/0", "post /bs"}));
  EXPECT_EQ(resource("/0/2", 2)->asInteger(), 3);  // NoSec
  EXPECT_EQ(resource("/1/3", 7)->asString(), "UQ");
  EXPECT_EQ(resource("/2/0", 0)->asInteger(), 3);
  EXPECT_TRUE(stored_.empty());
  EXPECT_EQ(recorder_.events.back(), "finished meter-7");
}

TEST_F(BootstrapServerTest, RequestWithoutEndpointNameIsRefused) {
  EXPECT_EQ(bootstrapRequest("pct=11542"), coap::codes::BadRequest);
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{"failed : Bootstrap-Request without ep"}));
}

TEST_F(BootstrapServerTest, EndpointWithoutConfigurationIsRefusedWithReason) {
  BootstrapConfigs only;
  BootstrapConfig config = defaultBootstrapConfig("coap://127.0.0.1:5683", false, 60);
  config.endpoint = "known";
  only.add(config);
  configs_ = only;
  EXPECT_EQ(bootstrapRequest("ep=stranger"), coap::codes::NotFound);
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(recorder_.events,
            (std::vector<std::string>{"failed stranger: no bootstrap configuration for this endpoint"}));
}

TEST_F(BootstrapServerTest, DeviceRefusingAWriteFailsTheSessionWithStepAndCode) {
  answers_["put /1/0"] = coap::codes::BadRequest;
  EXPECT_EQ(bootstrapRequest("ep=sensor-1"), coap::codes::Changed);
  EXPECT_EQ(received_.back(), "put /1/0");
  EXPECT_EQ(recorder_.events,
            (std::vector<std::string>{"started sensor-1", "failed sensor-1: Bootstrap-Write /1/0: device answered 4.00"}));
  EXPECT_TRUE(stored_.empty());  // never finished: nothing stored
}

TEST_F(BootstrapServerTest, DeleteOfAnAbsentObjectIsNotAFailure) {
  answers_["delete /1"] = coap::codes::NotFound;
  EXPECT_EQ(bootstrapRequest("ep=sensor-1"), coap::codes::Changed);
  EXPECT_EQ(recorder_.events.back(), "finished sensor-1");
}

TEST_F(BootstrapServerTest, CredentialsStoreFailureStopsBeforeFinish) {
  storeFails_ = true;
  EXPECT_EQ(bootstrapRequest("ep=sensor-1"), coap::codes::Changed);
  EXPECT_EQ(received_.back(), "put /1/0");  // Finish never sent
  EXPECT_EQ(recorder_.events.back(), "failed sensor-1: storing the generated credentials failed: disk full");
}

TEST_F(BootstrapServerTest, SilentDeviceTimesOutWithReason) {
  answers_["put /0/1"] = coap::codes::Empty;  // the device acknowledges nothing... it never answers
  EXPECT_EQ(bootstrapRequest("ep=sensor-1"), coap::codes::Changed);
  clock_.advance(31s);
  for (int i = 0; i < 10; ++i) clock_.runDue();
  ASSERT_EQ(recorder_.events.size(), 2u);
  EXPECT_EQ(recorder_.events[1].rfind("failed sensor-1: ", 0), 0u) << recorder_.events[1];
  EXPECT_EQ(server_.runningSessions(), 0u);
}

TEST_F(BootstrapServerTest, RetriedRequestRestartsWithTheSameCredentials) {
  answers_["post /bs"] = coap::codes::Empty;  // Finish goes unanswered for now
  EXPECT_EQ(bootstrapRequest("ep=sensor-1"), coap::codes::Changed);
  auto firstKey = resource("/0/1", 5)->asOpaque();
  ASSERT_EQ(stored_.size(), 1u);

  answers_.clear();
  received_.clear();
  EXPECT_EQ(bootstrapRequest("ep=sensor-1"), coap::codes::Changed);
  EXPECT_EQ(received_, (std::vector<std::string>{"delete /0", "delete /1", "put /0/1", "put /1/0", "post /bs"}));
  EXPECT_EQ(resource("/0/1", 5)->asOpaque(), firstKey);
  ASSERT_EQ(stored_.size(), 2u);
  EXPECT_EQ(stored_[1].key, firstKey);
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{"started sensor-1", "finished sensor-1"}));
}

TEST_F(BootstrapServerTest, WrongMethodOrPathIsRefused) {
  coap::Message get;
  get.code = coap::codes::Get;
  get.setUriPath("bs");
  coap::Code answer;
  server_.handle(peerAt("127.0.0.1", 40000), get, [&](coap::Message r) { answer = r.code; });
  EXPECT_EQ(answer, coap::codes::MethodNotAllowed);
  EXPECT_TRUE(recorder_.events.empty());
}

// Refuses every endpoint but "allowed", naming why.
class OnlyAllowed : public RegistrationAuthorizer {
 public:
  std::optional<std::string> refusal(const coap::Peer&, std::string_view endpoint) const override {
    if (endpoint == "allowed") return std::nullopt;
    return "psk identity 'x' belongs to endpoint 'allowed'";
  }
};

TEST_F(BootstrapServerTest, RequestTheAuthorizerRefusesIsAnswered403WithoutProvisioning) {
  OnlyAllowed authorizer;
  server_.setAuthorizer(&authorizer);
  EXPECT_EQ(bootstrapRequest("ep=intruder"), coap::codes::Forbidden);
  EXPECT_TRUE(received_.empty());
  EXPECT_TRUE(stored_.empty());
  EXPECT_EQ(recorder_.events,
            (std::vector<std::string>{"failed intruder: refused: psk identity 'x' belongs to endpoint 'allowed'"}));

  recorder_.events.clear();
  EXPECT_EQ(bootstrapRequest("ep=allowed"), coap::codes::Changed);
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{"started allowed", "finished allowed"}));
}

TEST_F(BootstrapServerTest, BootstrapReadReportsTheDevicesServerAccountsBeforeDeleting) {
  auto config = defaultBootstrapConfig("coaps://127.0.0.1:5684", true, 120);
  config.endpoint = "reader";
  config.readServers = true;
  configs_.add(config);
  EXPECT_EQ(bootstrapRequest("ep=reader"), coap::codes::Changed);
  ASSERT_GE(received_.size(), 2u);
  EXPECT_EQ(received_[0], "get /1");
  EXPECT_EQ(received_[1], "delete /0");
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{
                                  "started reader",
                                  "read reader Bootstrap-Read /1: [/1/0: short server id 5, lifetime 86400 s, binding UQ]",
                                  "finished reader"}));
}

TEST_F(BootstrapServerTest, BootstrapReadRefusedByTheDeviceDoesNotFailTheBootstrap) {
  auto config = defaultBootstrapConfig("coaps://127.0.0.1:5684", true, 120);
  config.endpoint = "old";
  config.readServers = true;
  configs_.add(config);
  answers_["get /1"] = coap::codes::MethodNotAllowed;  // a LwM2M 1.0 device
  EXPECT_EQ(bootstrapRequest("ep=old"), coap::codes::Changed);
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{"started old",
                                                        "read old Bootstrap-Read /1: [device answered 4.05]",
                                                        "finished old"}));
}

// ---- Bootstrap-Pack (LwM2M 1.2) ----

TEST_F(BootstrapServerTest, PackCarriesTheWholeConfigurationWithTheStoredCredentials) {
  auto answer = packRequest("ep=sensor-9", 112);
  ASSERT_EQ(answer.code, coap::codes::Content);
  EXPECT_EQ(answer.contentFormat(), std::optional<std::uint16_t>(112));
  EXPECT_TRUE(received_.empty()) << "no request goes to the device";
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{"started sensor-9", "finished sensor-9"}));

  auto pack = decodeBootstrapPack(answer.payload, 112, model_);
  ASSERT_TRUE(pack.ok()) << pack.error().message;
  const model::ObjectInstance& security = pack->objects.at(0).at(1);
  EXPECT_EQ(security.resource(0)->value().asString(), "coaps://127.0.0.1:5684");
  EXPECT_EQ(security.resource(2)->value().asInteger(), 0);  // PSK
  EXPECT_EQ(pack->objects.at(1).at(0).resource(1)->value().asInteger(), 120);
  ASSERT_EQ(stored_.size(), 1u);
  const auto& identity = security.resource(3)->value().asOpaque();
  EXPECT_EQ(std::string(identity.begin(), identity.end()), stored_[0].identity);
  EXPECT_EQ(stored_[0].identity.rfind("sensor-9-", 0), 0u);
  EXPECT_EQ(security.resource(5)->value().asOpaque(), stored_[0].key);

  // Each pack is a new bootstrap: new credentials.
  auto again = packRequest("ep=sensor-9", 110);
  ASSERT_EQ(again.code, coap::codes::Content);
  ASSERT_EQ(stored_.size(), 2u);
  EXPECT_NE(stored_[1].identity, stored_[0].identity);
}

TEST_F(BootstrapServerTest, PackWithoutAcceptIsSenmlCborAndAnUnsuitableAcceptIs406) {
  auto answer = packRequest("ep=dev", std::nullopt);
  ASSERT_EQ(answer.code, coap::codes::Content);
  EXPECT_EQ(answer.contentFormat(), std::optional<std::uint16_t>(112));

  recorder_.events.clear();
  stored_.clear();
  auto tlv = packRequest("ep=dev", 11542);
  EXPECT_EQ(tlv.code, coap::codes::NotAcceptable);
  EXPECT_NE(tlv.payloadString().find("not 11542 (LwM2M TLV)"), std::string::npos) << tlv.payloadString();
  EXPECT_TRUE(stored_.empty());
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(recorder_.events[0].rfind("failed dev: Bootstrap-Pack is sent as SenML CBOR", 0), 0u)
      << recorder_.events[0];
}

TEST_F(BootstrapServerTest, PackRefusalsMatchBootstrapRequest) {
  EXPECT_EQ(packRequest("", 112).code, coap::codes::BadRequest);
  EXPECT_EQ(packRequest("ep=dev", 112, coap::codes::Post).code, coap::codes::MethodNotAllowed);

  BootstrapConfigs only;
  BootstrapConfig config = defaultBootstrapConfig("coap://127.0.0.1:5683", false, 60);
  config.endpoint = "known";
  only.add(config);
  configs_ = only;
  recorder_.events.clear();
  auto unknown = packRequest("ep=stranger", 112);
  EXPECT_EQ(unknown.code, coap::codes::NotFound);
  EXPECT_EQ(unknown.payloadString(), "no bootstrap configuration for this endpoint");
  EXPECT_EQ(recorder_.events,
            (std::vector<std::string>{"failed stranger: no bootstrap configuration for this endpoint"}));

  OnlyAllowed authorizer;
  server_.setAuthorizer(&authorizer);
  recorder_.events.clear();
  EXPECT_EQ(packRequest("ep=known", 112).code, coap::codes::Forbidden);
  EXPECT_EQ(recorder_.events,
            (std::vector<std::string>{"failed known: refused: psk identity 'x' belongs to endpoint 'allowed'"}));
}

TEST_F(BootstrapServerTest, PackIsNotSentWhenTheCredentialsCannotBeStored) {
  storeFails_ = true;
  auto answer = packRequest("ep=dev", 112);
  EXPECT_EQ(answer.code, coap::codes::InternalServerError);
  EXPECT_TRUE(answer.payload.empty());
  EXPECT_EQ(recorder_.events,
            (std::vector<std::string>{"failed dev: storing the generated credentials failed: disk full"}));
}

TEST_F(BootstrapServerTest, PackReplacesARunningBootstrapSession) {
  answers_["post /bs"] = coap::codes::Empty;  // the device never acknowledges Finish
  EXPECT_EQ(bootstrapRequest("ep=dev"), coap::codes::Changed);
  EXPECT_EQ(server_.runningSessions(), 1u);
  EXPECT_EQ(packRequest("ep=dev", 112).code, coap::codes::Content);
  EXPECT_EQ(server_.runningSessions(), 0u);
  EXPECT_EQ(recorder_.events, (std::vector<std::string>{"started dev", "failed dev: replaced by a Bootstrap-Pack-Request",
                                                        "started dev", "finished dev"}));
}

}  // namespace
}  // namespace lwm2m::server
