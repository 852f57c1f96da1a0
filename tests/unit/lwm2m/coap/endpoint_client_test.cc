// Endpoint as a CoAP client: outgoing requests answered by a scripted peer.
#include <gtest/gtest.h>

#include "lwm2m/coap/endpoint.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::peerAt;
using Bytes = std::vector<std::uint8_t>;

class EndpointClientTest : public ::testing::Test {
 protected:
  EndpointClientTest() { endpoint->start(); }

  Message get(std::string_view path = "3/0/1", MessageType type = MessageType::Confirmable) {
    Message m;
    m.type = type;
    m.code = codes::Get;
    m.setUriPath(path);
    return m;
  }
  Endpoint::RequestId send(Message request, bool keepToken = false) {
    return endpoint->sendRequest(device, std::move(request),
                                 [this](const ResponseResult& r) { results.push_back(r); },
                                 keepToken);
  }
  Message sentAt(std::size_t i) const { return transport.sent.at(i).message(); }
  Message ackFor(const Message& request, Code code, std::string_view payload = {}) {
    Message ack = Message::response(request, code);
    ack.type = MessageType::Acknowledgement;
    ack.messageId = request.messageId;
    ack.setPayload(payload);
    return ack;
  }
  Message emptyAck(std::uint16_t messageId) {
    Message ack;
    ack.type = MessageType::Acknowledgement;
    ack.messageId = messageId;
    return ack;
  }
  // Observes `path` and answers with the first notification (Observe 1):
  // the request the endpoint sent.
  Message observeAnswered(std::string_view path, Endpoint::RequestId* id = nullptr) {
    Message observe = get(path);
    observe.setObserve(0);
    const auto sent = send(observe, /*keepToken=*/true);
    if (id != nullptr) *id = sent;
    Message request = sentAt(transport.sent.size() - 1);
    Message first = ackFor(request, codes::Content, "1");
    first.setObserve(1);
    transport.inject(device, first);
    return request;
  }
  Message separate(const Message& request, MessageType type, std::uint16_t messageId,
                   Code code = codes::Content) {
    Message response = Message::response(request, code);
    response.type = type;
    response.messageId = messageId;
    return response;
  }

  ManualScheduler scheduler;
  Peer gateway = peerAt("10.0.0.1", 5683);
  Peer device = peerAt("10.0.0.2", 40000);
  FakeTransport transport{scheduler, gateway};
  std::uint32_t randomValue = 0;
  std::unique_ptr<Endpoint> endpoint = std::make_unique<Endpoint>(
      transport, scheduler, TransmissionParameters{}, [this] { return randomValue; });
  std::vector<ResponseResult> results;
};

TEST_F(EndpointClientTest, PiggybackedResponseCompletesRequest) {
  send(get());
  EXPECT_TRUE(results.empty()) << "the handler never runs inside sendRequest";
  ASSERT_EQ(transport.sent.size(), 1u);
  Message request = sentAt(0);
  EXPECT_EQ(transport.sent[0].to, device);
  EXPECT_EQ(request.type, MessageType::Confirmable);
  EXPECT_EQ(request.token.size(), 8u);
  EXPECT_EQ(request.uriPath(), (std::vector<std::string>{"3", "0", "1"}));
  transport.inject(device, ackFor(request, codes::Content, "hello"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Ok);
  EXPECT_EQ(results[0].response.code, codes::Content);
  EXPECT_EQ(results[0].response.payloadString(), "hello");
  EXPECT_EQ(results[0].from, device);
  scheduler.advance(300s);
  EXPECT_EQ(transport.sent.size(), 1u) << "no retransmission after the ACK";
  EXPECT_EQ(results.size(), 1u);
  EXPECT_EQ(endpoint->load().pendingRequests, 0u);
}

class BackoffTest : public EndpointClientTest,
                    public ::testing::WithParamInterface<std::uint32_t> {};

TEST_P(BackoffTest, RetransmitsWithRandomisedExponentialBackoffThenTimesOut) {
  randomValue = GetParam();
  send(get());
  scheduler.advance(200s);
  ASSERT_EQ(transport.sent.size(), 5u);  // 1 + MAX_RETRANSMIT
  for (const auto& datagram : transport.sent) EXPECT_EQ(datagram.bytes, transport.sent[0].bytes);
  const auto first = transport.sent[1].at - transport.sent[0].at;
  EXPECT_GE(first, 2000ms);
  EXPECT_LE(first, 3000ms);
  for (std::size_t i = 2; i < transport.sent.size(); ++i) {
    EXPECT_EQ(transport.sent[i].at - transport.sent[i - 1].at, first * (1 << (i - 1))) << i;
  }
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Timeout);
  EXPECT_EQ(results[0].from, device);
  EXPECT_EQ(endpoint->stats().retransmissions, 4u);
  EXPECT_EQ(endpoint->stats().timeouts, 1u);
  EXPECT_EQ(endpoint->stats().sent, 5u);
}

