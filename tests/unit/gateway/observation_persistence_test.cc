// Observations kept in a real SQLite database across a "restart": the LwM2M
// server of the first life observes a device over an in-memory transport, a
// second server on the same database file restores them, and the device's
// next notification (same token) is recognised there.

#include "gateway/core/observation_persistence.h"

#include <gtest/gtest.h>

#include "gateway/core/registration_persistence.h"
#include "lwm2m/coap/manual_scheduler.h"
#include "lwm2m/server/request_sender.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;
using coap::testing::peerAt;
using model::Path;
using persistence::testing::completed;
using persistence::testing::openOrFail;
using persistence::testing::TempDir;
using operations::DeviceRequest;
using operations::DeviceResponse;

class Notifications : public server::NotificationListener {
 public:
  void onNotification(const server::NotificationEvent& e) override { events.push_back(e); }
  void onObservationEnded(const std::string&, const std::vector<Path>&, const std::string&) override {}
  std::vector<server::NotificationEvent> events;
};

// One run of the gateway's LwM2M server with its persistence listeners, as
// gateway.cc wires them.
struct ServerLife {
  explicit ServerLife(persistence::Database& db)
      : transport(clock, peerAt("10.0.0.1", 5683)),
        endpoint(transport, clock, coap::TransmissionParameters{}, [this] { return ++counter * 2654435761u; }),
        rd(clock, server::RegistrationSettings{}, [this] { return ++counter * 40503u; }),
        observations(endpoint, clock, rd, model),
        sender(endpoint, clock, rd, observations, model, [this] { return ++counter * 7919u; }),
        registrationPersistence(db.registrations(), clock),
        observationPersistence(db.observations(), clock) {}

  // Restores what the database holds, then listens, as at start-up.
  // `beforeObservations` runs between the two restores.
  ObservationPersistence::Restored start(const std::function<void()>& beforeObservations = {}) {
    auto registrations = registrationPersistence.restoreInto(rd);
    EXPECT_TRUE(registrations);
    if (beforeObservations) beforeObservations();
    auto restored = observationPersistence.restoreInto(observations, rd.registrations());
    EXPECT_TRUE(restored);
    endpoint.start();
    rd.addListener(&registrationPersistence);
    rd.addListener(&observations);
    observations.addListener(&notifications);
    observations.addObservationListener(&observationPersistence);
    return restored ? *restored : ObservationPersistence::Restored{};
  }

  void registerDevice(const std::string& ep) {
    coap::Message m;
    m.code = coap::codes::Post;
    m.messageId = static_cast<std::uint16_t>(++counter);
    m.setUriPath("rd");
    m.addUriQuery("ep=" + ep);
    m.addUriQuery("lwm2m=1.1");
    m.setPayload("</>;rt=\"oma.lwm2m\";ct=110,</3/0>,</3303/0>");
    rd.handle(device, m, [](coap::Message) {});
    clock.runDue();
  }

  // Sends `request`; the device accepts with Observe=1. Returns the token.
  server::Token observe(const std::string& ep, DeviceRequest request) {
    const bool composite = request.operation == operations::Operation::ObserveComposite;
    std::optional<DeviceResponse> out;
    sender.send(ep, std::move(request), [&out](DeviceResponse r) { out = std::move(r); });
    const coap::Message sent = transport.sent.back().message();
    coap::Message ack;
    ack.type = coap::MessageType::Acknowledgement;
    ack.messageId = sent.messageId;
    ack.token = sent.token;
    ack.code = coap::codes::Content;
    ack.setContentFormat(formats::kSenmlJson);
    ack.setObserve(1);
    ack.setPayload(composite ? R"([{"n":"/3303/0/5700","v":20.5},{"n":"/3/0/9","v":80}])"
                             : R"([{"bn":"/3303/0/5700","v":20.5}])");
    transport.inject(device, ack);
    clock.runDue();
    EXPECT_TRUE(out && out->ok()) << (out ? out->reason : "no answer");
    return sent.token;
  }

