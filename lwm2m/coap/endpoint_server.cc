// Endpoint, server side: incoming requests, duplicate detection, piggybacked
// and separate responses (RFC 7252 §4.2, §4.5, §5.2).
#include <string>

#include "lwm2m/coap/block.h"

#include "lwm2m/coap/endpoint_impl.h"

namespace lwm2m::coap {

namespace {
constexpr std::size_t kLargestKeptBlock = 64;  // bytes of a Block2 block kept for duplicate replay
}  // namespace

// Shared by every copy of the Responder function handed to the application:
// the first call answers, later calls are ignored; once the endpoint is gone
// every call is a no-op.
struct Endpoint::Impl::Responder {
  std::weak_ptr<Impl> endpoint;
  MessageKey key;
  std::uint64_t serial = 0;
  bool confirmable = true;
  std::string token;
  std::optional<BlockOption> block1;  // echoed on the response to a block-wise request
  std::optional<BlockOption> block2;  // the block of the response the peer asked for
  bool used = false;

  void operator()(Message response) {
    if (used) return;
    used = true;
    auto self = endpoint.lock();
    if (!self || self->stopped_) return;
    if (block1) setBlock(response, option::Block1, *block1);
    self->sliceBlock2(block2, response);
    self->respond(key, serial, confirmable, token, std::move(response));
  }
};

void Endpoint::Impl::onRequest(const Peer& from, Message request) {
  const MessageKey key{from, request.messageId};
  const bool confirmable = request.type == MessageType::Confirmable;

  if (Received* found = duplicateOf(key, request.token)) {
    ++stats.duplicates;
    Received& entry = *found;
    if (!confirmable) return;
    if (entry.state == ReceivedState::Pending) {
      // The peer is retransmitting while the application is still working:
      // stop it with an empty ACK now; the response will be a separate one.
      scheduler_.cancel(entry.ackTimer);
      entry.ackTimer = 0;
      entry.reply = emptyBytes(MessageType::Acknowledgement, key.messageId);
      entry.state = ReceivedState::EmptyAckSent;
    }
    if (!entry.reply.empty()) sendDatagram(from, view(entry.reply));
    return;
  }

  Received& entry = remember(key, confirmable, request.token);
  const std::uint64_t serial = entry.serial;

  if (hasUnacceptableOption(request)) {
    // RFC 7252 §5.4.1: unrecognised critical option → 4.02 for CON, reject (RST) for NON.
    entry.state = ReceivedState::Answered;
    if (!confirmable) {
      sendEmpty(from, MessageType::Reset, key.messageId);
      return;
    }
    Message reply = Message::response(request, codes::BadOption);
    reply.type = MessageType::Acknowledgement;
    reply.messageId = key.messageId;
    for (const Option& o : request.options()) {
      if (option::isCritical(o.number) &&
          (!option::isKnown(o.number) || !option::hasValidLength(o.number, o.value.size()))) {
        reply.setPayload("unrecognized critical option " + std::to_string(o.number));
        break;
      }
    }
    entry.reply.clear();
    encodeTo(reply, entry.reply);
    sendDatagram(from, view(entry.reply));
    return;
  }
  // RFC 7252 §5.4.3: an elective option with an out-of-range length is ignored.
  std::vector<std::uint16_t> ignored;
  for (const Option& o : request.options()) {
    if (!option::hasValidLength(o.number, o.value.size())) ignored.push_back(o.number);
  }
  for (std::uint16_t number : ignored) request.removeOptions(number);

  std::optional<BlockOption> block1;
  if (request.findOption(option::Block1) != nullptr) {
    block1 = assembleBlock1(key, serial, request);
    if (!block1) return;  // answered: 2.31 Continue or an error
  }

  auto state = std::make_shared<Responder>();
  state->block1 = block1;
  state->block2 = parseBlock(request, option::Block2);
  state->endpoint = weak_from_this();
  state->key = key;
  state->serial = serial;
  state->confirmable = confirmable;
  state->token.assign(request.token.begin(), request.token.end());
  Endpoint::Responder respondFn = [state](Message response) { (*state)(std::move(response)); };

  if (!requestHandler) {
    respondFn(Message::response(request, codes::ServiceUnavailable));
  } else {
    auto keepAlive = shared_from_this();  // the handler may destroy the Endpoint
    requestHandler(from, request, respondFn);
    if (stopped_) return;
  }

  if (!confirmable || stopped_) return;
  auto found = received_.find(key);
  if (found == received_.end() || found->second.serial != serial ||
      found->second.state != ReceivedState::Pending) {
    return;
  }
  if (parameters.separateAckDelay.count() <= 0) {
    sendSeparateAck(key, serial);
  } else {
    found->second.ackTimer = scheduler_.schedule(parameters.separateAckDelay, [this, key, serial] {
      sendSeparateAck(key, serial);
    });
  }
}

void Endpoint::Impl::sendSeparateAck(const MessageKey& key, std::uint64_t serial) {
  auto found = received_.find(key);
  if (found == received_.end() || found->second.serial != serial) return;
  Received& entry = found->second;
  entry.ackTimer = 0;
  if (entry.state != ReceivedState::Pending) return;
  entry.reply = emptyBytes(MessageType::Acknowledgement, key.messageId);
  entry.state = ReceivedState::EmptyAckSent;
  sendDatagram(key.peer, view(entry.reply));
}

void Endpoint::Impl::respond(const MessageKey& key, std::uint64_t serial, bool confirmable,
                             const std::string& token, Message response) {
  response.token.assign(token.begin(), token.end());
  auto found = received_.find(key);
  Received* entry =
      (found != received_.end() && found->second.serial == serial) ? &found->second : nullptr;

  if (confirmable && entry != nullptr && entry->state == ReceivedState::Pending) {
    scheduler_.cancel(entry->ackTimer);
    entry->ackTimer = 0;
    response.type = MessageType::Acknowledgement;
    response.messageId = key.messageId;
    entry->reply.clear();
    encodeTo(response, entry->reply);
    entry->state = ReceivedState::Answered;
    sendDatagram(key.peer, view(entry->reply));
    if (response.findOption(option::Block2) != nullptr && response.payload.size() > kLargestKeptBlock) {
      // A block of a large body (a package being downloaded) is not kept for
      // EXCHANGE_LIFETIME: a duplicate of its GET is answered anew.
      received_.erase(found);
    }
    return;
  }
  if (entry != nullptr) entry->state = ReceivedState::Answered;
  if (confirmable) {
    sendSeparate(key.peer, std::move(response));
    return;
  }
  auto messageId = messageIds_.allocate(key.peer, scheduler_.now());
  if (!messageId) return;  // message-ID space exhausted: the response is lost like a dropped datagram
  response.type = MessageType::NonConfirmable;
  response.messageId = *messageId;
  auto bytes = encode(response);
  sendDatagram(key.peer, bytes);
}

void Endpoint::Impl::sendSeparate(const Peer& to, Message response) {
  auto messageId = messageIds_.allocate(to, scheduler_.now());
  if (!messageId) return;
  response.type = MessageType::Confirmable;
  response.messageId = *messageId;
  const MessageKey key{to, *messageId};
  Separate& separate = separates_[key];
  separate.datagram = encode(response);
  separate.timeout = initialTimeout();
  separate.timer = scheduler_.schedule(separate.timeout, [this, key] { onSeparateTimer(key); });
  sendDatagram(to, separate.datagram);
  scheduleSweep();
}

void Endpoint::Impl::onSeparateTimer(const MessageKey& key) {
  auto found = separates_.find(key);
  if (found == separates_.end()) return;
  Separate& separate = found->second;
  if (separate.retransmissions >= parameters.maxRetransmit) {
    separates_.erase(found);  // the peer never acknowledged: give up
    return;
  }
  ++separate.retransmissions;
  ++stats.retransmissions;
  separate.timeout = nextTimeout(separate.timeout);
  separate.timer = scheduler_.schedule(separate.timeout, [this, key] { onSeparateTimer(key); });
  sendDatagram(key.peer, separate.datagram);
}

bool Endpoint::Impl::onSeparateAckOrReset(const MessageKey& key) {
  auto found = separates_.find(key);
  if (found == separates_.end()) return false;
  scheduler_.cancel(found->second.timer);
  separates_.erase(found);
  return true;
}

}  // namespace lwm2m::coap
