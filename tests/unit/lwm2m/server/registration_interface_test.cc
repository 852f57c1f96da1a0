#include "lwm2m/server/registration_interface.h"

#include <gtest/gtest.h>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::server {
namespace {

using namespace std::chrono_literals;

struct RegistrationRecordedEvent {
  std::string kind;
  std::string endpoint;
  std::string id;
  std::size_t responsesSentBefore;  // how many responses had been sent when the event fired
};

class RegistrationRecorder : public RegistrationListener {
 public:
  explicit RegistrationRecorder(const std::vector<coap::Message>& responses) : responses_(responses) {}
  void onRegistered(const Registration& r, const Registration* replaced) override {
    add(replaced ? "re-registered" : "registered", r);
  }
  void onUpdated(const Registration& r, const RegistrationChanges& c) override {
    add("updated", r);
    changes.push_back(c);
  }
  void onDeregistered(const Registration& r) override { add("deregistered", r); }
  void onExpired(const Registration& r) override { add("expired", r); }
  void onRebound(const Registration& r) override { add("rebound", r); }
  std::vector<RegistrationRecordedEvent> events;
  std::vector<RegistrationChanges> changes;  // of each Update

 private:
  void add(std::string kind, const Registration& r) {
    events.push_back({std::move(kind), r.endpoint, r.id, responses_.size()});
  }
  const std::vector<coap::Message>& responses_;
};

class RegistrationInterfaceTest : public ::testing::Test {
 protected:
  RegistrationInterfaceTest()
      : rd_(clock_, RegistrationSettings{}, [this] { return ++counter_ * 2654435761u; }),
        recorder_(responses_) {
    rd_.addListener(&recorder_);
  }

  coap::Message send(coap::Code method, std::string_view path, std::initializer_list<std::string_view> query = {},
                     std::string_view links = {}, const coap::Peer& from = kDevice) {
    coap::Message request;
    request.code = method;
    request.setUriPath(path);
    for (auto q : query) request.addUriQuery(q);
    if (!links.empty()) {
      request.setContentFormat(40);
      request.setPayload(links);
    }
    rd_.handle(from, request, [this](coap::Message response) { responses_.push_back(std::move(response)); });
    return responses_.back();
  }

  std::string registerDevice(std::string_view ep, std::string_view lt = "lt=60") {
    auto response = send(coap::codes::Post, "rd", {std::string("ep=").append(ep), lt, "lwm2m=1.1"}, "</1/0>,</3/0>");
    EXPECT_EQ(response.code, coap::codes::Created);
    auto location = response.locationPath();
    EXPECT_EQ(location.size(), 2u);
    EXPECT_EQ(location.at(0), "rd");
    return location.at(1);
  }

  static inline const coap::Peer kDevice{boost::asio::ip::make_address("127.0.0.1"), 40000};
  std::uint32_t counter_ = 0;
  coap::ManualScheduler clock_;
  RegistrationInterface rd_;
  std::vector<coap::Message> responses_;
  RegistrationRecorder recorder_;
};

TEST_F(RegistrationInterfaceTest, RegisterAnswersCreatedWithLocationAndStores) {
  std::string id = registerDevice("sensor-1");
  const Registration* reg = rd_.registrations().findByEndpoint("sensor-1");
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->id, id);
  EXPECT_EQ(reg->lifetime, 60u);
  EXPECT_EQ(reg->peer, kDevice);
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(recorder_.events[0].kind, "registered");
  // The event fires only after the 2.01 was handed out.
  EXPECT_EQ(recorder_.events[0].responsesSentBefore, 1u);
}

TEST_F(RegistrationInterfaceTest, RejectionCarriesDiagnosticAndEmitsNothing) {
  auto response = send(coap::codes::Post, "rd", {"lt=60"});
  EXPECT_EQ(response.code, coap::codes::BadRequest);
  EXPECT_NE(response.payloadString().find("ep="), std::string::npos);
  EXPECT_TRUE(recorder_.events.empty());
  EXPECT_EQ(rd_.registrations().size(), 0u);
}

TEST_F(RegistrationInterfaceTest, UpdateRefreshesLifetimeAndRebindsAddress) {
  std::string id = registerDevice("sensor-1");
  clock_.advance(50s);
  const coap::Peer moved{boost::asio::ip::make_address("127.0.0.1"), 40999};
  EXPECT_EQ(send(coap::codes::Post, "rd/" + id, {}, {}, moved).code, coap::codes::Changed);
  EXPECT_EQ(rd_.registrations().findById(id)->peer, moved);
  clock_.advance(50s);  // 100 s after Register, 50 s after Update: still registered
  EXPECT_NE(rd_.registrations().findById(id), nullptr);
  clock_.advance(11s);
  EXPECT_EQ(rd_.registrations().findById(id), nullptr);
  ASSERT_EQ(recorder_.events.size(), 3u);
  EXPECT_EQ(recorder_.events[1].kind, "updated");
  EXPECT_EQ(recorder_.events[2].kind, "expired");
}

