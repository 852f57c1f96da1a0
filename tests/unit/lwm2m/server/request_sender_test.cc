// RequestSender and ObservationRegistry over an in-memory transport: the
// devices' answers are injected as datagrams, time moves by hand.

#include "lwm2m/server/request_sender.h"

#include <gtest/gtest.h>

#include "lwm2m/coap/manual_scheduler.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::server {
namespace {

using namespace std::chrono_literals;
using coap::testing::peerAt;
using model::Path;
using model::Value;

class Recorder : public NotificationListener {
 public:
  void onNotification(const NotificationEvent& e) override { events.push_back(e); }
  void onObservationEnded(const std::string& endpoint, const std::vector<Path>&,
                          const std::string& reason) override {
    ended.push_back(endpoint + ": " + reason);
  }
  std::vector<NotificationEvent> events;
  std::vector<std::string> ended;
};

// What the registry reports about its set of observations: "+boiler /3303/0/5700",
// "-boiler /3303/0/5700 cancelled".
class LifecycleRecorder : public ObservationListener {
 public:
  void onObservationAdded(const Observation& o) override {
    changes.push_back("+" + o.endpoint + " " + o.paths().front().toString());
    tokens.push_back(o.token);
  }
  void onObservationRemoved(const Observation& o, ObservationEnd why) override {
    changes.push_back("-" + o.endpoint + " " + o.paths().front().toString() + " " +
                      std::string(observationEndName(why)));
    tokens.push_back(o.token);
  }
  std::vector<std::string> changes;
  std::vector<Token> tokens;
};

class RequestSenderTest : public ::testing::Test {
 protected:
  RequestSenderTest()
      : transport_(clock_, peerAt("10.0.0.1", 5683)),
        endpoint_(transport_, clock_, coap::TransmissionParameters{}, [this] { return ++counter_ * 2654435761u; }),
        rd_(clock_, RegistrationSettings{}, [this] { return ++counter_ * 40503u; }),
        observations_(endpoint_, clock_, rd_, model_),
        sender_(endpoint_, clock_, rd_, observations_, model_, [this] { return ++counter_ * 7919u; }) {
    endpoint_.start();
    rd_.addListener(&observations_);
    rd_.addListener(&sender_);
    observations_.addListener(&recorder_);
    observations_.addObservationListener(&lifecycle_);
  }

  // Observes /3303/0/5700 of `ep` and has the device accept; returns the request.
  coap::Message observeTemperature(const std::string& ep, const coap::Peer& from) {
    std::optional<operations::DeviceResponse> out;
    auto request = send(ep, operations::DeviceRequest::observe(Path(3303, 0, 5700)), out);
    answer(from, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
    EXPECT_TRUE(out && out->ok());
    return request;
  }

  void registerDevice(const std::string& ep, const coap::Peer& from, std::optional<int> lifetime = std::nullopt) {
    coap::Message m;
    m.code = coap::codes::Post;
    m.messageId = static_cast<std::uint16_t>(++counter_);
    m.setUriPath("rd");
    m.addUriQuery("ep=" + ep);
    m.addUriQuery("lwm2m=1.1");
    if (lifetime) m.addUriQuery("lt=" + std::to_string(*lifetime));
    m.setPayload("</>;rt=\"oma.lwm2m\";ct=110,</3/0>,</3303/0>");
    rd_.handle(from, m, [](coap::Message) {});
  }

  // Sends and returns the request as it left, with a slot for the answer.
  coap::Message send(const std::string& ep, operations::DeviceRequest request, std::optional<operations::DeviceResponse>& out) {
    sender_.send(ep, std::move(request), [&out](operations::DeviceResponse r) { out = std::move(r); });
    return transport_.sent.empty() ? coap::Message{} : transport_.sent.back().message();
  }

  void answer(const coap::Peer& from, const coap::Message& request, coap::Code code, std::string body,
              std::optional<std::uint32_t> observe = std::nullopt) {
    coap::Message ack;
    ack.type = coap::MessageType::Acknowledgement;
    ack.messageId = request.messageId;
    ack.token = request.token;
    ack.code = code;
    if (!body.empty()) ack.setContentFormat(formats::kSenmlJson);
    if (observe) ack.setObserve(*observe);
    ack.setPayload(body);
    transport_.inject(from, ack);
    clock_.runDue();
  }

  void notify(const coap::Peer& from, const coap::Message& request, std::uint32_t sequence,
              std::string body, coap::Code code = coap::codes::Content) {
    coap::Message n;
    n.type = coap::MessageType::NonConfirmable;
    n.messageId = static_cast<std::uint16_t>(1000 + ++counter_);
    n.token = request.token;
    n.code = code;
    n.setObserve(sequence);
    n.setContentFormat(formats::kSenmlJson);
    n.setPayload(body);
    transport_.inject(from, n);
    clock_.runDue();
  }

  coap::ManualScheduler clock_;
  std::uint32_t counter_ = 0;
  coap::testing::FakeTransport transport_;
  coap::Endpoint endpoint_;
  model::ModelSource model_{model::ObjectModel::builtIn()};
  RegistrationInterface rd_;
  ObservationRegistry observations_;
  RequestSender sender_;
  Recorder recorder_;
  LifecycleRecorder lifecycle_;
  const coap::Peer device_ = peerAt("10.0.0.7", 40000);
};

TEST_F(RequestSenderTest, ReadGoesToTheRegisteredPeerAndComesBackDecoded) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::read(Path(3, 0, 9)), out);
  EXPECT_EQ(transport_.sent.back().to, device_);
  EXPECT_EQ(request.accept(), formats::kSenmlJson);
  EXPECT_FALSE(out) << "never called from inside send";
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3/0/9","v":87}])");
  ASSERT_TRUE(out);
  ASSERT_TRUE(out->ok()) << out->reason;
  EXPECT_EQ(out->node->resource()->value(), Value::integer(87));
  EXPECT_EQ(sender_.pending(), 0u);
}