  void notify(const server::Token& token, std::uint32_t sequence, const std::string& body) {
    coap::Message n;
    n.type = coap::MessageType::NonConfirmable;
    n.messageId = static_cast<std::uint16_t>(1000 + ++counter);
    n.token = token;
    n.code = coap::codes::Content;
    n.setObserve(sequence);
    n.setContentFormat(formats::kSenmlJson);
    n.setPayload(body);
    transport.inject(device, n);
    clock.runDue();
  }

  // De-registers `ep` with the server alone (no listener hears it yet at start-up).
  void forgetRegistration(const std::string& ep) {
    coap::Message bye;
    bye.code = coap::codes::Delete;
    bye.messageId = static_cast<std::uint16_t>(++counter);
    bye.setUriPath("rd/" + rd.registrations().findByEndpoint(ep)->id);
    rd.handle(device, bye, [](coap::Message) {});
    clock.runDue();
  }

  bool sentReset() const {
    for (const auto& d : transport.sent) {
      if (d.message().type == coap::MessageType::Reset) return true;
    }
    return false;
  }

  coap::ManualScheduler clock;
  std::uint32_t counter = 0;
  coap::testing::FakeTransport transport;
  coap::Endpoint endpoint;
  model::ModelSource model{model::ObjectModel::builtIn()};
  server::RegistrationInterface rd;
  server::ObservationRegistry observations;
  server::RequestSender sender;
  RegistrationPersistence registrationPersistence;
  ObservationPersistence observationPersistence;
  Notifications notifications;
  const coap::Peer device = peerAt("10.0.0.7", 40000);
};

class ObservationPersistenceTest : public ::testing::Test {
 protected:
  ObservationPersistenceTest() : db_(openOrFail(dir_.path())) {}

  // Waits until every write queued so far is committed (the writer keeps order).
  void flush() {
    ASSERT_TRUE(completed([&](auto done) { db_->observations().removeByToken({0xde, 0xad}, done); }));
  }
  std::vector<persistence::ObservationRecord> stored() {
    flush();
    return db_->observations().loadAll().value();
  }
  // Closes and opens the database file again, as a restarted gateway does.
  void reopen() {
    db_.reset();
    db_ = openOrFail(dir_.path());
  }

  TempDir dir_;
  std::unique_ptr<persistence::Database> db_;
};

TEST_F(ObservationPersistenceTest, AnObservationKeepsDeliveringAfterARestart) {
  server::Token token;
  std::string registrationId;
  {
    ServerLife first(*db_);
    first.start();
    first.registerDevice("boiler");
    registrationId = first.rd.registrations().findByEndpoint("boiler")->id;
    token = first.observe("boiler", DeviceRequest::observe(Path(3303, 0, 5700)));
    auto records = stored();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].endpoint, "boiler");
    EXPECT_EQ(records[0].registrationId, registrationId);
    EXPECT_EQ(server::Token(records[0].token.begin(), records[0].token.end()), token);
    EXPECT_EQ(records[0].paths, "/3303/0/5700");
    EXPECT_FALSE(records[0].composite);
    EXPECT_EQ(records[0].contentFormat, formats::kSenmlJson);  // the 1.1 client's ct=110
  }
  reopen();
  ServerLife second(*db_);
  auto restored = second.start();
  EXPECT_EQ(restored.observations, 1u);
  EXPECT_TRUE(restored.dropped.empty());
  EXPECT_EQ(second.observations.count("boiler"), 1u);
  second.notify(token, 40, R"([{"bn":"/3303/0/5700","v":19.5}])");
  ASSERT_EQ(second.notifications.events.size(), 1u);
  const auto& e = second.notifications.events[0];
  EXPECT_EQ(e.endpoint, "boiler");
  EXPECT_EQ(e.registrationId, registrationId);
  EXPECT_EQ(e.values.node->resource()->value(), model::Value::floating(19.5));
  EXPECT_FALSE(second.sentReset()) << "a restored token must not be answered RST";
  // Restoring wrote nothing new.
  EXPECT_EQ(stored().size(), 1u);
}