TEST_F(RegistrationInterfaceTest, UpdateTellsWhatItChangedAndAShorterLifetimeEndsSooner) {
  std::string id = registerDevice("sensor-1", "lt=100");
  EXPECT_EQ(send(coap::codes::Post, "rd/" + id).code, coap::codes::Changed);
  // The same values again change nothing but the deadline.
  EXPECT_EQ(send(coap::codes::Post, "rd/" + id, {"lt=100"}, "</1/0>,</3/0>").code, coap::codes::Changed);
  EXPECT_EQ(send(coap::codes::Post, "rd/" + id, {"lt=30"}, "</1/0>,</3/0>,</3303/0>").code, coap::codes::Changed);
  const coap::Peer moved{boost::asio::ip::make_address("127.0.0.1"), 40999};
  EXPECT_EQ(send(coap::codes::Post, "rd/" + id, {}, {}, moved).code, coap::codes::Changed);
  ASSERT_EQ(recorder_.changes.size(), 4u);
  EXPECT_FALSE(recorder_.changes[0].any());
  EXPECT_FALSE(recorder_.changes[1].any());
  EXPECT_TRUE(recorder_.changes[2].lifetime);
  EXPECT_TRUE(recorder_.changes[2].objectLinks);
  EXPECT_FALSE(recorder_.changes[2].peer);
  EXPECT_TRUE(recorder_.changes[3].peer);
  EXPECT_FALSE(recorder_.changes[3].lifetime);

  // lt=30 from now on: gone 30 s after the last Update, not 100 s.
  clock_.advance(29s);
  EXPECT_NE(rd_.registrations().findById(id), nullptr);
  clock_.advance(2s);
  EXPECT_EQ(rd_.registrations().findById(id), nullptr);
  EXPECT_EQ(recorder_.events.back().kind, "expired");
}

TEST_F(RegistrationInterfaceTest, RegularUpdatesKeepARegistrationForAsLongAsTheyCome) {
  std::string id = registerDevice("sensor-1", "lt=60");
  for (int i = 0; i < 10; ++i) {
    clock_.advance(40s);
    EXPECT_EQ(send(coap::codes::Post, "rd/" + id).code, coap::codes::Changed);
  }
  EXPECT_NE(rd_.registrations().findById(id), nullptr);
  clock_.advance(59s);
  EXPECT_NE(rd_.registrations().findById(id), nullptr) << "59 s after the last Update";
  clock_.advance(1s);
  EXPECT_EQ(rd_.registrations().findById(id), nullptr);
  EXPECT_EQ(recorder_.events.back().kind, "expired");
}

TEST_F(RegistrationInterfaceTest, RebindMovesTheDeviceAndTellsListenersOnlyOnAChange) {
  std::string id = registerDevice("sensor-1");
  const coap::Peer before = rd_.registrations().findById(id)->peer;
  rd_.rebind(id, before);
  EXPECT_EQ(recorder_.events.size(), 1u) << "same address: nothing to tell";
  const coap::Peer moved{boost::asio::ip::make_address("127.0.0.1"), 41001};
  rd_.rebind(id, moved);
  EXPECT_EQ(rd_.registrations().findById(id)->peer, moved);
  ASSERT_EQ(recorder_.events.size(), 2u);
  EXPECT_EQ(recorder_.events[1].kind, "rebound");
  rd_.rebind("unknown", moved);
  EXPECT_EQ(recorder_.events.size(), 2u);
}

TEST_F(RegistrationInterfaceTest, UpdateOfUnknownIdIsNotFound) {
  EXPECT_EQ(send(coap::codes::Post, "rd/nope").code, coap::codes::NotFound);
  EXPECT_EQ(send(coap::codes::Delete, "rd/nope").code, coap::codes::NotFound);
  EXPECT_TRUE(recorder_.events.empty());
}

TEST_F(RegistrationInterfaceTest, DeregisterRemovesAndStopsExpiry) {
  std::string id = registerDevice("sensor-1");
  EXPECT_EQ(send(coap::codes::Delete, "rd/" + id).code, coap::codes::Deleted);
  EXPECT_EQ(rd_.registrations().size(), 0u);
  clock_.advance(120s);
  ASSERT_EQ(recorder_.events.size(), 2u);
  EXPECT_EQ(recorder_.events[1].kind, "deregistered");
  EXPECT_EQ(recorder_.events[1].responsesSentBefore, 2u);
}

TEST_F(RegistrationInterfaceTest, ReRegistrationReplacesTheOldRegistration) {
  std::string first = registerDevice("sensor-1");
  std::string second = registerDevice("sensor-1");
  EXPECT_NE(first, second);
  EXPECT_EQ(rd_.registrations().size(), 1u);
  EXPECT_EQ(rd_.registrations().findById(first), nullptr);
  EXPECT_EQ(send(coap::codes::Post, "rd/" + first).code, coap::codes::NotFound);
  ASSERT_EQ(recorder_.events.size(), 2u);
  EXPECT_EQ(recorder_.events[1].kind, "re-registered");
  // The old registration's expiry timer must not remove the new one.
  clock_.advance(59s);
  EXPECT_NE(rd_.registrations().findById(second), nullptr);
}

TEST_F(RegistrationInterfaceTest, WrongMethodsAreRefused) {
  EXPECT_EQ(send(coap::codes::Get, "rd").code, coap::codes::MethodNotAllowed);
  std::string id = registerDevice("a");
  EXPECT_EQ(send(coap::codes::Put, "rd/" + id).code, coap::codes::MethodNotAllowed);
  EXPECT_EQ(send(coap::codes::Post, "rd/" + id + "/x").code, coap::codes::NotFound);
}

TEST_F(RegistrationInterfaceTest, ManyDevicesExpireIndependently) {
  for (int i = 0; i < 100; ++i) registerDevice("dev-" + std::to_string(i), i % 2 ? "lt=30" : "lt=90");
  clock_.advance(31s);
  EXPECT_EQ(rd_.registrations().size(), 50u);
  clock_.advance(60s);
  EXPECT_EQ(rd_.registrations().size(), 0u);
}

}  // namespace
}  // namespace lwm2m::server
