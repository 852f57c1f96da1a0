// Endpoint as a CoAP server: incoming requests from a scripted peer.
#include <gtest/gtest.h>

#include "lwm2m/coap/endpoint.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::peerAt;
using Bytes = std::vector<std::uint8_t>;

Message makeRequest(MessageType type, std::uint16_t messageId, std::string_view path = "3/0/0") {
  Message m;
  m.type = type;
  m.code = codes::Get;
  m.messageId = messageId;
  m.token = {0xa1, 0xb2};
  m.setUriPath(path);
  return m;
}

class EndpointServerTest : public ::testing::Test {
 protected:
  EndpointServerTest() {
    endpoint.start();
    endpoint.setRequestHandler([this](const Peer& from, const Message& request,
                                      Endpoint::Responder respond) {
      ++handled;
      lastFrom = from;
      lastRequest = request;
      if (answerInline) {
        Message reply = Message::response(request, codes::Content);
        reply.setPayload("22.3 C");
        respond(reply);
      } else {
        pending = respond;
      }
    });
  }

  Message lastSent() const { return transport.sent.back().message(); }

  ManualScheduler scheduler;
  Peer gateway = peerAt("10.0.0.1", 5683);
  Peer device = peerAt("10.0.0.2", 40000);
  FakeTransport transport{scheduler, gateway};
  Endpoint endpoint{transport, scheduler, TransmissionParameters{}, [] { return 0x1000u; }};
  int handled = 0;
  bool answerInline = true;
  Peer lastFrom;
  Message lastRequest;
  Endpoint::Responder pending;
};

TEST_F(EndpointServerTest, ResponseGivenInsideHandlerIsPiggybackedOnAck) {
  transport.inject(device, makeRequest(MessageType::Confirmable, 0x7d34));
  ASSERT_EQ(handled, 1);
  EXPECT_EQ(lastFrom, device);
  EXPECT_EQ(lastRequest.uriPath(), (std::vector<std::string>{"3", "0", "0"}));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].to, device);
  Message ack = lastSent();
  EXPECT_EQ(ack.type, MessageType::Acknowledgement);
  EXPECT_EQ(ack.messageId, 0x7d34);
  EXPECT_EQ(ack.code, codes::Content);
  EXPECT_EQ(ack.token, (Token{0xa1, 0xb2}));
  EXPECT_EQ(ack.payloadString(), "22.3 C");
}

TEST_F(EndpointServerTest, LateResponseGoesAsSeparateConAfterEmptyAck) {
  answerInline = false;
  transport.inject(device, makeRequest(MessageType::Confirmable, 0x0101));
  scheduler.advance(499ms);
  EXPECT_TRUE(transport.sent.empty());
  scheduler.advance(1ms);
  ASSERT_EQ(transport.sent.size(), 1u);
  Message emptyAck = lastSent();
  EXPECT_EQ(emptyAck.type, MessageType::Acknowledgement);
  EXPECT_TRUE(emptyAck.code.isEmpty());
  EXPECT_EQ(emptyAck.messageId, 0x0101);

  scheduler.advance(3s);
  Message request = lastRequest;
  pending(Message::response(request, codes::Content));
  ASSERT_EQ(transport.sent.size(), 2u);
  Message separate = lastSent();
  EXPECT_EQ(separate.type, MessageType::Confirmable);
  EXPECT_EQ(separate.code, codes::Content);
  EXPECT_EQ(separate.token, (Token{0xa1, 0xb2}));
  EXPECT_EQ(separate.messageId, 0x1000);  // from the per-peer message-ID space

  // Not acknowledged: retransmitted with back-off (random 0x1000/2^32 ≈ factor 1).
  scheduler.advance(2001ms);
  ASSERT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(transport.sent[2].bytes, transport.sent[1].bytes);
  Message ack;
  ack.type = MessageType::Acknowledgement;
  ack.messageId = separate.messageId;
  transport.inject(device, ack);
  scheduler.advance(120s);
  EXPECT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(endpoint.stats().retransmissions, 1u);
}

TEST_F(EndpointServerTest, UnacknowledgedSeparateResponseStopsAfterMaxRetransmit) {
  answerInline = false;
  transport.inject(device, makeRequest(MessageType::Confirmable, 0x0101));
  scheduler.advance(500ms);
  pending(Message::response(lastRequest, codes::Changed));
  scheduler.advance(300s);
  EXPECT_EQ(transport.sent.size(), 1u + 1u + 4u);  // empty ACK, response, 4 retransmissions
}

