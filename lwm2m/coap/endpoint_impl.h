#pragma once
// Internal state of Endpoint (not part of the public API). Three tables:
//  - requests_: our outgoing requests and observations, indexed by token and
//    by (peer, our message ID) while an ACK/RST can still match;
//  - separates_: separate CON responses we retransmit until ACKed;
//  - received_: peers' CON/NON messages remembered for duplicate detection,
//    with the ACK (piggybacked or empty) to replay for a duplicate CON.
// All timers go through the Scheduler and are cancelled on shutdown().

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lwm2m/coap/block.h"
#include "lwm2m/coap/codec.h"
#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/message_ids.h"
#include "lwm2m/coap/recent_notifications.h"

namespace lwm2m::coap {

struct MessageKey {
  Peer peer;
  std::uint16_t messageId = 0;
  friend bool operator==(const MessageKey& a, const MessageKey& b) {
    return a.messageId == b.messageId && PeerEqual{}(a.peer, b.peer);
  }
};

struct MessageKeyHash {
  std::size_t operator()(const MessageKey& key) const noexcept {
    return PeerHash{}(key.peer) * 31 + key.messageId;
  }
};

class Endpoint::Impl : public std::enable_shared_from_this<Endpoint::Impl> {
 public:
  Impl(Transport& transport, Scheduler& scheduler, TransmissionParameters parameters,
       std::function<std::uint32_t()> random);

  void start();
  void shutdown();
  void onDatagram(const Peer& from, std::span<const std::uint8_t> datagram);

  // endpoint_client.cc
  RequestId sendRequest(const Peer& to, Message request, ResponseHandler onResponse,
                        bool keepToken, std::optional<RequestBody> body = std::nullopt);
  RequestId sendNotification(const Peer& to, Message notification, ResponseHandler onDelivered);
  RequestId adoptObservation(const Peer& peer, Token token,
                             ResponseHandler onNotification);
  void cancelRequest(RequestId id);
  void forgetPeer(const Peer& peer);  // dropped at the next sweep()

  RequestHandler requestHandler;
  std::size_t maxBodySize = 1024 * 1024;
  std::uint16_t blockSize = 1024;
  EndpointStats stats;
  TransmissionParameters parameters;
  Transport& transport;

  std::size_t pendingRequests() const { return requests_.size(); }
  bool acknowledged(RequestId id) const {
    auto found = requests_.find(id);
    return found != requests_.end() && found->second.acknowledged;
  }
  std::size_t rememberedMessages() const { return received_.size() + assemblies_.size(); }
  std::size_t notifyingPeers() const { return recentNotifications_.peers(); }
  std::size_t knownPeers() const { return messageIds_.peers(); }

 private:
  using Clock = std::chrono::steady_clock;

  enum class RequestState { AwaitingAck, AwaitingResponse, Observing, Finishing };  // Finishing: result known, reported by a zero-delay timer
  struct Outgoing {
    Peer peer;
    std::vector<std::uint8_t> datagram;  // kept for retransmission while AwaitingAck
    std::uint16_t messageId = 0;
    std::string token;
    // Shared so an observation's handler survives cancelRequest() from inside itself.
    std::shared_ptr<ResponseHandler> handler;
    RequestState state = RequestState::AwaitingAck;
    bool keepToken = false;
    bool notification = false;  // a response we send; completes on its ACK
    bool acknowledged = false;  // an empty ACK came: a separate response is to follow
    unsigned retransmissions = 0;
    Clock::duration timeout{};
    Scheduler::TimerId timer = 0;
    std::vector<std::uint8_t> body;  // Block2 payload received so far
    OptionValue etag;  // of the first block, to detect a changed resource
    unsigned blockRestarts = 0;
    bool fetchingBlocks = false;  // datagram is a follow-up for the next Block2 block
    std::shared_ptr<RequestBody> requestBody;  // a Block1 request's body, read block by block
  };

  struct Separate {
    std::vector<std::uint8_t> datagram;
    unsigned retransmissions = 0;
    Clock::duration timeout{};
    Scheduler::TimerId timer = 0;
  };

  enum class ReceivedState { Pending, EmptyAckSent, Answered };
  // A message is a duplicate only if its token matches too: a new sender on
  // an address (a device restarted, or another device given the same port)
  // may reuse a message ID within EXCHANGE_LIFETIME, and must not be
  // answered with the reply meant for the earlier one.
  struct Received {
    ReceivedState state = ReceivedState::Pending;
    std::uint8_t tokenSize = 0;
    std::array<std::uint8_t, 8> token{};  // RFC 7252 §3: at most 8 bytes
    bool confirmable = true;
    std::uint64_t serial = 0;
    Clock::time_point expires;
    ShortDatagram reply;  // replayed for a duplicate CON (may be empty)
    Scheduler::TimerId ackTimer = 0;
  };

  // A block-wise request body being received (RFC 7959 §2.5), keyed by peer,
  // method and URI.
  struct Assembly {
    std::vector<std::uint8_t> body;
    Clock::time_point expires;
  };

