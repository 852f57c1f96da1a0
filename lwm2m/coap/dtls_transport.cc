#include "lwm2m/coap/dtls_transport.h"

#include <deque>
#include <unordered_map>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "lwm2m/coap/dtls_context.h"
#include "lwm2m/coap/dtls_session.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using Datagram = std::vector<std::uint8_t>;

constexpr auto kCookieSecretLifetime = 5min;

// A DTLS handshake record (content type 22) of epoch 0 carrying a
// ClientHello (handshake type 1): the only datagram an unknown peer may send.
bool isClientHello(std::span<const std::uint8_t> datagram) {
  constexpr std::size_t kRecordHeader = 13;
  return datagram.size() > kRecordHeader + 12 && datagram[0] == 22 && datagram[1] == 0xfe &&
         datagram[3] == 0 && datagram[4] == 0 && datagram[kRecordHeader] == 1;
}

struct SslSessionDeleter {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};

}  // namespace

struct DtlsTransport::Impl {
  struct Entry {
    std::unique_ptr<DtlsSession> session;
    std::uint64_t generation = 0;
    Scheduler::TimerId retransmitTimer = 0;
    Scheduler::TimerId deadlineTimer = 0;
    Scheduler::TimerId idleTimer = 0;
    Scheduler::TimerId releaseTimer = 0;  // release(): closes at `linger` unless the peer spoke
    std::uint64_t received = 0;           // datagrams from the peer
    std::chrono::steady_clock::time_point lastActivity;
    std::deque<Datagram> queued;  // client: plaintext waiting for the handshake
  };

  Impl(Transport& records, Scheduler& scheduler, DtlsSettings settings)
      : records(records), scheduler(scheduler), context(settings), settings(context.settings()) {}

  Transport& records;
  Scheduler& scheduler;
  DtlsContext context;
  const DtlsSettings& settings;
  ReceiveHandler handler;
  std::unordered_map<Peer, Entry, PeerHash, PeerEqual> sessions;
  std::unordered_map<Peer, std::unique_ptr<SSL_SESSION, SslSessionDeleter>, PeerHash, PeerEqual> resumable;
  std::size_t handshakes = 0;
  std::uint64_t nextGeneration = 1;
  DtlsCounters counters;
  bool closed = false;
  Scheduler::TimerId cookieTimer = 0;
  // The server's listening SSL object: it answers ClientHellos statelessly
  // and becomes the session of the first peer whose cookie is valid.
  SSL* listener = nullptr;
  std::unique_ptr<DtlsPipe> listenerPipe;

  bool isServer() const { return settings.role == DtlsSettings::Role::Server; }

  void report(DtlsEvent::Kind kind, const Peer& peer, std::optional<PeerIdentity> identity,
              std::string reason = {}) {
    if (settings.onEvent) settings.onEvent(DtlsEvent{kind, peer, std::move(identity), std::move(reason)});
  }

  void sendDatagrams(const Peer& peer, std::vector<Datagram> datagrams) {
    for (const auto& datagram : datagrams) {
      records.send(peer, datagram);
    }
  }

  void flush(const Peer& peer, Entry& entry) {
    sendDatagrams(peer, entry.session->takeDatagrams(settings.mtu));
  }

  void cancelTimers(Entry& entry) {
    for (auto* timer : {&entry.retransmitTimer, &entry.deadlineTimer, &entry.idleTimer, &entry.releaseTimer}) {
      if (*timer != 0) scheduler.cancel(*timer);
      *timer = 0;
    }
  }

  void erase(const Peer& peer) {
    auto it = sessions.find(peer);
    if (it == sessions.end()) return;
    cancelTimers(it->second);
    if (!it->second.session->established()) --handshakes;
    sessions.erase(it);
  }

  // ---- server: stateless cookie exchange ----

  bool ensureListener() {
    if (listener) return true;
    listenerPipe = std::make_unique<DtlsPipe>();
    listener = context.newSsl(&listenerPipe->callbacks);
    if (listener && attachPipe(listener, *listenerPipe)) return true;
    SSL_free(listener);
    listener = nullptr;
    return false;
  }