TEST_P(BackoffTest, TimeoutComesAfterThirtyOneInitialTimeouts) {
  randomValue = GetParam();
  send(get());
  const auto start = transport.sent[0].at;
  while (results.empty()) scheduler.advance(*scheduler.nextDeadline() - scheduler.now());
  const auto waited = scheduler.now() - start;
  const auto first = transport.sent[1].at - transport.sent[0].at;
  EXPECT_EQ(waited, first * 31);
  EXPECT_LE(waited, endpoint->parameters().maxTransmitWait());
}

INSTANTIATE_TEST_SUITE_P(RandomValues, BackoffTest,
                         ::testing::Values(0u, 0x40000000u, 0x80000000u, 0xffffffffu));

TEST_F(EndpointClientTest, CustomTransmissionParametersChangeRetransmissions) {
  TransmissionParameters parameters;
  parameters.ackTimeout = 500ms;
  parameters.ackRandomFactor = 1.0;
  parameters.maxRetransmit = 2;
  FakeTransport other(scheduler, gateway);
  Endpoint fast(other, scheduler, parameters, [] { return 99u; });
  fast.start();
  bool timedOut = false;
  fast.sendRequest(device, get(), [&](const ResponseResult& r) {
    timedOut = r.status == RequestStatus::Timeout;
  });
  scheduler.advance(3499ms);
  EXPECT_FALSE(timedOut);
  scheduler.advance(1ms);  // 500 + 1000 + 2000
  EXPECT_TRUE(timedOut);
  EXPECT_EQ(other.sent.size(), 3u);
}

TEST_F(EndpointClientTest, ResetEndsRequest) {
  send(get());
  Message reset;
  reset.type = MessageType::Reset;
  reset.messageId = sentAt(0).messageId;
  transport.inject(device, reset);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Reset);
  scheduler.advance(100s);
  EXPECT_EQ(transport.sent.size(), 1u);
}

TEST_F(EndpointClientTest, EmptyAckThenSeparateConResponseIsAcknowledged) {
  send(get());
  Message request = sentAt(0);
  transport.inject(device, emptyAck(request.messageId));
  scheduler.advance(60s);
  EXPECT_EQ(transport.sent.size(), 1u) << "the empty ACK stops retransmission";
  EXPECT_TRUE(results.empty());

  Message response = separate(request, MessageType::Confirmable, 0xbeef);
  response.setPayload("late");
  transport.inject(device, response);
  ASSERT_EQ(transport.sent.size(), 2u);
  Message ack = sentAt(1);
  EXPECT_EQ(ack.type, MessageType::Acknowledgement);
  EXPECT_TRUE(ack.code.isEmpty());
  EXPECT_EQ(ack.messageId, 0xbeef);
  EXPECT_EQ(transport.sent[1].to, device);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Ok);
  EXPECT_EQ(results[0].response.payloadString(), "late");

  // Our ACK was lost: the device retransmits; we ACK again, the handler is not called again.
  transport.inject(device, response);
  EXPECT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(sentAt(2).messageId, 0xbeef);
  EXPECT_EQ(results.size(), 1u);
}

TEST_F(EndpointClientTest, SeparateNonResponseIsAccepted) {
  send(get());
  Message request = sentAt(0);
  transport.inject(device, emptyAck(request.messageId));
  transport.inject(device, separate(request, MessageType::NonConfirmable, 0x0101));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Ok);
  EXPECT_EQ(transport.sent.size(), 1u) << "a NON response is not acknowledged";
}

TEST_F(EndpointClientTest, SeparateResponseBeforeLostAckStopsRetransmission) {
  send(get());
  Message request = sentAt(0);
  transport.inject(device, separate(request, MessageType::Confirmable, 0x2222));
  ASSERT_EQ(results.size(), 1u);
  scheduler.advance(100s);
  EXPECT_EQ(transport.sent.size(), 2u);  // request + our ACK
}

TEST_F(EndpointClientTest, MissingSeparateResponseTimesOutAfterExchangeLifetime) {
  send(get());
  transport.inject(device, emptyAck(sentAt(0).messageId));
  scheduler.advance(endpoint->parameters().exchangeLifetime() - 1ms);
  EXPECT_TRUE(results.empty());
  scheduler.advance(1ms);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Timeout);
}