TEST_F(RequestSenderTest, UnknownEndpointIsNotRegistered) {
  std::optional<operations::DeviceResponse> out;
  send("ghost", operations::DeviceRequest::read(Path(3, 0, 9)), out);
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_FALSE(out);
  clock_.runDue();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->outcome, operations::Outcome::NotRegistered);
  EXPECT_NE(out->reason.find("ghost"), std::string::npos);
}

TEST_F(RequestSenderTest, ARequestThatCannotBeExpressedIsABadRequest) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  send("boiler", operations::DeviceRequest::execute(Path(3, 0)), out);
  clock_.runDue();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->outcome, operations::Outcome::BadRequest);
}

TEST_F(RequestSenderTest, ADeadDeviceTimesOutWithoutDelayingAnother) {
  const auto alive = peerAt("10.0.0.8", 40000);
  registerDevice("dead", device_);
  registerDevice("alive", alive);
  std::optional<operations::DeviceResponse> deadOut, aliveOut;
  auto slow = operations::DeviceRequest::read(Path(3, 0, 9));
  slow.timeout = 5s;
  send("dead", slow, deadOut);
  auto request = send("alive", operations::DeviceRequest::read(Path(3, 0, 9)), aliveOut);
  clock_.advance(100ms);
  answer(alive, request, coap::codes::Content, R"([{"bn":"/3/0/9","v":50}])");
  ASSERT_TRUE(aliveOut && aliveOut->ok());
  EXPECT_FALSE(deadOut);
  clock_.advance(5s);
  ASSERT_TRUE(deadOut);
  EXPECT_EQ(deadOut->outcome, operations::Outcome::Timeout);
  EXPECT_EQ(sender_.pending(), 0u);
}