  // Returns true if `datagram` carried a valid cookie and a session now exists.
  bool listen(const Peer& peer, std::span<const std::uint8_t> datagram) {
    if (handshakes >= settings.maxHandshakes || !ensureListener()) {
      ++counters.droppedDatagrams;
      return false;
    }
    listenerPipe->callbacks = DtlsCallbackContext{peer, {}};
    feed(listener, datagram);
    BIO_ADDR* address = BIO_ADDR_new();
    ERR_clear_error();
    const int result = DTLSv1_listen(listener, address);
    BIO_ADDR_free(address);
    auto reply = packRecords(listenerPipe->records, settings.mtu);
    if (!reply.empty()) ++counters.helloVerifyRequests;
    sendDatagrams(peer, std::move(reply));
    if (result <= 0) {
      ERR_clear_error();
      return false;
    }
    if (sessions.count(peer) != 0) erase(peer);  // the device restarted
    if (sessions.size() >= settings.maxSessions) evictIdlest();
    auto session = std::make_unique<DtlsSession>(listener, std::move(listenerPipe));
    listener = nullptr;
    Entry& entry = addEntry(peer, std::move(session));
    advance(peer, entry, entry.session->drive());
    return true;
  }

  void evictIdlest() {
    const Peer* idlest = nullptr;
    std::chrono::steady_clock::time_point oldest = std::chrono::steady_clock::time_point::max();
    for (auto& [peer, entry] : sessions) {
      if (entry.session->established() && entry.lastActivity < oldest) {
        oldest = entry.lastActivity;
        idlest = &peer;
      }
    }
    if (!idlest) return;
    const Peer peer = *idlest;
    closeSession(peer, sessions.at(peer), DtlsEvent::Kind::Expired, "evicted: session limit reached");
  }

  // ---- sessions ----

  Entry& addEntry(const Peer& peer, std::unique_ptr<DtlsSession> session) {
    Entry& entry = sessions[peer];
    entry.session = std::move(session);
    entry.session->setPeer(peer);
    entry.generation = nextGeneration++;
    entry.lastActivity = scheduler.now();
    ++handshakes;
    const auto generation = entry.generation;
    entry.deadlineTimer = scheduler.schedule(settings.handshakeTimeout, [this, peer, generation] {
      Entry* e = find(peer, generation);
      if (!e) return;
      e->deadlineTimer = 0;
      if (e->session->established()) return;
      fail(peer, *e, e->session->stalledReason());
    });
    armIdle(peer, entry, settings.idleTimeout);
    return entry;
  }

  Entry* find(const Peer& peer, std::uint64_t generation) {
    auto it = sessions.find(peer);
    return it != sessions.end() && it->second.generation == generation ? &it->second : nullptr;
  }

  void armIdle(const Peer& peer, Entry& entry, std::chrono::steady_clock::duration delay) {
    const auto generation = entry.generation;
    entry.idleTimer = scheduler.schedule(delay, [this, peer, generation] {
      Entry* e = find(peer, generation);
      if (!e) return;
      e->idleTimer = 0;
      const auto idleFor = scheduler.now() - e->lastActivity;
      if (idleFor < settings.idleTimeout) {
        armIdle(peer, *e, settings.idleTimeout - idleFor);
        return;
      }
      closeSession(peer, *e, DtlsEvent::Kind::Expired, "idle");
    });
  }

  void release(const Peer& peer, std::chrono::steady_clock::duration linger) {
    auto it = sessions.find(peer);
    if (it == sessions.end() || !it->second.session->established()) return;
    Entry& entry = it->second;
    if (entry.releaseTimer != 0) scheduler.cancel(entry.releaseTimer);
    const auto generation = entry.generation;
    const auto receivedBefore = entry.received;
    entry.releaseTimer = scheduler.schedule(linger, [this, peer, generation, receivedBefore] {
      Entry* e = find(peer, generation);
      if (!e) return;
      e->releaseTimer = 0;
      if (e->received != receivedBefore) return;  // the device spoke again over it: kept
      closeSession(peer, *e, DtlsEvent::Kind::Expired, "registration ended");
    });
  }

  void armRetransmit(const Peer& peer, Entry& entry) {
    if (entry.retransmitTimer != 0) scheduler.cancel(entry.retransmitTimer);
    entry.retransmitTimer = 0;
    const auto due = entry.session->retransmitIn();
    if (!due) return;
    const auto generation = entry.generation;
    entry.retransmitTimer = scheduler.schedule(std::max<std::chrono::microseconds>(*due, 1ms),
                                               [this, peer, generation] {
      Entry* e = find(peer, generation);
      if (!e) return;
      e->retransmitTimer = 0;
      advance(peer, *e, e->session->retransmit());
    });
  }