  struct Responder;
  friend struct Responder;

  // endpoint.cc
  void sendDatagram(const Peer& to, std::span<const std::uint8_t> datagram);
  void sendEmpty(const Peer& to, MessageType type, std::uint16_t messageId);
  ShortDatagram emptyBytes(MessageType type, std::uint16_t messageId) const;
  Clock::duration initialTimeout();
  static Clock::duration nextTimeout(Clock::duration timeout);
  Received& remember(const MessageKey& key, bool confirmable, const Token& token);
  // The remembered message with this key, if it has this token; a remembered
  // message with another token is forgotten (see Received).
  Received* duplicateOf(const MessageKey& key, const Token& token);
  void scheduleSweep();
  void sweep();
  static bool hasUnacceptableOption(const Message& message);

  // endpoint_server.cc
  void onRequest(const Peer& from, Message request);
  void respond(const MessageKey& key, std::uint64_t serial, bool confirmable,
               const std::string& token, Message response);
  void sendSeparateAck(const MessageKey& key, std::uint64_t serial);
  void sendSeparate(const Peer& to, Message response);
  void onSeparateTimer(const MessageKey& key);
  bool onSeparateAckOrReset(const MessageKey& key);

  // endpoint_blockwise.cc
  std::optional<BlockOption> assembleBlock1(const MessageKey& key, std::uint64_t serial,
                                            Message& request);
  void answer(const MessageKey& key, std::uint64_t serial, const Message& request,
              Message reply);
  // True if the response was a non-final block and the next one was requested.
  bool continueBlock2(RequestId id, const Peer& from, Message& response);
  void sweepAssemblies(Clock::time_point now);
  // RFC 7641 + 7959 §3.4: a notification carrying Block2 block 0 of a larger
  // body; fetches the rest (GET without Observe) before the handler sees it.
  bool fetchNotificationBody(RequestId id, const Peer& from, Message& notification);
  // RFC 7959 §2.4 early negotiation: with a block size below 1024, a GET or
  // FETCH asks the peer for blocks of that size from the first one.
  void negotiateBlock2(Message& request) const;
  // Outgoing request bodies over blockSize go in Block1 blocks; `body`
  // (if any) replaces the payload. False if the first block cannot be read.
  bool startBlock1(Outgoing& out, Message& request, std::optional<RequestBody> body);
  // True if a 2.31 Continue was answered with the next Block1 block (or the
  // transfer ended: body unreadable).
  bool continueBlock1(RequestId id, const Peer& from, const Message& response);
  // Sends the Block1 block of `size` bytes at `offset`; without a free message
  // ID for the peer (a long transfer at full speed) it waits a second and tries again.
  void sendBlock1(RequestId id, std::uint64_t offset, std::uint16_t size);
  // Cuts a response body over blockSize (or the asked block size) down to the
  // asked Block2 block; a block past the end turns it into 4.02 Bad Option.
  void sliceBlock2(const std::optional<BlockOption>& asked, Message& response) const;

  // endpoint_client.cc
  void onResponse(const Peer& from, Message response);
  void onAcknowledgement(const Peer& from, Message ack);
  void onReset(const Peer& from, const Message& reset);
  std::optional<std::uint16_t> allocateMessageId(RequestId id, Outgoing& out);
  void transmit(RequestId id, Outgoing& out, bool confirmable);
  void onRetransmitTimer(RequestId id);
  void deliver(RequestId id, const Peer& from, Message response);
  void finish(RequestId id, RequestStatus status, Peer from, Message response = {});
  RequestId findByToken(const std::string& token, const Peer& from) const;
  void unindex(RequestId id, Outgoing& request);
  std::string freshToken();

  Scheduler& scheduler_;
  std::function<std::uint32_t()> random_;
  MessageIdAllocator messageIds_;
  bool started_ = false;
  bool stopped_ = false;

  RequestId nextRequestId_ = 1;
  std::uint64_t tokenSalt_ = 0;
  std::unordered_map<RequestId, Outgoing> requests_;
  std::unordered_multimap<std::string, RequestId> byToken_;
  std::unordered_map<MessageKey, RequestId, MessageKeyHash> byMessageId_;

  std::unordered_map<MessageKey, Separate, MessageKeyHash> separates_;

  // CON messages and NON requests received; NON responses (notifications)
  // are remembered per peer in recentNotifications_ instead.
  std::unordered_map<MessageKey, Received, MessageKeyHash> received_;
  RecentNotifications recentNotifications_;
  std::deque<std::pair<Clock::time_point, MessageKey>> conExpiry_;
  std::deque<std::pair<Clock::time_point, MessageKey>> nonExpiry_;
  std::uint64_t nextSerial_ = 1;
  std::unordered_map<std::string, Assembly> assemblies_;
  std::unordered_set<Peer, PeerHash, PeerEqual> departed_;  // forgetPeer() since the last sweep
  Scheduler::TimerId sweepTimer_ = 0;
};

}  // namespace lwm2m::coap