TEST_F(RequestSenderTest, AcknowledgedButUnansweredTimesOutAtTheDefaultAndALateAnswerIsOnlyReported) {
  registerDevice("boiler", device_);
  std::vector<std::string> late;
  sender_.setLateAnswerListener(
      [&late](const std::string& ep, const operations::DeviceRequest& r, const std::string& code) {
        late.push_back(ep + " " + std::string(operations::operationName(r.operation)) + " " + r.path.toString() +
                       " " + code);
      });
  sender_.setDefaultTimeout(3s);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::read(Path(3, 0, 9)), out);
  coap::Message ack;  // empty ACK: the answer is to follow, separately
  ack.type = coap::MessageType::Acknowledgement;
  ack.messageId = request.messageId;
  transport_.inject(device_, ack);
  clock_.advance(2900ms);
  EXPECT_FALSE(out);
  clock_.advance(100ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->outcome, operations::Outcome::Timeout);
  EXPECT_TRUE(out->acknowledged);
  EXPECT_NE(out->reason.find("acknowledged the request but sent no answer within 3 s"), std::string::npos)
      << out->reason;

  coap::Message separate;  // the answer after all, as a CON
  separate.type = coap::MessageType::Confirmable;
  separate.messageId = 777;
  separate.token = request.token;
  separate.code = coap::codes::Content;
  separate.setContentFormat(formats::kSenmlJson);
  separate.setPayload(R"([{"bn":"/3/0/9","v":50}])");
  const auto sentBefore = transport_.sent.size();
  transport_.inject(device_, separate);
  clock_.runDue();
  EXPECT_EQ(late, (std::vector<std::string>{"boiler read /3/0/9 2.05"}));
  ASSERT_GT(transport_.sent.size(), sentBefore);
  EXPECT_EQ(transport_.sent.back().message().type, coap::MessageType::Acknowledgement) << "acknowledged, not reset";
}

TEST_F(RequestSenderTest, NotEvenAcknowledgedTimesOutWithItsOwnTimeout) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto read = operations::DeviceRequest::read(Path(3, 0, 9));
  read.timeout = 1500ms;
  send("boiler", read, out);
  clock_.advance(1500ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->outcome, operations::Outcome::Timeout);
  EXPECT_FALSE(out->acknowledged);
  EXPECT_NE(out->reason.find("no answer within 1.5 s (not even an acknowledgement)"), std::string::npos)
      << out->reason;
}

TEST_F(RequestSenderTest, ResetIsReported) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::read(Path(3, 0, 9)), out);
  coap::Message rst;
  rst.type = coap::MessageType::Reset;
  rst.messageId = request.messageId;
  transport_.inject(device_, rst);
  clock_.runDue();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->outcome, operations::Outcome::Reset);
}

TEST_F(RequestSenderTest, ObserveDeliversNotificationsInOrderAndDropsStaleOnes) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), out);
  EXPECT_EQ(request.observe(), 0u);
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 5);
  ASSERT_TRUE(out && out->ok());
  EXPECT_EQ(observations_.count("boiler"), 1u);
  notify(device_, request, 7, R"([{"bn":"/3303/0/5700","bt":1800000000,"v":21.5}])");
  notify(device_, request, 6, R"([{"bn":"/3303/0/5700","v":99}])");  // reordered: dropped
  ASSERT_EQ(recorder_.events.size(), 1u);
  const auto& e = recorder_.events[0];
  EXPECT_EQ(e.endpoint, "boiler");
  EXPECT_EQ(e.sequence, 7u);
  EXPECT_EQ(e.paths, std::vector<Path>{Path(3303, 0, 5700)});
  EXPECT_EQ(e.values.node->resource()->value(), Value::floating(21.5));
  ASSERT_EQ(e.values.timestamped.size(), 1u);
  EXPECT_EQ(e.values.timestamped[0].time, 1800000000.0);
}

TEST_F(RequestSenderTest, NotificationFromANewAddressRebindsTheDevice) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), out);
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  const auto moved = peerAt("10.0.0.7", 50123);
  notify(moved, request, 2, R"([{"bn":"/3303/0/5700","v":21}])");
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(rd_.registrations().findByEndpoint("boiler")->peer, moved);
  std::optional<operations::DeviceResponse> read;
  send("boiler", operations::DeviceRequest::read(Path(3, 0, 9)), read);
  EXPECT_EQ(transport_.sent.back().to, moved);
}

TEST_F(RequestSenderTest, ActiveCancelReusesTheTokenAndLaterNotificationsGetReset) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out, cancelled;
  auto request = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), out);
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  auto cancel = send("boiler", operations::DeviceRequest::cancelObserve(Path(3303, 0, 5700)), cancelled);
  EXPECT_EQ(cancel.code, coap::codes::Get);
  EXPECT_EQ(cancel.observe(), 1u);
  EXPECT_EQ(cancel.token, request.token);
  EXPECT_EQ(observations_.count("boiler"), 0u);
  answer(device_, cancel, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])");
  ASSERT_TRUE(cancelled && cancelled->ok());
  const auto before = transport_.sent.size();
  notify(device_, request, 2, R"([{"bn":"/3303/0/5700","v":21}])");
  EXPECT_TRUE(recorder_.events.empty());
  ASSERT_EQ(transport_.sent.size(), before + 1);
  EXPECT_EQ(transport_.sent.back().message().type, coap::MessageType::Reset);
}

