#include "lwm2m/coap/endpoint.h"

#include <algorithm>

#include "lwm2m/coap/endpoint_impl.h"
#include "lwm2m/spare_buckets.h"

namespace lwm2m::coap {

namespace {
// Remembered messages and message IDs are swept this often while any exist.
constexpr auto kSweepInterval = std::chrono::seconds(5);
}  // namespace

std::string_view requestStatusName(RequestStatus status) {
  switch (status) {
    case RequestStatus::Ok: return "ok";
    case RequestStatus::Timeout: return "timeout";
    case RequestStatus::Reset: return "reset";
    case RequestStatus::Cancelled: return "cancelled";
    case RequestStatus::Overloaded: return "overloaded";
    case RequestStatus::BodyUnavailable: return "body-unavailable";
  }
  return "unknown";
}

// ---- Endpoint: thin forwarding to Impl ----

Endpoint::Endpoint(Transport& transport, Scheduler& scheduler, TransmissionParameters parameters,
                   std::function<std::uint32_t()> random)
    : impl_(std::make_shared<Impl>(transport, scheduler, parameters, std::move(random))) {}

Endpoint::~Endpoint() { impl_->shutdown(); }

void Endpoint::start() { impl_->start(); }
void Endpoint::setRequestHandler(RequestHandler handler) {
  impl_->requestHandler = std::move(handler);
}
Endpoint::RequestId Endpoint::sendRequest(const Peer& to, Message request,
                                          ResponseHandler onResponse, bool keepToken) {
  return impl_->sendRequest(to, std::move(request), std::move(onResponse), keepToken);
}
Endpoint::RequestId Endpoint::sendRequest(const Peer& to, Message request, RequestBody body,
                                          ResponseHandler onResponse) {
  return impl_->sendRequest(to, std::move(request), std::move(onResponse), false, std::move(body));
}
Endpoint::RequestId Endpoint::sendNotification(const Peer& to, Message notification,
                                               ResponseHandler onDelivered) {
  return impl_->sendNotification(to, std::move(notification), std::move(onDelivered));
}
Endpoint::RequestId Endpoint::adoptObservation(const Peer& peer, Token token,
                                               ResponseHandler onNotification) {
  return impl_->adoptObservation(peer, std::move(token), std::move(onNotification));
}
void Endpoint::cancelRequest(RequestId id) { impl_->cancelRequest(id); }
void Endpoint::forgetPeer(const Peer& peer) { impl_->forgetPeer(peer); }

bool Endpoint::acknowledged(RequestId id) const { return impl_->acknowledged(id); }
void Endpoint::setMaxBodySize(std::size_t bytes) { impl_->maxBodySize = bytes; }
void Endpoint::setBlockSize(std::uint16_t bytes) {
  std::uint16_t size = 16;
  while (size < 1024 && size * 2 <= bytes) size = static_cast<std::uint16_t>(size * 2);
  impl_->blockSize = size;
}
Peer Endpoint::localEndpoint() const { return impl_->transport.localEndpoint(); }
const EndpointStats& Endpoint::stats() const { return impl_->stats; }
const TransmissionParameters& Endpoint::parameters() const { return impl_->parameters; }
EndpointLoad Endpoint::load() const {
  return EndpointLoad{impl_->pendingRequests(), impl_->rememberedMessages(), impl_->knownPeers(),
                      impl_->notifyingPeers()};
}

// ---- Impl: dispatch and shared helpers ----

Endpoint::Impl::Impl(Transport& transport, Scheduler& scheduler,
                     TransmissionParameters parameters, std::function<std::uint32_t()> random)
    : parameters(parameters),
      transport(transport),
      scheduler_(scheduler),
      random_(std::move(random)),
      messageIds_(parameters.exchangeLifetime(), [this] { return random_(); }),
      recentNotifications_(parameters.nonLifetime()) {}

void Endpoint::Impl::start() {
  if (started_) return;
  started_ = true;
  // The transport may outlive the endpoint: hold the endpoint weakly.
  transport.start([weak = weak_from_this()](const Peer& from, std::span<const std::uint8_t> data) {
    if (auto self = weak.lock()) self->onDatagram(from, data);
  });
}

void Endpoint::Impl::shutdown() {
  stopped_ = true;
  for (auto& [id, request] : requests_) scheduler_.cancel(request.timer);
  for (auto& [key, separate] : separates_) scheduler_.cancel(separate.timer);
  for (auto& [key, received] : received_) scheduler_.cancel(received.ackTimer);
  scheduler_.cancel(sweepTimer_);
  requests_.clear();
  byToken_.clear();
  byMessageId_.clear();
  separates_.clear();
  received_.clear();
  assemblies_.clear();
}

void Endpoint::Impl::onDatagram(const Peer& from, std::span<const std::uint8_t> datagram) {
  if (stopped_) return;
  ++stats.received;
  auto decoded = decode(datagram);
  if (!decoded) {
    ++stats.malformed;
    // RFC 7252 §4.2: a CON that cannot be processed is rejected with RST;
    // anything else malformed is silently ignored.
    auto header = peekHeader(datagram);
    if (header && header->type == MessageType::Confirmable) {
      sendEmpty(from, MessageType::Reset, header->messageId);
    }
    return;
  }
  Message message = std::move(*decoded);
  switch (message.type) {
    case MessageType::Acknowledgement:
      onAcknowledgement(from, std::move(message));
      return;
    case MessageType::Reset:
      onReset(from, message);
      return;
    case MessageType::Confirmable:
    case MessageType::NonConfirmable:
      break;
  }
  const bool confirmable = message.type == MessageType::Confirmable;
  if (message.code.isEmpty()) {  // CoAP ping (a NON cannot be empty: decode rejects it)
    sendEmpty(from, MessageType::Reset, message.messageId);
    return;
  }
  if (message.code.isRequest()) {
    onRequest(from, std::move(message));
  } else if (message.code.isResponse()) {
    onResponse(from, std::move(message));
  } else if (confirmable) {  // reserved code classes 1, 6, 7
    sendEmpty(from, MessageType::Reset, message.messageId);
  }
}

void Endpoint::Impl::sendDatagram(const Peer& to, std::span<const std::uint8_t> datagram) {
  ++stats.sent;
  transport.send(to, datagram);
}

ShortDatagram Endpoint::Impl::emptyBytes(MessageType type, std::uint16_t messageId) const {
  return {static_cast<std::uint8_t>(0x40 | (static_cast<std::uint8_t>(type) << 4)), 0x00,
          static_cast<std::uint8_t>(messageId >> 8), static_cast<std::uint8_t>(messageId & 0xff)};
}

void Endpoint::Impl::sendEmpty(const Peer& to, MessageType type, std::uint16_t messageId) {
  if (type == MessageType::Reset) ++stats.resets;
  sendDatagram(to, view(emptyBytes(type, messageId)));
}

// ACK_TIMEOUT × a random factor in [1, ACK_RANDOM_FACTOR] (RFC 7252 §4.2).
Endpoint::Impl::Clock::duration Endpoint::Impl::initialTimeout() {
  const double unit = static_cast<double>(random_()) / 4294967296.0;
  const double factor = 1.0 + (std::max(parameters.ackRandomFactor, 1.0) - 1.0) * unit;
  const auto base = std::chrono::duration_cast<Clock::duration>(parameters.ackTimeout);
  return Clock::duration(static_cast<Clock::duration::rep>(static_cast<double>(base.count()) * factor));
}

// Doubles the back-off, capped so that absurd maxRetransmit values cannot overflow.
Endpoint::Impl::Clock::duration Endpoint::Impl::nextTimeout(Clock::duration timeout) {
  constexpr Clock::duration kMaxTimeout = std::chrono::hours(24);
  return timeout >= kMaxTimeout / 2 ? kMaxTimeout : timeout * 2;
}

bool Endpoint::Impl::hasUnacceptableOption(const Message& message) {
  return std::any_of(message.options().begin(), message.options().end(), [](const Option& o) {
    if (!option::isCritical(o.number)) return false;
    return !option::isKnown(o.number) || !option::hasValidLength(o.number, o.value.size());
  });
}

Endpoint::Impl::Received& Endpoint::Impl::remember(const MessageKey& key, bool confirmable,
                                                   const Token& token) {
  const auto now = scheduler_.now();
  const auto lifetime = confirmable ? parameters.exchangeLifetime() : parameters.nonLifetime();
  Received& entry = received_[key];
  entry.confirmable = confirmable;
  entry.tokenSize = static_cast<std::uint8_t>(std::min(token.size(), entry.token.size()));
  std::copy_n(token.begin(), entry.tokenSize, entry.token.begin());
  entry.serial = nextSerial_++;
  entry.expires = now + lifetime;
  (confirmable ? conExpiry_ : nonExpiry_).emplace_back(entry.expires, key);
  scheduleSweep();
  return entry;
}

Endpoint::Impl::Received* Endpoint::Impl::duplicateOf(const MessageKey& key, const Token& token) {
  auto found = received_.find(key);
  if (found == received_.end()) return nullptr;
  const Received& entry = found->second;
  if (entry.tokenSize == token.size() && std::equal(token.begin(), token.end(), entry.token.begin())) {
    return &found->second;
  }
  // Its expiry queue item stays; sweep() leaves a newer entry with this key alone.
  scheduler_.cancel(entry.ackTimer);
  received_.erase(found);
  return nullptr;
}

void Endpoint::Impl::scheduleSweep() {
  if (sweepTimer_ != 0 || stopped_) return;
  sweepTimer_ = scheduler_.schedule(kSweepInterval, [this] {
    sweepTimer_ = 0;
    sweep();
  });
}

void Endpoint::Impl::forgetPeer(const Peer& peer) {
  departed_.insert(peer);
  scheduleSweep();
}

void Endpoint::Impl::sweep() {
  const auto now = scheduler_.now();
  if (!departed_.empty()) {
    // One pass for every peer that left since the last sweep; their expiry
    // queue items stay and find nothing.
    for (auto it = received_.begin(); it != received_.end();) {
      if (it->second.state != ReceivedState::Pending && departed_.count(it->first.peer)) {
        scheduler_.cancel(it->second.ackTimer);
        it = received_.erase(it);
      } else {
        ++it;
      }
    }
    for (const Peer& peer : departed_) {
      messageIds_.forget(peer);
      recentNotifications_.forget(peer);
    }
    departed_ = {};  // its buckets too: a wave of departures leaves no large table behind
    // Their expiry queue items would stay for EXCHANGE_LIFETIME (megabytes
    // after thousands of devices left): keep only those of live entries.
    for (auto* queue : {&conExpiry_, &nonExpiry_}) {
      std::erase_if(*queue, [this](const auto& item) {
        auto found = received_.find(item.second);
        return found == received_.end() || found->second.expires != item.first;
      });
      queue->shrink_to_fit();
    }
  }
  for (auto* queue : {&conExpiry_, &nonExpiry_}) {
    while (!queue->empty() && queue->front().first <= now) {
      auto found = received_.find(queue->front().second);
      if (found != received_.end() && found->second.expires <= now) {
        scheduler_.cancel(found->second.ackTimer);
        received_.erase(found);
      }
      queue->pop_front();
    }
  }
  messageIds_.sweep(now);
  recentNotifications_.sweep(now);
  sweepAssemblies(now);
  releaseSpareBuckets(received_);
  releaseSpareBuckets(requests_);
  releaseSpareBuckets(byToken_);
  releaseSpareBuckets(byMessageId_);
  if (!received_.empty() || messageIds_.peers() != 0 || recentNotifications_.peers() != 0 || !assemblies_.empty()) {
    scheduleSweep();
  }
}

}  // namespace lwm2m::coap