TEST_F(EndpointServerTest, ResponseWithinSeparateAckDelayIsStillPiggybacked) {
  answerInline = false;
  transport.inject(device, makeRequest(MessageType::Confirmable, 0x0202));
  scheduler.advance(200ms);
  pending(Message::response(lastRequest, codes::Changed));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(lastSent().type, MessageType::Acknowledgement);
  EXPECT_EQ(lastSent().code, codes::Changed);
  scheduler.advance(10s);
  EXPECT_EQ(transport.sent.size(), 1u);
}

TEST_F(EndpointServerTest, ZeroSeparateAckDelaySendsEmptyAckImmediately) {
  TransmissionParameters parameters;
  parameters.separateAckDelay = 0ms;
  FakeTransport other(scheduler, gateway);
  Endpoint immediate(other, scheduler, parameters, [] { return 7u; });
  immediate.start();
  immediate.setRequestHandler([](const Peer&, const Message&, Endpoint::Responder) {});
  other.inject(device, makeRequest(MessageType::Confirmable, 0x0303));
  ASSERT_EQ(other.sent.size(), 1u);
  EXPECT_TRUE(other.sent[0].message().code.isEmpty());
  EXPECT_EQ(other.sent[0].message().type, MessageType::Acknowledgement);
}

TEST_F(EndpointServerTest, DuplicateConReplaysCachedResponseWithoutCallingHandler) {
  auto request = makeRequest(MessageType::Confirmable, 0x4444);
  transport.inject(device, request);
  scheduler.advance(3s);
  transport.inject(device, request);
  EXPECT_EQ(handled, 1);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[1].bytes, transport.sent[0].bytes);
  EXPECT_EQ(endpoint.stats().duplicates, 1u);
  // The same message ID from another peer is a different message.
  transport.inject(peerAt("10.0.0.3", 40000), request);
  EXPECT_EQ(handled, 2);
}

// Short replies (an empty ACK, a 2.04) are kept inline, longer ones on the
// heap: a duplicate gets the same bytes either way, 8-byte token included.
TEST_F(EndpointServerTest, DuplicateConReplaysShortAndLongResponsesByteForByte) {
  answerInline = false;
  std::uint16_t messageId = 0x5000;
  for (std::size_t length : {std::size_t{0}, std::size_t{8}, std::size_t{300}}) {
    auto request = makeRequest(MessageType::Confirmable, ++messageId);
    request.token = {1, 2, 3, 4, 5, 6, 7, 8};
    transport.inject(device, request);
    ASSERT_TRUE(pending);
    Message reply = Message::response(request, codes::Content);
    reply.setPayload(std::string(length, 'x'));
    pending(reply);
    const std::size_t sent = transport.sent.size();
    transport.inject(device, request);
    ASSERT_EQ(transport.sent.size(), sent + 1) << length;
    EXPECT_EQ(transport.sent.back().bytes, transport.sent[sent - 1].bytes) << length;
    const Message replayed = lastSent();
    EXPECT_EQ(replayed.token, request.token) << length;
    EXPECT_EQ(replayed.payload.size(), length);
  }
  EXPECT_EQ(endpoint.stats().duplicates, 3u);
}

// A new device given the port of an earlier one (or a device that restarted)
// may reuse a message ID: with another token it is a new request, answered on
// its own, not with the reply cached for the earlier one.
TEST_F(EndpointServerTest, SameMessageIdWithAnotherTokenIsANewRequest) {
  auto first = makeRequest(MessageType::Confirmable, 0x4444, "rd");
  transport.inject(device, first);
  auto second = first;
  second.token = {0x0c, 0x0d, 0x0e};
  scheduler.advance(10s);
  transport.inject(device, second);
  EXPECT_EQ(handled, 2);
  EXPECT_EQ(endpoint.stats().duplicates, 0u);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(lastSent().token, second.token);
  EXPECT_EQ(lastSent().messageId, 0x4444);
  // Its own retransmission is a duplicate again, answered with its own reply.
  transport.inject(device, second);
  EXPECT_EQ(handled, 2);
  EXPECT_EQ(endpoint.stats().duplicates, 1u);
  EXPECT_EQ(lastSent().token, second.token);
  // The earlier entry's expiry does not drop the newer one.
  scheduler.advance(TransmissionParameters{}.exchangeLifetime() - 5s);
  transport.inject(device, second);
  EXPECT_EQ(handled, 2);
}