TEST_F(RequestSenderTest, CancelWithoutObservationIsABadRequest) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  send("boiler", operations::DeviceRequest::cancelObserve(Path(3303, 0, 5700)), out);
  clock_.runDue();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->outcome, operations::Outcome::BadRequest);
}

TEST_F(RequestSenderTest, PassiveCancelForgetsTheTokenSoTheDeviceGetsReset) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), out);
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  EXPECT_TRUE(observations_.forget("boiler", {Path(3303, 0, 5700)}));
  const auto before = transport_.sent.size();
  notify(device_, request, 2, R"([{"bn":"/3303/0/5700","v":21}])");
  EXPECT_TRUE(recorder_.events.empty());
  ASSERT_EQ(transport_.sent.size(), before + 1);
  EXPECT_EQ(transport_.sent.back().message().type, coap::MessageType::Reset);
}

TEST_F(RequestSenderTest, ANewObservationOfTheSamePathReplacesTheOld) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> first, second;
  auto r1 = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), first);
  answer(device_, r1, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  auto r2 = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), second);
  EXPECT_NE(r1.token, r2.token);
  answer(device_, r2, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  EXPECT_EQ(observations_.count("boiler"), 1u);
  notify(device_, r1, 2, R"([{"bn":"/3303/0/5700","v":1}])");
  EXPECT_TRUE(recorder_.events.empty());
  notify(device_, r2, 2, R"([{"bn":"/3303/0/5700","v":2}])");
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(recorder_.events[0].values.node->resource()->value(), Value::floating(2));
}

TEST_F(RequestSenderTest, ReRegistrationClearsTheDevicesObservations) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), out);
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  registerDevice("boiler", device_);
  EXPECT_EQ(observations_.count("boiler"), 0u);
  notify(device_, request, 2, R"([{"bn":"/3303/0/5700","v":21}])");
  EXPECT_TRUE(recorder_.events.empty());
}

TEST_F(RequestSenderTest, AnErrorNotificationEndsTheObservation) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::observe(Path(3303, 0, 5700)), out);
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  notify(device_, request, 2, "", coap::codes::NotFound);
  EXPECT_TRUE(recorder_.events.empty());
  ASSERT_EQ(recorder_.ended.size(), 1u);
  EXPECT_EQ(recorder_.ended[0], "boiler: 4.04 not_found");
  EXPECT_EQ(observations_.count("boiler"), 0u);
}

TEST_F(RequestSenderTest, ObserveCompositeNotificationsCarryEveryPath) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto request = send("boiler", operations::DeviceRequest::observeComposite({Path(3303, 0, 5700), Path(3, 0, 9)}), out);
  EXPECT_EQ(request.code, coap::codes::Fetch);
  answer(device_, request, coap::codes::Content, R"([{"n":"/3303/0/5700","v":20.5},{"n":"/3/0/9","v":80}])", 1);
  ASSERT_TRUE(out && out->ok()) << (out ? out->reason : "");
  EXPECT_EQ(out->nodes.size(), 2u);
  notify(device_, request, 2, R"([{"n":"/3303/0/5700","v":22},{"n":"/3/0/9","v":79}])");
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_TRUE(recorder_.events[0].composite);
  EXPECT_EQ(recorder_.events[0].values.nodes.at(Path(3, 0, 9)).resource()->value(), Value::integer(79));
  std::optional<operations::DeviceResponse> cancelled;
  auto cancel = send("boiler", operations::DeviceRequest::cancelObserveComposite({Path(3, 0, 9), Path(3303, 0, 5700)}), cancelled);
  EXPECT_EQ(cancel.code, coap::codes::Fetch);
  EXPECT_EQ(cancel.observe(), 1u);
  EXPECT_EQ(cancel.token, request.token);
}

