#include "lwm2m/server/send_handler.h"

#include <gtest/gtest.h>

#include "lwm2m/coap/manual_scheduler.h"
#include "lwm2m/server/uplink_dispatcher.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::server {
namespace {

using coap::testing::peerAt;
using model::Path;
using model::Value;

class Collector : public SendListener {
 public:
  explicit Collector(const std::vector<coap::Message>& responses) : responses_(responses) {}
  void onSend(const SendEvent& e) override {
    events.push_back(e);
    answeredBefore.push_back(responses_.size());
  }
  std::vector<SendEvent> events;
  std::vector<std::size_t> answeredBefore;

 private:
  const std::vector<coap::Message>& responses_;
};

class SendHandlerTest : public ::testing::Test {
 protected:
  SendHandlerTest()
      : rd_(clock_, RegistrationSettings{}, [this] { return ++counter_ * 2654435761u; }),
        send_(clock_, rd_, model_),
        dispatcher_(rd_),
        collector_(responses_) {
    rd_.addListener(&send_);
    send_.addListener(&collector_);
    dispatcher_.setSendHandler(&send_);
  }

  coap::Message post(const coap::Peer& from, std::string path, std::uint16_t format, std::string body,
                     std::vector<std::string> query = {}) {
    coap::Message m;
    m.code = coap::codes::Post;
    m.setUriPath(path);
    for (auto& q : query) m.addUriQuery(q);
    m.setContentFormat(format);
    m.setPayload(body);
    dispatcher_.handle(from, m, [this](coap::Message r) { responses_.push_back(std::move(r)); });
    return responses_.empty() ? coap::Message{} : responses_.back();
  }

  void registerDevice(const std::string& ep, const coap::Peer& from, const std::string& version = "1.1") {
    post(from, "rd", formats::kLinkFormat, "</3/0>", {"ep=" + ep, "lwm2m=" + version});
  }