// A device that left (its registration ended): what was remembered from its
// address goes within a sweep, not after EXCHANGE_LIFETIME; other peers keep theirs.
TEST_F(EndpointServerTest, ForgottenPeerIsNoLongerRemembered) {
  auto request = makeRequest(MessageType::Confirmable, 0x5555);
  const Peer other = peerAt("10.0.0.3", 40000);
  transport.inject(device, request);
  transport.inject(other, request);
  EXPECT_EQ(endpoint.load().rememberedMessages, 2u);
  endpoint.forgetPeer(device);
  scheduler.advance(6s);
  EXPECT_EQ(endpoint.load().rememberedMessages, 1u);
  transport.inject(other, request);
  EXPECT_EQ(handled, 2) << "the other peer's message is still known as a duplicate";
  transport.inject(device, request);
  EXPECT_EQ(handled, 3) << "the forgotten peer's message is new again";
}

TEST_F(EndpointServerTest, DuplicateConWhilePendingGetsEmptyAckAndLaterSeparateResponse) {
  answerInline = false;
  auto request = makeRequest(MessageType::Confirmable, 0x4545);
  transport.inject(device, request);
  scheduler.advance(100ms);
  transport.inject(device, request);
  EXPECT_EQ(handled, 1);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_TRUE(lastSent().code.isEmpty());
  scheduler.advance(1s);  // the delayed empty ACK is not sent twice
  EXPECT_EQ(transport.sent.size(), 1u);
  transport.inject(device, request);  // another duplicate: empty ACK replayed
  EXPECT_EQ(transport.sent.size(), 2u);
  pending(Message::response(lastRequest, codes::Content));
  EXPECT_EQ(lastSent().type, MessageType::Confirmable);
  EXPECT_EQ(handled, 1);
}

TEST_F(EndpointServerTest, SameMessageIdAfterExchangeLifetimeIsANewRequest) {
  auto request = makeRequest(MessageType::Confirmable, 0x5555);
  transport.inject(device, request);
  scheduler.advance(endpoint.parameters().exchangeLifetime() + 10s);
  transport.inject(device, request);
  EXPECT_EQ(handled, 2);
}

TEST_F(EndpointServerTest, NonRequestGetsNonResponseAndDuplicatesAreDropped) {
  auto request = makeRequest(MessageType::NonConfirmable, 0x6666);
  transport.inject(device, request);
  ASSERT_EQ(transport.sent.size(), 1u);
  Message response = lastSent();
  EXPECT_EQ(response.type, MessageType::NonConfirmable);
  EXPECT_EQ(response.code, codes::Content);
  EXPECT_EQ(response.messageId, 0x1000);
  EXPECT_EQ(response.token, request.token);
  transport.inject(device, request);
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(transport.sent.size(), 1u);
  scheduler.advance(10s);
  EXPECT_EQ(transport.sent.size(), 1u);  // NON responses are not retransmitted
}

TEST_F(EndpointServerTest, UnknownCriticalOptionGetsBadOptionWithoutCallingHandler) {
  auto request = makeRequest(MessageType::Confirmable, 0x0a0a);
  request.addOption(9, "x");  // odd = critical, not known
  transport.inject(device, request);
  EXPECT_EQ(handled, 0);
  ASSERT_EQ(transport.sent.size(), 1u);
  Message reply = lastSent();
  EXPECT_EQ(reply.type, MessageType::Acknowledgement);
  EXPECT_EQ(reply.code, codes::BadOption);
  EXPECT_EQ(reply.messageId, 0x0a0a);
  EXPECT_EQ(reply.token, request.token);
  EXPECT_EQ(reply.payloadString(), "unrecognized critical option 9");
}

TEST_F(EndpointServerTest, CriticalOptionWithInvalidLengthIsBadOption) {
  auto request = makeRequest(MessageType::Confirmable, 0x0a0b);
  request.addOption(option::UriHost, "");  // Uri-Host must be 1..255 bytes
  transport.inject(device, request);
  EXPECT_EQ(handled, 0);
  EXPECT_EQ(lastSent().code, codes::BadOption);
}

TEST_F(EndpointServerTest, UnknownCriticalOptionInNonRequestIsReset) {
  auto request = makeRequest(MessageType::NonConfirmable, 0x0b0b);
  request.addOption(2049, "x");
  transport.inject(device, request);
  EXPECT_EQ(handled, 0);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(lastSent().type, MessageType::Reset);
  EXPECT_EQ(lastSent().messageId, 0x0b0b);
}

TEST_F(EndpointServerTest, UnknownElectiveOptionsAndBadElectiveLengthsAreIgnored) {
  auto request = makeRequest(MessageType::Confirmable, 0x0c0c);
  request.addOption(2048, "x");                          // even = elective, unknown
  request.addOption(option::ContentFormat, OptionValue{1, 2, 3});  // elective, too long
  transport.inject(device, request);
  ASSERT_EQ(handled, 1);
  EXPECT_EQ(lastRequest.contentFormat(), std::nullopt);
  EXPECT_NE(lastRequest.findOption(2048), nullptr);
  EXPECT_EQ(lastSent().code, codes::Content);
}