TEST_F(RequestSenderTest, ARestoredObservationKeepsDeliveringNotifications) {
  registerDevice("boiler", device_);
  Observation kept;
  kept.endpoint = "boiler";
  kept.request = operations::DeviceRequest::observe(Path(3303, 0, 5700));
  kept.token = {9, 9, 9, 9};
  kept.client = ClientProfile::of(*rd_.registrations().findByEndpoint("boiler"));
  observations_.restore(kept);
  EXPECT_EQ(observations_.count("boiler"), 1u);
  coap::Message request;
  request.token = kept.token;
  notify(device_, request, 40, R"([{"bn":"/3303/0/5700","v":19.5}])");
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(recorder_.events[0].values.node->resource()->value(), Value::floating(19.5));
  EXPECT_EQ(recorder_.events[0].registrationId, rd_.registrations().findByEndpoint("boiler")->id);
}

TEST_F(RequestSenderTest, ListenersHearAnObservationAddedAndReplaced) {
  registerDevice("boiler", device_);
  auto first = observeTemperature("boiler", device_);
  auto second = observeTemperature("boiler", device_);
  EXPECT_EQ(lifecycle_.changes, (std::vector<std::string>{"+boiler /3303/0/5700", "-boiler /3303/0/5700 replaced",
                                                          "+boiler /3303/0/5700"}));
  EXPECT_EQ(lifecycle_.tokens[0], first.token);
  EXPECT_EQ(lifecycle_.tokens[1], first.token);
  EXPECT_EQ(lifecycle_.tokens[2], second.token);
  // Notifications change nothing in the set.
  notify(device_, second, 2, R"([{"bn":"/3303/0/5700","v":21}])");
  EXPECT_EQ(lifecycle_.changes.size(), 3u);
}

TEST_F(RequestSenderTest, ListenersHearActiveAndPassiveCancels) {
  registerDevice("boiler", device_);
  auto observed = observeTemperature("boiler", device_);
  std::optional<operations::DeviceResponse> cancelled;
  send("boiler", operations::DeviceRequest::cancelObserve(Path(3303, 0, 5700)), cancelled);
  EXPECT_EQ(lifecycle_.changes.back(), "-boiler /3303/0/5700 cancelled");
  EXPECT_EQ(lifecycle_.tokens.back(), observed.token);
  observeTemperature("boiler", device_);
  EXPECT_TRUE(observations_.forget("boiler", {Path(3303, 0, 5700)}));
  EXPECT_EQ(lifecycle_.changes.back(), "-boiler /3303/0/5700 cancelled");
  EXPECT_EQ(lifecycle_.changes.size(), 4u);
}

TEST_F(RequestSenderTest, ListenersHearTheDeviceEndAnObservation) {
  registerDevice("boiler", device_);
  auto request = observeTemperature("boiler", device_);
  notify(device_, request, 2, "", coap::codes::NotFound);
  EXPECT_EQ(lifecycle_.changes.back(), "-boiler /3303/0/5700 ended by the device");
  // A final notification without Observe also ends it.
  request = observeTemperature("boiler", device_);
  coap::Message last;
  last.type = coap::MessageType::NonConfirmable;
  last.messageId = 4242;
  last.token = request.token;
  last.code = coap::codes::Content;
  last.setContentFormat(formats::kSenmlJson);
  last.setPayload(R"([{"bn":"/3303/0/5700","v":22}])");
  transport_.inject(device_, last);
  clock_.runDue();
  EXPECT_EQ(lifecycle_.changes.back(), "-boiler /3303/0/5700 ended by the device");
  EXPECT_EQ(observations_.count("boiler"), 0u);
}

TEST_F(RequestSenderTest, ListenersHearObservationsEndWithTheirRegistration) {
  registerDevice("boiler", device_);
  observeTemperature("boiler", device_);
  registerDevice("boiler", device_);  // re-registration
  EXPECT_EQ(lifecycle_.changes.back(), "-boiler /3303/0/5700 registration ended");
  observeTemperature("boiler", device_);
  coap::Message bye;
  bye.code = coap::codes::Delete;
  bye.messageId = 4343;
  bye.setUriPath("rd/" + rd_.registrations().findByEndpoint("boiler")->id);
  rd_.handle(device_, bye, [](coap::Message) {});
  clock_.runDue();
  ASSERT_EQ(rd_.registrations().findByEndpoint("boiler"), nullptr);
  EXPECT_EQ(lifecycle_.changes.back(), "-boiler /3303/0/5700 registration ended");
  EXPECT_EQ(lifecycle_.changes.size(), 4u);
}