  void fail(const Peer& peer, Entry& entry, std::string reason) {
    flush(peer, entry);  // the alert, if OpenSSL wrote one
    auto identity = entry.session->claimedIdentity();
    ++counters.failedHandshakes;
    erase(peer);
    report(DtlsEvent::Kind::Failed, peer, std::move(identity), std::move(reason));
  }

  void closeSession(const Peer& peer, Entry& entry, DtlsEvent::Kind kind, std::string reason) {
    entry.session->shutdown();
    flush(peer, entry);
    auto identity = entry.session->identity();
    if (kind == DtlsEvent::Kind::Expired) ++counters.expired;
    erase(peer);
    report(kind, peer, std::move(identity), std::move(reason));
  }

  // A resumed session skips the PSK lookup; a removed identity must not
  // live on in tickets or the session cache.
  bool stillKnown(const DtlsSession& session) const {
    const auto& identity = session.identity();
    if (!isServer() || !identity || identity->kind != PeerIdentity::Kind::PreSharedKey ||
        settings.pskKeyring == nullptr) {
      return true;
    }
    auto key = settings.pskKeyring->keyFor(identity->name);
    if (!key) return false;
    OPENSSL_cleanse(key->data(), key->size());
    return true;
  }

  // Applies what a session step produced: sends its records, reports state
  // changes, hands plaintext up. `entry` may be gone afterwards.
  void advance(const Peer& peer, Entry& entry, DtlsSession::Progress progress) {
    DtlsSession& session = *entry.session;
    if (progress.justEstablished) {
      --handshakes;
      if (entry.deadlineTimer != 0) scheduler.cancel(entry.deadlineTimer);
      entry.deadlineTimer = 0;
      const bool resumed = session.resumed();
      if (resumed && !stillKnown(session)) {
        session.shutdown();
        fail(peer, entry, describe(*session.identity()) +
                              " no longer has credentials; resumption refused");
        return;
      }
      ++(resumed ? counters.resumedHandshakes : counters.fullHandshakes);
      if (!isServer()) {
        if (SSL_SESSION* saved = SSL_get1_session(session.ssl())) resumable[peer].reset(saved);
      }
      report(resumed ? DtlsEvent::Kind::Resumed : DtlsEvent::Kind::Established, peer,
             session.identity());
      while (!entry.queued.empty()) {
        session.write(entry.queued.front());
        entry.queued.pop_front();
      }
    }
    if (progress.failure) {
      if (!isServer()) resumable.erase(peer);
      fail(peer, entry, std::move(*progress.failure));
      return;
    }
    if (progress.closedByPeer) {
      ++counters.closedByPeer;
      flush(peer, entry);
      auto identity = session.identity();
      erase(peer);
      report(DtlsEvent::Kind::Closed, peer, std::move(identity), "close_notify from peer");
    } else {
      flush(peer, entry);
      armRetransmit(peer, entry);
    }
    deliver(peer, std::move(progress.plaintext));
  }

  void deliver(const Peer& peer, std::vector<Datagram> plaintext) {
    for (const auto& datagram : plaintext) {
      if (closed || !handler) return;
      handler(peer, datagram);
    }
  }

  // ---- entry points ----

  void onRecords(const Peer& peer, std::span<const std::uint8_t> datagram) {
    if (closed) return;
    auto it = sessions.find(peer);
    if (it != sessions.end()) {
      Entry& entry = it->second;
      if (isServer() && entry.session->established() && isClientHello(datagram)) {
        listen(peer, datagram);  // a restarted device; the old session stays until the cookie holds
        return;
      }
      entry.lastActivity = scheduler.now();
      ++entry.received;
      advance(peer, entry, entry.session->receive(datagram));
      return;
    }
    if (!isServer() || !isClientHello(datagram)) {
      ++counters.droppedDatagrams;
      return;
    }
    listen(peer, datagram);
  }