TEST_F(EndpointClientTest, ResponseFromNewSourceAddressIsAccepted) {
  send(get());
  Message request = sentAt(0);
  transport.inject(device, emptyAck(request.messageId));
  const Peer rebound = peerAt("192.0.2.7", 51000);
  transport.inject(rebound, separate(request, MessageType::Confirmable, 0x3333));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Ok);
  EXPECT_EQ(results[0].from, rebound);
  EXPECT_EQ(transport.sent.back().to, rebound) << "the ACK goes where the response came from";
}

TEST_F(EndpointClientTest, PiggybackedResponseFromNewSourceAddressIsAccepted) {
  send(get());
  Message request = sentAt(0);
  const Peer rebound = peerAt("10.0.0.2", 40001);
  transport.inject(rebound, ackFor(request, codes::Changed));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].from, rebound);
  EXPECT_EQ(results[0].response.code, codes::Changed);
}

TEST_F(EndpointClientTest, UnknownTokenIsResetAndUnknownAckIgnored) {
  Message stray;
  stray.type = MessageType::Confirmable;
  stray.code = codes::Content;
  stray.messageId = 0x4444;
  stray.token = {1, 2, 3};
  transport.inject(device, stray);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(sentAt(0).type, MessageType::Reset);
  EXPECT_EQ(sentAt(0).messageId, 0x4444);

  stray.type = MessageType::NonConfirmable;
  stray.messageId = 0x4445;
  transport.inject(device, stray);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(sentAt(1).type, MessageType::Reset);

  transport.inject(device, emptyAck(0x7777));
  Message ack = stray;
  ack.type = MessageType::Acknowledgement;
  ack.messageId = 0x7778;
  transport.inject(device, ack);
  EXPECT_EQ(transport.sent.size(), 2u);
}

TEST_F(EndpointClientTest, AckWithWrongTokenOrUnknownCriticalOptionIsIgnored) {
  send(get());
  Message request = sentAt(0);
  Message wrongToken = ackFor(request, codes::Content);
  wrongToken.token = {9, 9};
  transport.inject(device, wrongToken);
  Message badOption = ackFor(request, codes::Content);
  badOption.addOption(65001, "x");
  transport.inject(device, badOption);
  EXPECT_TRUE(results.empty());
  transport.inject(device, ackFor(request, codes::Content));
  EXPECT_EQ(results.size(), 1u);
}

TEST_F(EndpointClientTest, NonRequestIsNotRetransmittedAndMatchedByToken) {
  send(get("3/0", MessageType::NonConfirmable));
  Message request = sentAt(0);
  EXPECT_EQ(request.type, MessageType::NonConfirmable);
  scheduler.advance(60s);
  EXPECT_EQ(transport.sent.size(), 1u);
  transport.inject(device, separate(request, MessageType::NonConfirmable, 0x1234));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Ok);
}

TEST_F(EndpointClientTest, UnansweredNonRequestTimesOut) {
  send(get("3/0", MessageType::NonConfirmable));
  scheduler.advance(endpoint->parameters().exchangeLifetime());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Timeout);
}

TEST_F(EndpointClientTest, ObservationDeliversNotificationsUntilCancelledThenResets) {
  Endpoint::RequestId id = 0;
  Message request = observeAnswered("3/0/13", &id);
  ASSERT_EQ(results.size(), 1u);

  Message notification = separate(request, MessageType::Confirmable, 0x5000);
  notification.setObserve(2);
  notification.setPayload("2");
  transport.inject(device, notification);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].response.payloadString(), "2");
  EXPECT_EQ(sentAt(1).type, MessageType::Acknowledgement);
  EXPECT_EQ(sentAt(1).messageId, 0x5000);

  notification.type = MessageType::NonConfirmable;
  notification.messageId = 0x5001;
  notification.setObserve(3);
  transport.inject(device, notification);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(transport.sent.size(), 2u);

  scheduler.advance(1000s);  // observations do not time out
  EXPECT_EQ(results.size(), 3u);

  endpoint->cancelRequest(id);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[3].status, RequestStatus::Cancelled);

  notification.type = MessageType::Confirmable;
  notification.messageId = 0x5002;
  notification.setObserve(4);
  transport.inject(device, notification);
  EXPECT_EQ(results.size(), 4u);
  EXPECT_EQ(sentAt(2).type, MessageType::Reset) << "passive cancel";
  EXPECT_EQ(sentAt(2).messageId, 0x5002);
}