// An Observe the gateway sent (auto-observe) is still unanswered when its
// device de-registers: it ends at once, and nothing is left for the device.
TEST_F(RequestSenderTest, AnObserveInFlightEndsWhenItsDeviceDeregisters) {
  registerDevice("boiler", device_);
  std::optional<operations::DeviceResponse> out;
  auto observe = operations::DeviceRequest::observe(Path(3303, 0, 5700));
  observe.timeout = 30s;
  const auto request = send("boiler", observe, out);
  EXPECT_EQ(endpoint_.load().pendingRequests, 1u);
  coap::Message bye;
  bye.code = coap::codes::Delete;
  bye.messageId = 4343;
  bye.setUriPath("rd/" + rd_.registrations().findByEndpoint("boiler")->id);
  rd_.handle(device_, bye, [](coap::Message) {});
  clock_.runDue();
  ASSERT_TRUE(out) << "ended without waiting for its 30 s timeout";
  EXPECT_EQ(out->outcome, operations::Outcome::NotRegistered);
  EXPECT_NE(out->reason.find("de-registered while the request was in flight"), std::string::npos) << out->reason;
  EXPECT_EQ(sender_.pending(), 0u);
  EXPECT_EQ(endpoint_.load().pendingRequests, 0u) << "its CoAP exchange is cancelled";
  // An answer that still comes adds no observation for the device that left.
  answer(device_, request, coap::codes::Content, R"([{"bn":"/3303/0/5700","v":20.5}])", 1);
  EXPECT_EQ(observations_.count("boiler"), 0u);
  EXPECT_TRUE(recorder_.events.empty());
}

// The same when the device acknowledged, then went silent and its
// registration expired; a request to another device is not touched.
TEST_F(RequestSenderTest, RequestsInFlightEndWhenTheirRegistrationExpires) {
  const auto other = peerAt("10.0.0.8", 40000);
  registerDevice("boiler", device_, 60);
  registerDevice("other", other);
  std::optional<operations::DeviceResponse> out, otherOut;
  auto read = operations::DeviceRequest::read(Path(3, 0, 9));
  read.timeout = std::chrono::minutes(10);
  const auto request = send("boiler", read, out);
  send("other", read, otherOut);
  coap::Message ack;  // empty ACK: the answer is to follow, separately
  ack.type = coap::MessageType::Acknowledgement;
  ack.messageId = request.messageId;
  transport_.inject(device_, ack);
  clock_.advance(61s);
  ASSERT_EQ(rd_.registrations().findByEndpoint("boiler"), nullptr);
  ASSERT_TRUE(out) << "ended without waiting for its 10 min timeout";
  EXPECT_EQ(out->outcome, operations::Outcome::NotRegistered);
  EXPECT_NE(out->reason.find("registration expired"), std::string::npos) << out->reason;
  EXPECT_FALSE(otherOut) << "another device's request waits on";
  EXPECT_EQ(sender_.pending(), 1u);
}

TEST_F(RequestSenderTest, RestoreIsSilentAndRefusesAnotherRegistration) {
  registerDevice("boiler", device_);
  Observation kept;
  kept.endpoint = "boiler";
  kept.registrationId = "not-the-current-one";
  kept.request = operations::DeviceRequest::observe(Path(3303, 0, 5700));
  kept.token = {7, 7, 7, 7};
  EXPECT_FALSE(observations_.restore(kept));
  EXPECT_EQ(observations_.count("boiler"), 0u);
  kept.registrationId = rd_.registrations().findByEndpoint("boiler")->id;
  EXPECT_TRUE(observations_.restore(kept));
  EXPECT_EQ(observations_.count("boiler"), 1u);
  kept.endpoint = "ghost";
  kept.registrationId.clear();
  EXPECT_FALSE(observations_.restore(kept));
  EXPECT_TRUE(lifecycle_.changes.empty());
}

}  // namespace
}  // namespace lwm2m::server