  void send(const Peer& to, std::span<const std::uint8_t> datagram) {
    if (closed) return;
    auto it = sessions.find(to);
    if (it == sessions.end()) {
      if (isServer() || !connect(to)) {
        ++counters.droppedDatagrams;
        return;
      }
      it = sessions.find(to);
      if (it == sessions.end()) return;  // failed at once
    }
    Entry& entry = it->second;
    entry.lastActivity = scheduler.now();
    if (!entry.session->established()) {
      if (entry.queued.size() >= settings.maxQueuedWhileHandshaking) {
        ++counters.droppedDatagrams;
        return;
      }
      entry.queued.emplace_back(datagram.begin(), datagram.end());
      return;
    }
    if (entry.session->write(datagram)) {
      flush(to, entry);
    } else {
      ++counters.droppedDatagrams;  // larger than 2 KiB, or the session broke
    }
  }

  bool connect(const Peer& to) {
    if (sessions.size() >= settings.maxSessions) return false;
    auto pipe = std::make_unique<DtlsPipe>();
    pipe->callbacks.peer = to;
    SSL* ssl = context.newSsl(&pipe->callbacks);
    if (!ssl) return false;
    if (!attachPipe(ssl, *pipe)) {
      SSL_free(ssl);
      return false;
    }
    if (auto saved = resumable.find(to); saved != resumable.end()) SSL_set_session(ssl, saved->second.get());
    Entry& entry = addEntry(to, std::make_unique<DtlsSession>(ssl, std::move(pipe)));
    advance(to, entry, entry.session->drive());
    return true;
  }

  void rotateCookies() {
    context.rotateCookieSecret();
    cookieTimer = scheduler.schedule(kCookieSecretLifetime, [this] { rotateCookies(); });
  }

  void shutdownAll() {
    closed = true;
    std::vector<Peer> peers;
    for (const auto& [peer, entry] : sessions) peers.push_back(peer);
    for (const Peer& peer : peers) {
      Entry& entry = sessions.at(peer);
      entry.session->shutdown();
      flush(peer, entry);
      erase(peer);
    }
  }

  ~Impl() {
    for (auto& [peer, entry] : sessions) cancelTimers(entry);
    if (cookieTimer != 0) scheduler.cancel(cookieTimer);
    SSL_free(listener);
  }
};

DtlsTransport::DtlsTransport(Transport& records, Scheduler& scheduler, DtlsSettings settings)
    : impl_(std::make_unique<Impl>(records, scheduler, std::move(settings))) {}

DtlsTransport::~DtlsTransport() = default;

void DtlsTransport::start(ReceiveHandler handler) {
  impl_->handler = std::move(handler);
  if (impl_->isServer() && impl_->cookieTimer == 0) impl_->rotateCookies();
  impl_->records.start([impl = impl_.get()](const Peer& peer, std::span<const std::uint8_t> datagram) {
    impl->onRecords(peer, datagram);
  });
}

void DtlsTransport::send(const Peer& to, std::span<const std::uint8_t> datagram) {
  impl_->send(to, datagram);
}

Peer DtlsTransport::localEndpoint() const { return impl_->records.localEndpoint(); }

void DtlsTransport::close() {
  if (impl_->closed) return;
  impl_->shutdownAll();
  impl_->records.close();
}

std::optional<PeerIdentity> DtlsTransport::identityOf(const Peer& peer) const {
  auto it = impl_->sessions.find(peer);
  if (it == impl_->sessions.end() || !it->second.session->established()) return std::nullopt;
  return it->second.session->identity();
}

bool DtlsTransport::hasSession(const Peer& peer) const {
  auto it = impl_->sessions.find(peer);
  return it != impl_->sessions.end() && it->second.session->established();
}

void DtlsTransport::forget(const Peer& peer) { impl_->erase(peer); }

void DtlsTransport::release(const Peer& peer, std::chrono::steady_clock::duration linger) {
  if (impl_->isServer() && !impl_->closed) impl_->release(peer, linger);
}

void DtlsTransport::forgetAll() {
  std::vector<Peer> peers;
  for (const auto& [peer, entry] : impl_->sessions) peers.push_back(peer);
  for (const Peer& peer : peers) impl_->erase(peer);
}

std::size_t DtlsTransport::sessionCount() const { return impl_->sessions.size(); }
std::size_t DtlsTransport::handshakeCount() const { return impl_->handshakes; }
const DtlsCounters& DtlsTransport::counters() const { return impl_->counters; }

}  // namespace lwm2m::coap