TEST_F(ObservationPersistenceTest, ACompositeObservationComesBackWithEveryPath) {
  server::Token token;
  {
    ServerLife first(*db_);
    first.start();
    first.registerDevice("boiler");
    token = first.observe("boiler", DeviceRequest::observeComposite({Path(3303, 0, 5700), Path(3, 0, 9)}));
    auto records = stored();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(records[0].composite);
  }
  reopen();
  ServerLife second(*db_);
  EXPECT_EQ(second.start().observations, 1u);
  second.notify(token, 5, R"([{"n":"/3303/0/5700","v":22},{"n":"/3/0/9","v":79}])");
  ASSERT_EQ(second.notifications.events.size(), 1u);
  EXPECT_TRUE(second.notifications.events[0].composite);
  EXPECT_EQ(second.notifications.events[0].values.nodes.at(Path(3, 0, 9)).resource()->value(),
            model::Value::integer(79));
}

TEST_F(ObservationPersistenceTest, CancelledEndedAndReplacedObservationsLeaveTheStore) {
  ServerLife life(*db_);
  life.start();
  life.registerDevice("boiler");
  // Replaced: one record, with the new token.
  life.observe("boiler", DeviceRequest::observe(Path(3303, 0, 5700)));
  const auto newer = life.observe("boiler", DeviceRequest::observe(Path(3303, 0, 5700)));
  auto records = stored();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(server::Token(records[0].token.begin(), records[0].token.end()), newer);
  // Passive cancel.
  EXPECT_TRUE(life.observations.forget("boiler", {Path(3303, 0, 5700)}));
  EXPECT_TRUE(stored().empty());
  // Active cancel.
  life.observe("boiler", DeviceRequest::observe(Path(3303, 0, 5700)));
  std::optional<DeviceResponse> out;
  life.sender.send("boiler", DeviceRequest::cancelObserve(Path(3303, 0, 5700)), [&](DeviceResponse r) { out = r; });
  EXPECT_TRUE(stored().empty());
  // The device ends it with an error notification.
  const auto ended = life.observe("boiler", DeviceRequest::observe(Path(3303, 0, 5700)));
  coap::Message error;
  error.type = coap::MessageType::NonConfirmable;
  error.messageId = 777;
  error.token = ended;
  error.code = coap::codes::NotFound;
  error.setObserve(9);
  life.transport.inject(life.device, error);
  life.clock.runDue();
  EXPECT_TRUE(stored().empty());
  // Re-registration ends every observation of the device.
  life.observe("boiler", DeviceRequest::observe(Path(3303, 0, 5700)));
  ASSERT_EQ(stored().size(), 1u);
  life.registerDevice("boiler");
  EXPECT_TRUE(stored().empty());
}

TEST_F(ObservationPersistenceTest, RecordsOfAGoneOrNewerRegistrationAreDroppedWithTheEndpointNamed) {
  {
    ServerLife first(*db_);
    first.start();
    first.registerDevice("boiler");
    first.registerDevice("heater");
    first.observe("boiler", DeviceRequest::observe(Path(3303, 0, 5700)));
    first.observe("heater", DeviceRequest::observe(Path(3303, 0, 5700)));
    stored();
  }
  // heater's stored observation belongs to an older registration than the
  // stored one (its re-registration was committed, the removal was not).
  auto registrations = db_->registrations().loadAll().value();
  ASSERT_EQ(registrations.size(), 2u);
  ASSERT_EQ(registrations[1].endpoint, "heater");
  registrations[1].registrationId = "newer-one";
  ASSERT_TRUE(completed([&](auto done) { db_->registrations().upsert(registrations[1], done); }));
  persistence::ObservationRecord current{"heater", {1, 2, 3}, "/3/0/9", "{}", formats::kSenmlJson, 0};
  current.registrationId = "newer-one";
  ASSERT_TRUE(completed([&](auto done) { db_->observations().put(current, done); }));
  reopen();
  ServerLife second(*db_);
  // boiler's registration is gone by the time observations are restored.
  auto restored = second.start([&] { second.forgetRegistration("boiler"); });
  EXPECT_EQ(restored.observations, 1u);  // heater's observation of the current registration
  ASSERT_EQ(restored.dropped.size(), 2u);
  EXPECT_EQ(restored.dropped[0], "boiler: observation of /3303/0/5700: the device is no longer registered");
  EXPECT_EQ(restored.dropped[1].rfind("heater: observation of /3303/0/5700: made on registration", 0), 0u)
      << restored.dropped[1];
  EXPECT_NE(restored.dropped[1].find("newer-one"), std::string::npos);
  auto left = stored();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].paths, "/3/0/9");
}