// NON notifications are remembered per peer, not per message: a copy of a
// recent one is dropped (counted, not answered), one to an unknown token is
// reset once per copy that is not a duplicate, and the peer is forgotten
// once it sent nothing for NON_LIFETIME.
TEST_F(EndpointClientTest, DuplicateNonNotificationsAreDroppedAndForgottenAfterTheirLifetime) {
  Message request = observeAnswered("3/0/13");
  ASSERT_EQ(results.size(), 1u);

  Message notification = separate(request, MessageType::NonConfirmable, 0x6000);
  for (std::uint16_t k = 0; k < 100; ++k) {
    notification.messageId = static_cast<std::uint16_t>(0x6000 + k);
    notification.setObserve(2u + k);
    transport.inject(device, notification);
    transport.inject(device, notification);  // the network duplicated it
  }
  EXPECT_EQ(results.size(), 101u) << "each notification once";
  EXPECT_EQ(endpoint->stats().duplicates, 100u);
  EXPECT_EQ(transport.sent.size(), 1u) << "NON notifications and their copies are not answered";
  EXPECT_EQ(endpoint->load().rememberedMessages, 0u) << "no entry per notification";
  EXPECT_EQ(endpoint->load().notifyingPeers, 1u);

  // The same message ID with another token is another message.
  Message stranger = notification;
  stranger.token = {0x01, 0x02};
  transport.inject(device, stranger);
  EXPECT_EQ(sentAt(1).type, MessageType::Reset);
  EXPECT_EQ(endpoint->stats().resets, 1u) << "one RST, counted once";
  EXPECT_EQ(endpoint->stats().duplicates, 100u);

  // Past NON_LIFETIME a message ID is new again.
  scheduler.advance(TransmissionParameters{}.nonLifetime());
  notification.setObserve(500);
  transport.inject(device, notification);
  EXPECT_EQ(results.size(), 102u);
  scheduler.advance(TransmissionParameters{}.nonLifetime() + 10s);  // the sweep's interval
  EXPECT_EQ(endpoint->load().notifyingPeers, 0u) << "forgotten after NON_LIFETIME";
}

TEST_F(EndpointClientTest, ObservationEndsWithResponseWithoutObserveOption) {
  Message observe = get("3/0/13");
  observe.setObserve(0);
  send(observe, true);
  Message request = sentAt(0);
  transport.inject(device, ackFor(request, codes::NotFound));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(endpoint->load().pendingRequests, 0u);
  Message notification = separate(request, MessageType::NonConfirmable, 0x6000);
  notification.setObserve(5);
  transport.inject(device, notification);
  EXPECT_EQ(results.size(), 1u);
  EXPECT_EQ(sentAt(1).type, MessageType::Reset);
}

TEST_F(EndpointClientTest, NotificationFromNewAddressReachesObservation) {
  Message observe = get("3/0/13");
  observe.setObserve(0);
  send(observe, true);
  Message request = sentAt(0);
  Message first = ackFor(request, codes::Content);
  first.setObserve(1);
  transport.inject(device, first);
  const Peer rebound = peerAt("10.0.0.2", 40999);
  Message notification = separate(request, MessageType::Confirmable, 0x0042);
  notification.setObserve(2);
  transport.inject(rebound, notification);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].from, rebound);
  EXPECT_EQ(transport.sent.back().to, rebound);
}

TEST_F(EndpointClientTest, AdoptedObservationReceivesNotifications) {
  std::vector<ResponseResult> notified;
  endpoint->adoptObservation(device, {0xca, 0xfe},
                             [&](const ResponseResult& r) { notified.push_back(r); });
  Message notification;
  notification.type = MessageType::NonConfirmable;
  notification.code = codes::Content;
  notification.messageId = 77;
  notification.token = {0xca, 0xfe};
  notification.setObserve(9);
  transport.inject(device, notification);
  ASSERT_EQ(notified.size(), 1u);
  EXPECT_EQ(notified[0].response.observe(), 9u);
  EXPECT_TRUE(transport.sent.empty());
}

TEST_F(EndpointClientTest, HandlerMayCancelItsOwnObservation) {
  Message observe = get("3/0/13");
  observe.setObserve(0);
  Endpoint::RequestId id = 0;
  int calls = 0;
  id = endpoint->sendRequest(device, observe, [&](const ResponseResult&) {
    ++calls;
    endpoint->cancelRequest(id);
  }, true);
  Message first = ackFor(sentAt(0), codes::Content);
  first.setObserve(1);
  transport.inject(device, first);
  EXPECT_EQ(calls, 2);  // the notification, then Cancelled from inside it
  EXPECT_EQ(endpoint->load().pendingRequests, 0u);
}