TEST_F(EndpointServerTest, MalformedConIsResetAndOtherMalformedDatagramsDropped) {
  transport.inject(device, Bytes{0x4f, 0x01, 0x12, 0x34});  // CON, token length 15
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(lastSent().type, MessageType::Reset);
  EXPECT_EQ(lastSent().messageId, 0x1234);
  transport.inject(device, Bytes{0x5f, 0x01, 0x12, 0x35});  // NON, token length 15
  transport.inject(device, Bytes{0x40, 0x01, 0x12});        // truncated header
  transport.inject(device, Bytes{0x80, 0x01, 0x12, 0x36});  // version 2
  EXPECT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(endpoint.stats().malformed, 4u);
  EXPECT_EQ(handled, 0);
}

TEST_F(EndpointServerTest, PingAndReservedCodeClassesAreReset) {
  transport.inject(device, Bytes{0x40, 0x00, 0x00, 0x01});  // empty CON
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(lastSent().type, MessageType::Reset);
  EXPECT_EQ(lastSent().messageId, 0x0001);
  transport.inject(device, Bytes{0x40, 0xe1, 0x00, 0x02});  // CON 7.01
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(lastSent().type, MessageType::Reset);
  EXPECT_EQ(lastSent().messageId, 0x0002);
  transport.inject(device, Bytes{0x50, 0x21, 0x00, 0x03});  // NON 1.01: dropped
  EXPECT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(handled, 0);
}

TEST(EndpointWithoutHandlerTest, AnswersServiceUnavailable) {
  ManualScheduler scheduler;
  FakeTransport transport(scheduler, peerAt("::1", 5683));
  Endpoint endpoint(transport, scheduler, {}, [] { return 1u; });
  endpoint.start();
  transport.inject(peerAt("::1", 6000), makeRequest(MessageType::Confirmable, 9));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].message().code, codes::ServiceUnavailable);
  EXPECT_EQ(transport.sent[0].message().type, MessageType::Acknowledgement);
}

TEST_F(EndpointServerTest, SecondRespondCallIsIgnored) {
  answerInline = false;
  transport.inject(device, makeRequest(MessageType::Confirmable, 0x0d0d));
  pending(Message::response(lastRequest, codes::Content));
  pending(Message::response(lastRequest, codes::NotFound));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(lastSent().code, codes::Content);
}

TEST_F(EndpointServerTest, ResponderOutlivingEndpointIsHarmless) {
  Endpoint::Responder kept;
  {
    FakeTransport other(scheduler, gateway);
    Endpoint shortLived(other, scheduler, {}, [] { return 3u; });
    shortLived.start();
    shortLived.setRequestHandler(
        [&](const Peer&, const Message&, Endpoint::Responder respond) { kept = respond; });
    other.inject(device, makeRequest(MessageType::Confirmable, 0x0e0e));
  }
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
  kept(Message{});
  scheduler.advance(1s);
}

TEST_F(EndpointServerTest, RememberedMessagesAreForgottenAfterTheirLifetime) {
  for (std::uint16_t mid = 0; mid < 200; ++mid) {
    transport.inject(peerAt("10.0.1.1", static_cast<std::uint16_t>(1000 + mid % 7)),
                     makeRequest(mid % 2 ? MessageType::Confirmable : MessageType::NonConfirmable,
                                 mid));
  }
  EXPECT_EQ(endpoint.load().rememberedMessages, 200u);
  EXPECT_GT(endpoint.load().knownPeers, 0u);  // NON responses used message IDs
  scheduler.advance(endpoint.parameters().exchangeLifetime() + 10s);
  EXPECT_EQ(endpoint.load().rememberedMessages, 0u);
  EXPECT_EQ(endpoint.load().knownPeers, 0u);
  EXPECT_EQ(scheduler.pendingTimers(), 0u);  // the sweep stops when nothing is left
}

TEST_F(EndpointServerTest, RequestHandlerMayDestroyTheEndpoint) {
  FakeTransport other(scheduler, gateway);
  auto doomed = std::make_unique<Endpoint>(other, scheduler, TransmissionParameters{},
                                           [] { return 5u; });
  doomed->start();
  doomed->setRequestHandler([&](const Peer&, const Message& request, Endpoint::Responder respond) {
    doomed.reset();
    respond(Message::response(request, codes::Content));  // a no-op now
  });
  other.inject(device, makeRequest(MessageType::Confirmable, 0x0f0f));
  EXPECT_EQ(doomed, nullptr);
  EXPECT_TRUE(other.sent.empty());
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

}  // namespace
}  // namespace lwm2m::coap