TEST_F(ObservationPersistenceTest, UnreadableRecordsAreDroppedAndSayWhy) {
  {
    ServerLife first(*db_);
    first.start();
    first.registerDevice("boiler");
    stored();
  }
  const std::string id = db_->registrations().loadAll().value().at(0).registrationId;
  auto record = [&](std::string paths, std::vector<std::uint8_t> token) {
    persistence::ObservationRecord r{"boiler", std::move(token), std::move(paths), "{}", formats::kSenmlJson, 0};
    r.registrationId = id;
    return r;
  };
  auto badFormat = record("/3/0/1", {2});
  badFormat.contentFormat = 9999;
  auto badAttributes = record("/3/0/2", {3});
  badAttributes.attributes = R"({"pmin":"soon"})";
  for (const auto& r : {record("/3/0/9/x", {1}), badFormat, badAttributes, record("/3/0/3", {}),
                        record("/3/0/4\n/3/0/5", {4})}) {
    ASSERT_TRUE(completed([&](auto done) { db_->observations().put(r, done); }));
  }
  reopen();
  ServerLife second(*db_);
  auto restored = second.start();
  EXPECT_EQ(restored.observations, 0u);
  ASSERT_EQ(restored.dropped.size(), 5u);
  std::string all;
  for (const auto& why : restored.dropped) {
    EXPECT_EQ(why.rfind("boiler: ", 0), 0u) << why;
    all += why + "\n";
  }
  EXPECT_NE(all.find("path '/3/0/9/x'"), std::string::npos) << all;
  EXPECT_NE(all.find("content format 9999"), std::string::npos) << all;
  EXPECT_NE(all.find("attribute 'pmin'"), std::string::npos) << all;
  EXPECT_NE(all.find("token of 0 bytes"), std::string::npos) << all;
  EXPECT_NE(all.find("stored with 2 paths"), std::string::npos) << all;
  EXPECT_TRUE(stored().empty());
  EXPECT_EQ(second.observations.size(), 0u);
}

TEST(ObservationAttributes, StoredInTheOneAttributeCodecAndOlderJsonRowsStillRead) {
  operations::NotificationAttributes a;
  a.minPeriod = 10;
  a.maxPeriod = 60;
  a.step = 0.5;
  a.greaterThan = -3.25;
  a.edge = true;
  a.clear = {"lt"};
  const std::string text = operations::toQueryString(a);
  EXPECT_EQ(text, "pmin=10&pmax=60&gt=-3.25&st=0.5&edge=1&lt");
  auto back = readStoredAttributes(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a);
  auto legacy = readStoredAttributes(R"({"pmin":10,"pmax":60,"gt":-3.25,"st":0.5,"edge":true,"clear":["lt"]})");
  ASSERT_TRUE(legacy) << legacy.error().message;
  EXPECT_EQ(*legacy, a);
  EXPECT_TRUE(readStoredAttributes("")->empty());
  EXPECT_FALSE(readStoredAttributes("[1]"));
  auto unknown = readStoredAttributes("every=5");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("\"every\""), std::string::npos);
}

}  // namespace
}  // namespace lwm2m::gateway