TEST_F(EndpointClientTest, CancelStopsRetransmissionAndIgnoresLateAck) {
  auto id = send(get());
  Message request = sentAt(0);
  endpoint->cancelRequest(id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Cancelled);
  endpoint->cancelRequest(id);  // no-op
  scheduler.advance(100s);
  EXPECT_EQ(transport.sent.size(), 1u);
  transport.inject(device, ackFor(request, codes::Content));
  EXPECT_EQ(results.size(), 1u);
}

TEST_F(EndpointClientTest, TokensAreFreshUnlessProvided) {
  randomValue = 0x01020304;
  send(get());
  send(get());
  Message withToken = get();
  withToken.token = {0x42};
  send(withToken);
  EXPECT_EQ(sentAt(0).token.size(), 8u);
  EXPECT_NE(sentAt(0).token, sentAt(1).token);
  EXPECT_EQ(sentAt(2).token, Token{0x42});
}

TEST_F(EndpointClientTest, MessageIdsAreSequentialPerPeerFromRandomStart) {
  randomValue = 0xfffe;
  send(get());
  send(get());
  send(get());
  EXPECT_EQ(sentAt(0).messageId, 0xfffe);
  EXPECT_EQ(sentAt(1).messageId, 0xffff);
  EXPECT_EQ(sentAt(2).messageId, 0x0000);
  randomValue = 0x0500;
  endpoint->sendRequest(peerAt("10.9.9.9", 5683), get(), [](const ResponseResult&) {});
  EXPECT_EQ(sentAt(3).messageId, 0x0500);
}

TEST_F(EndpointClientTest, ExhaustedMessageIdSpaceReportsOverloadedUntilIdsExpire) {
  TransmissionParameters parameters;
  FakeTransport other(scheduler, gateway);
  Endpoint busy(other, scheduler, parameters, [] { return 0u; });
  busy.start();
  for (int i = 0; i < 65536; ++i) {
    busy.sendRequest(device, get("1", MessageType::NonConfirmable), [](const ResponseResult&) {});
  }
  std::optional<RequestStatus> status;
  busy.sendRequest(device, get(), [&](const ResponseResult& r) { status = r.status; });
  EXPECT_FALSE(status) << "reported asynchronously";
  scheduler.runDue();
  EXPECT_EQ(status, RequestStatus::Overloaded);
  EXPECT_EQ(other.sent.size(), 65536u);

  scheduler.advance(parameters.exchangeLifetime() + 2s);
  busy.sendRequest(device, get(), [](const ResponseResult&) {});
  EXPECT_EQ(other.sent.size(), 65537u);
  EXPECT_EQ(other.sent.back().message().messageId, 0u);
}

TEST_F(EndpointClientTest, DestroyingEndpointCancelsTimersWithoutCallingHandlers) {
  send(get());
  send(get("4", MessageType::NonConfirmable));
  endpoint.reset();
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
  scheduler.advance(500s);
  EXPECT_TRUE(results.empty());
  transport.inject(device, Bytes{0x40, 0x00, 0x00, 0x01});  // ignored, no crash
}

TEST_F(EndpointClientTest, StateIsForgottenAfterExchanges) {
  for (int i = 0; i < 50; ++i) {
    send(get());
    transport.inject(device, ackFor(sentAt(transport.sent.size() - 1), codes::Content));
  }
  EXPECT_EQ(endpoint->load().pendingRequests, 0u);
  EXPECT_EQ(endpoint->load().knownPeers, 1u);
  scheduler.advance(endpoint->parameters().exchangeLifetime() + 10s);
  EXPECT_EQ(endpoint->load().knownPeers, 0u);
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

TEST_F(EndpointClientTest, HandlerMayDestroyTheEndpoint) {
  endpoint->sendRequest(device, get(), [this](const ResponseResult& r) {
    results.push_back(r);
    endpoint.reset();
  });
  transport.inject(device, ackFor(sentAt(0), codes::Content));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(endpoint, nullptr);
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

TEST_F(EndpointClientTest, TimeoutHandlerMayDestroyTheEndpoint) {
  endpoint->sendRequest(device, get(), [this](const ResponseResult& r) {
    results.push_back(r);
    endpoint.reset();
  });
  scheduler.advance(200s);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Timeout);
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

}  // namespace
}  // namespace lwm2m::coap
