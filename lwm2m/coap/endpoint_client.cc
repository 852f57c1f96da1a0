// Endpoint, client side: outgoing requests, retransmission with exponential
// back-off, ACK/RST/response matching by message ID and token, observations
// (RFC 7252 §4.2, §5.3.2; RFC 7641 §3.3, §3.6).
#include "lwm2m/coap/endpoint_impl.h"

namespace lwm2m::coap {

namespace {
std::string tokenKey(const Token& token) {
  return std::string(token.begin(), token.end());
}
}  // namespace

// 8 random bytes not used by another pending request. The salt guarantees
// progress even with a poor random source.
std::string Endpoint::Impl::freshToken() {
  std::string token(8, '\0');
  for (;;) {
    std::uint64_t value = (std::uint64_t{random_()} << 32) | random_();
    value ^= ++tokenSalt_ * 0x9e3779b97f4a7c15ULL;
    for (std::size_t i = 0; i < 8; ++i) token[i] = static_cast<char>(value >> (56 - 8 * i));
    if (byToken_.count(token) == 0) return token;
  }
}

Endpoint::RequestId Endpoint::Impl::sendRequest(const Peer& to, Message request,
                                                ResponseHandler onResponse, bool keepToken,
                                                std::optional<RequestBody> body) {
  const RequestId id = nextRequestId_++;
  if (request.token.size() > kMaxTokenLength) request.token.resize(kMaxTokenLength);
  const std::string token = request.token.empty() ? freshToken() : tokenKey(request.token);
  request.token.assign(token.begin(), token.end());

  Outgoing& out = requests_[id];
  out.peer = to;
  out.token = token;
  out.handler = std::make_shared<ResponseHandler>(std::move(onResponse));
  out.keepToken = keepToken;

  auto messageId = allocateMessageId(id, out);
  if (!messageId) return id;
  const bool confirmable = request.type != MessageType::NonConfirmable;
  request.type = confirmable ? MessageType::Confirmable : MessageType::NonConfirmable;
  if (!startBlock1(out, request, std::move(body))) {
    out.state = RequestState::Finishing;
    out.timer = scheduler_.schedule(Clock::duration::zero(), [this, id, to] {
      finish(id, RequestStatus::BodyUnavailable, to);
    });
    return id;
  }
  negotiateBlock2(request);
  request.messageId = *messageId;
  out.messageId = *messageId;
  out.datagram = encode(request);
  byToken_.emplace(token, id);
  byMessageId_[MessageKey{to, *messageId}] = id;

  scheduleSweep();
  transmit(id, out, confirmable);
  return id;
}

// A message ID toward out.peer, or nullopt when that peer's message-ID space is
// exhausted: the request then finishes as Overloaded, from the scheduler.
std::optional<std::uint16_t> Endpoint::Impl::allocateMessageId(RequestId id, Outgoing& out) {
  auto messageId = messageIds_.allocate(out.peer, scheduler_.now());
  if (!messageId) {
    out.state = RequestState::Finishing;
    const Peer to = out.peer;
    out.timer = scheduler_.schedule(Clock::duration::zero(), [this, id, to] {
      finish(id, RequestStatus::Overloaded, to);
    });
  }
  return messageId;
}

// Sends out.datagram and arms the retransmission (CON) or response (NON) timer.
void Endpoint::Impl::transmit(RequestId id, Outgoing& out, bool confirmable) {
  out.retransmissions = 0;
  if (confirmable) {
    out.state = RequestState::AwaitingAck;
    out.timeout = initialTimeout();
    out.timer = scheduler_.schedule(out.timeout, [this, id] { onRetransmitTimer(id); });
  } else {
    out.state = RequestState::AwaitingResponse;
    const Peer peer = out.peer;
    out.timer = scheduler_.schedule(parameters.effectiveResponseTimeout(), [this, id, peer] {
      ++stats.timeouts;
      finish(id, RequestStatus::Timeout, peer);
    });
  }
  sendDatagram(out.peer, out.datagram);
}

Endpoint::RequestId Endpoint::Impl::sendNotification(const Peer& to, Message notification,
                                                     ResponseHandler onDelivered) {
  const RequestId id = nextRequestId_++;
  Outgoing& out = requests_[id];
  out.peer = to;
  out.handler = std::make_shared<ResponseHandler>(std::move(onDelivered));
  out.notification = true;
  auto messageId = allocateMessageId(id, out);
  if (!messageId) return id;
  const bool confirmable = notification.type != MessageType::NonConfirmable;
  notification.type = confirmable ? MessageType::Confirmable : MessageType::NonConfirmable;
  notification.messageId = *messageId;
  out.messageId = *messageId;
  out.datagram = encode(notification);
  scheduleSweep();
  if (confirmable) {
    byMessageId_[MessageKey{to, *messageId}] = id;
    transmit(id, out, true);
    return id;
  }
  sendDatagram(to, out.datagram);
  out.state = RequestState::Finishing;  // nothing to wait for
  out.timer = scheduler_.schedule(Clock::duration::zero(), [this, id, to] {
    finish(id, RequestStatus::Ok, to);
  });
  return id;
}

Endpoint::RequestId Endpoint::Impl::adoptObservation(const Peer& peer,
                                                     Token token,
                                                     ResponseHandler onNotification) {
  const RequestId id = nextRequestId_++;
  if (token.size() > kMaxTokenLength) token.resize(kMaxTokenLength);
  Outgoing& out = requests_[id];
  out.peer = peer;
  out.token = tokenKey(token);
  out.handler = std::make_shared<ResponseHandler>(std::move(onNotification));
  out.keepToken = true;
  out.state = RequestState::Observing;
  byToken_.emplace(out.token, id);
  return id;
}

void Endpoint::Impl::cancelRequest(RequestId id) {
  auto found = requests_.find(id);
  if (found == requests_.end()) return;
  finish(id, RequestStatus::Cancelled, found->second.peer);
}

void Endpoint::Impl::onRetransmitTimer(RequestId id) {
  auto found = requests_.find(id);
  if (found == requests_.end() || found->second.state != RequestState::AwaitingAck) return;
  Outgoing& out = found->second;
  out.timer = 0;
  if (out.retransmissions >= parameters.maxRetransmit) {
    ++stats.timeouts;
    finish(id, RequestStatus::Timeout, out.peer);
    return;
  }
  ++out.retransmissions;
  ++stats.retransmissions;
  out.timeout = nextTimeout(out.timeout);
  out.timer = scheduler_.schedule(out.timeout, [this, id] { onRetransmitTimer(id); });
  sendDatagram(out.peer, out.datagram);
}

void Endpoint::Impl::onAcknowledgement(const Peer& from, Message ack) {
  if (!ack.code.isEmpty() && !ack.code.isResponse()) return;  // reserved code class
  const MessageKey key{from, ack.messageId};
  RequestId id = 0;
  if (auto found = byMessageId_.find(key); found != byMessageId_.end()) {
    id = found->second;
  } else if (onSeparateAckOrReset(key)) {
    return;
  } else if (!ack.code.isEmpty()) {
    // A piggybacked response from a new address (NAT rebinding): match by token.
    id = findByToken(tokenKey(ack.token), from);
    if (id != 0 && requests_.at(id).messageId != ack.messageId) id = 0;
  }
  if (id == 0) return;  // late or unknown ACK: ignore
  Outgoing& out = requests_.at(id);
  if (out.state != RequestState::AwaitingAck) return;

  if (ack.code.isEmpty() && out.notification) {
    finish(id, RequestStatus::Ok, from, std::move(ack));
    return;
  }
  if (ack.code.isEmpty()) {
    // Separate response to follow; stop retransmitting and wait for it.
    scheduler_.cancel(out.timer);
    out.state = RequestState::AwaitingResponse;
    out.acknowledged = true;
    byMessageId_.erase(MessageKey{out.peer, out.messageId});
    const Peer peer = out.peer;
    out.timer = scheduler_.schedule(parameters.effectiveResponseTimeout(), [this, id, peer] {
      ++stats.timeouts;
      finish(id, RequestStatus::Timeout, peer);
    });
    return;
  }
  // RFC 7252 §4.2, §5.4.1: a mismatched token or an unrecognised critical
  // option rejects the ACK, i.e. it is ignored.
  if (tokenKey(ack.token) != out.token || hasUnacceptableOption(ack)) return;
  deliver(id, from, std::move(ack));
}

void Endpoint::Impl::onReset(const Peer& from, const Message& reset) {
  const MessageKey key{from, reset.messageId};
  if (auto found = byMessageId_.find(key); found != byMessageId_.end()) {
    ++stats.resets;
    finish(found->second, RequestStatus::Reset, from);
    return;
  }
  onSeparateAckOrReset(key);
}

void Endpoint::Impl::onResponse(const Peer& from, Message response) {
  const MessageKey key{from, response.messageId};
  const bool confirmable = response.type == MessageType::Confirmable;
  Received* entry = nullptr;  // CON only: what a duplicate is answered with
  if (confirmable) {
    if (const Received* found = duplicateOf(key, response.token)) {
      ++stats.duplicates;
      if (!found->reply.empty()) sendDatagram(from, view(found->reply));
      return;
    }
    entry = &remember(key, true, response.token);
    entry->state = ReceivedState::Answered;
  } else {
    // A NON duplicate is ignored, not answered (RFC 7252 §4.5).
    if (recentNotifications_.seenBefore(from, response.messageId, view(response.token), scheduler_.now())) {
      ++stats.duplicates;
      return;
    }
    scheduleSweep();
  }
  const RequestId id = findByToken(tokenKey(response.token), from);
  if (id == 0 || hasUnacceptableOption(response)) {
    // Unknown token (never sent, finished or cancelled: passive cancel of an
    // observation) or a rejected response: RST (RFC 7252 §4.2, §4.3; RFC 7641 §3.6).
    if (entry == nullptr) {
      sendEmpty(from, MessageType::Reset, key.messageId);  // counts the reset
      return;
    }
    ++stats.resets;
    entry->reply = emptyBytes(MessageType::Reset, key.messageId);
    sendDatagram(from, view(entry->reply));
    return;
  }
  if (entry != nullptr) {
    entry->reply = emptyBytes(MessageType::Acknowledgement, key.messageId);
    sendDatagram(from, view(entry->reply));
  }
  deliver(id, from, std::move(response));
}

void Endpoint::Impl::deliver(RequestId id, const Peer& from, Message response) {
  Outgoing& out = requests_.at(id);
  scheduler_.cancel(out.timer);
  out.timer = 0;
  if (auto found = byMessageId_.find(MessageKey{out.peer, out.messageId});
      found != byMessageId_.end() && found->second == id) {
    byMessageId_.erase(found);
  }
  if (continueBlock1(id, from, response) || continueBlock2(id, from, response)) return;
  // RFC 7641 §3.2: without Observe, or with an error code, the observation is over.
  const bool observing =
      out.keepToken && response.code.isSuccess() && response.observe().has_value();
  if (!observing) {
    finish(id, RequestStatus::Ok, from, std::move(response));
    return;
  }
  out.state = RequestState::Observing;
  out.peer = from;
  if (fetchNotificationBody(id, from, response)) return;
  auto keepAlive = shared_from_this();  // the handler may destroy the Endpoint
  auto handler = out.handler;          // and must survive cancelling itself
  if (handler && *handler) (*handler)(ResponseResult{RequestStatus::Ok, std::move(response), from});
}

// `from` by value: callers pass references into the entry erased here.
void Endpoint::Impl::finish(RequestId id, RequestStatus status, Peer from, Message response) {
  auto found = requests_.find(id);
  if (found == requests_.end()) return;
  Outgoing out = std::move(found->second);
  requests_.erase(found);
  scheduler_.cancel(out.timer);
  unindex(id, out);
  auto keepAlive = shared_from_this();  // the handler may destroy the Endpoint
  if (out.handler && *out.handler) {
    (*out.handler)(ResponseResult{status, std::move(response), from});
  }
}

void Endpoint::Impl::unindex(RequestId id, Outgoing& request) {
  auto range = byToken_.equal_range(request.token);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == id) {
      byToken_.erase(it);
      break;
    }
  }
  if (auto found = byMessageId_.find(MessageKey{request.peer, request.messageId});
      found != byMessageId_.end() && found->second == id) {
    byMessageId_.erase(found);
  }
}

Endpoint::RequestId Endpoint::Impl::findByToken(const std::string& token, const Peer& from) const {
  auto range = byToken_.equal_range(token);
  RequestId any = 0;
  for (auto it = range.first; it != range.second; ++it) {
    if (requests_.at(it->second).peer == from) return it->second;
    if (any == 0) any = it->second;
  }
  return any;
}

}  // namespace lwm2m::coap