  coap::ManualScheduler clock_;
  std::uint32_t counter_ = 0;
  model::ModelSource model_{model::ObjectModel::builtIn()};
  RegistrationInterface rd_;
  SendHandler send_;
  UplinkDispatcher dispatcher_;
  std::vector<coap::Message> responses_;
  Collector collector_;
  const coap::Peer device_ = peerAt("10.0.0.9", 41000);
};

TEST_F(SendHandlerTest, SenmlJsonSendIsAnsweredChangedThenDelivered) {
  registerDevice("meter", device_);
  auto r = post(device_, "dp", formats::kSenmlJson,
                R"([{"bn":"/3303/0/5700","bt":1800000000,"v":21.5},{"t":10,"v":22}])");
  EXPECT_EQ(r.code, coap::codes::Changed);
  ASSERT_EQ(collector_.events.size(), 1u);
  EXPECT_EQ(collector_.answeredBefore[0], responses_.size()) << "event after the answer";
  const auto& e = collector_.events[0];
  EXPECT_EQ(e.endpoint, "meter");
  EXPECT_EQ(e.format, formats::kSenmlJson);
  ASSERT_EQ(e.values.size(), 2u);
  EXPECT_EQ(e.values[0].time, 1800000000.0);
  EXPECT_EQ(e.values[1].time, 1800000010.0);
  EXPECT_EQ(e.values[1].nodes.at(Path(3303, 0, 5700)).resource()->value(), Value::floating(22));
}

TEST_F(SendHandlerTest, LwM2mCborIsAcceptedFrom12ClientsOnly) {
  registerDevice("new", device_, "1.2");
  registerDevice("old", peerAt("10.0.0.10", 41000), "1.1");
  // {3303: {0: {5700: 21.5}}} in LwM2M CBOR (nested maps).
  const std::vector<std::uint8_t> body{0xa1, 0x19, 0x0c, 0xe7, 0xa1, 0x00, 0xa1, 0x19, 0x16, 0x44,
                                       0xf9, 0x4d, 0x60};
  auto send = [&](const coap::Peer& from) {
    coap::Message m;
    m.code = coap::codes::Post;
    m.setUriPath("dp");
    m.setContentFormat(formats::kLwm2mCbor);
    m.payload = body;
    coap::Message out;
    dispatcher_.handle(from, m, [&out](coap::Message r) { out = std::move(r); });
    return out;
  };
  EXPECT_EQ(send(device_).code, coap::codes::Changed);
  ASSERT_EQ(collector_.events.size(), 1u);
  EXPECT_EQ(collector_.events[0].values[0].nodes.at(Path(3303, 0, 5700)).resource()->value(),
            Value::floating(21.5));
  EXPECT_EQ(send(peerAt("10.0.0.10", 41000)).code, coap::codes::UnsupportedContentFormat);
}

TEST_F(SendHandlerTest, UnregisteredPeerIsForbidden) {
  auto r = post(device_, "dp", formats::kSenmlJson, R"([{"n":"/3303/0/5700","v":1}])");
  EXPECT_EQ(r.code, coap::codes::Forbidden);
  EXPECT_TRUE(collector_.events.empty());
}

TEST_F(SendHandlerTest, AfterDeregistrationTheAddressIsForbiddenAgain) {
  registerDevice("meter", device_);
  std::string location;
  for (const auto& seg : responses_.back().locationPath()) location += "/" + seg;
  coap::Message del;
  del.code = coap::codes::Delete;
  del.setUriPath(location);
  dispatcher_.handle(device_, del, [](coap::Message) {});
  EXPECT_EQ(post(device_, "dp", formats::kSenmlJson, R"([{"n":"/3303/0/5700","v":1}])").code,
            coap::codes::Forbidden);
}

TEST_F(SendHandlerTest, AMovedDeviceIsForbiddenFromItsNewAddressUntilRebound) {
  registerDevice("meter", device_);
  const std::string id = responses_.back().locationPath().at(1);
  const coap::Peer moved = peerAt("10.0.0.9", 41777);
  const std::string body = R"([{"n":"/3303/0/5700","v":1}])";
  EXPECT_EQ(post(moved, "dp", formats::kSenmlJson, body).code, coap::codes::Forbidden)
      << "a new address proves nothing by itself";
  rd_.rebind(id, moved);  // e.g. a notification came from there
  EXPECT_EQ(post(moved, "dp", formats::kSenmlJson, body).code, coap::codes::Changed);
  EXPECT_EQ(post(device_, "dp", formats::kSenmlJson, body).code, coap::codes::Forbidden)
      << "the old address is no longer the device's";
  ASSERT_EQ(collector_.events.size(), 1u);
  EXPECT_EQ(collector_.events[0].endpoint, "meter");
}

// A device that keeps moving (NAT rebinding) is found where it is now, its
// old addresses are refused, and the addresses it left do not pile up.
TEST_F(SendHandlerTest, AddressesADeviceLeftAreForgottenAndRefused) {
  registerDevice("meter", device_);
  registerDevice("other", peerAt("10.0.0.10", 41000));
  const std::string id = responses_.front().locationPath().at(1);
  const std::string body = R"([{"n":"/3303/0/5700","v":1}])";
  coap::Peer previous = device_;
  for (std::uint16_t port = 50000; port < 50500; ++port) {
    const coap::Peer moved = peerAt("10.0.0.9", port);
    rd_.rebind(id, moved);
    ASSERT_EQ(post(moved, "dp", formats::kSenmlJson, body).code, coap::codes::Changed) << port;
    ASSERT_EQ(post(previous, "dp", formats::kSenmlJson, body).code, coap::codes::Forbidden) << port;
    previous = moved;
  }
  EXPECT_EQ(collector_.events.size(), 500u);
  EXPECT_LE(send_.indexedAddresses(), 2u * 2 + 64 + 1) << "bounded by twice the registrations plus a little";
  EXPECT_EQ(post(peerAt("10.0.0.10", 41000), "dp", formats::kSenmlJson, body).code, coap::codes::Changed)
      << "the device that stayed is still found";
}

TEST_F(SendHandlerTest, BadBodyIsBadRequestWithTheReason) {
  registerDevice("meter", device_);
  auto r = post(device_, "dp", formats::kSenmlJson, R"([{"n":"/3303/0/5700/"}])");
  EXPECT_EQ(r.code, coap::codes::BadRequest);
  EXPECT_FALSE(r.payloadString().empty());
  EXPECT_TRUE(collector_.events.empty());
  EXPECT_EQ(post(device_, "dp", formats::kText, "21").code, coap::codes::UnsupportedContentFormat);
}

TEST_F(SendHandlerTest, OtherMethodsAndPathsAreRefused) {
  registerDevice("meter", device_);
  coap::Message get;
  get.code = coap::codes::Get;
  get.setUriPath("dp");
  coap::Message out;
  dispatcher_.handle(device_, get, [&out](coap::Message r) { out = std::move(r); });
  EXPECT_EQ(out.code, coap::codes::MethodNotAllowed);
  EXPECT_EQ(post(device_, "dp/x", formats::kSenmlJson, "[]").code, coap::codes::NotFound);
  EXPECT_EQ(post(device_, "bs", formats::kSenmlJson, "[]").code, coap::codes::NotFound);
}

// Sheds while `overloaded` is set, asking devices to wait 7 s.
class SwitchedAdmission : public UplinkAdmission {
 public:
  std::optional<std::chrono::seconds> retryAfter(UplinkWork work) override {
    asked.push_back(work);
    if (!overloaded) return std::nullopt;
    return std::chrono::seconds(7);
  }
  bool overloaded = false;
  std::vector<UplinkWork> asked;
};

TEST_F(SendHandlerTest, UnderOverloadNewRegistersAndSendsAre503WithMaxAge) {
  SwitchedAdmission admission;
  dispatcher_.setAdmission(&admission);
  registerDevice("meter", device_);
  ASSERT_EQ(responses_.back().code, coap::codes::Created);
  std::string location;
  for (const auto& seg : responses_.back().locationPath()) location += "/" + seg;

  admission.overloaded = true;
  registerDevice("pump", peerAt("10.0.0.11", 41000));
  EXPECT_EQ(responses_.back().code, coap::codes::ServiceUnavailable);
  EXPECT_EQ(responses_.back().uintOption(coap::option::MaxAge), 7u);
  EXPECT_EQ(rd_.registrations().size(), 1u) << "the shed Register left nothing behind";
  auto sent = post(device_, "dp", formats::kSenmlJson, R"([{"n":"/3303/0/5700","v":1}])");
  EXPECT_EQ(sent.code, coap::codes::ServiceUnavailable);
  EXPECT_EQ(sent.uintOption(coap::option::MaxAge), 7u);
  EXPECT_TRUE(collector_.events.empty());

  // What keeps an existing registration alive passes, and is not even asked about.
  const std::size_t askedBefore = admission.asked.size();
  auto updated = post(device_, location.substr(1), formats::kLinkFormat, "");
  EXPECT_EQ(updated.code, coap::codes::Changed);
  EXPECT_EQ(admission.asked.size(), askedBefore);
  EXPECT_EQ(dispatcher_.shed().registers, 1u);
  EXPECT_EQ(dispatcher_.shed().sends, 1u);

  admission.overloaded = false;
  registerDevice("pump", peerAt("10.0.0.11", 41000));
  EXPECT_EQ(responses_.back().code, coap::codes::Created);
  EXPECT_EQ(dispatcher_.shed().registers, 1u);
}

}  // namespace
}  // namespace lwm2m::server
