#pragma once
// One DTLS association with one peer: an SSL object whose records go through
// memory (nothing touches a socket here). The transport feeds it datagrams,
// drives its timers and sends what it produced. Internal to lwm2m/coap.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "lwm2m/coap/dtls_context.h"

namespace lwm2m::coap {

// The memory "wire" of one SSL object: records OpenSSL wrote (one entry per
// record), and the callback context its callbacks read.
struct DtlsPipe {
  DtlsCallbackContext callbacks;
  std::vector<std::vector<std::uint8_t>> records;
  // The sequence number the next unprotected (epoch 0) record of ours would
  // carry, so a record we write ourselves (an alert) follows OpenSSL's.
  std::uint64_t nextPlainSequence = 0;
};

// An unprotected (epoch 0) DTLS 1.2 fatal alert record with `sequence`.
std::vector<std::uint8_t> plainFatalAlert(std::uint8_t description, std::uint64_t sequence);

// Gives `ssl` a memory read BIO and a write BIO that appends each record to
// `pipe.records`. Returns false if OpenSSL could not allocate them.
bool attachPipe(SSL* ssl, DtlsPipe& pipe);
// Hands one received datagram to the read BIO of `ssl`.
void feed(SSL* ssl, std::span<const std::uint8_t> datagram);
// Packs records into datagrams of at most `mtu` bytes (a bigger record goes alone).
std::vector<std::vector<std::uint8_t>> packRecords(std::vector<std::vector<std::uint8_t>>& records,
                                                   std::size_t mtu);

class DtlsSession {
 public:
  struct Progress {
    std::vector<std::vector<std::uint8_t>> plaintext;  // application datagrams received
    bool justEstablished = false;
    bool closedByPeer = false;                          // close_notify received
    std::optional<std::string> failure;                 // the session is dead
  };

  // Owns `ssl` (its BIOs attached to `pipe` by attachPipe).
  DtlsSession(SSL* ssl, std::unique_ptr<DtlsPipe> pipe);
  ~DtlsSession();
  DtlsSession(const DtlsSession&) = delete;
  DtlsSession& operator=(const DtlsSession&) = delete;

  // Continues the handshake or reads application data, as the state requires.
  Progress receive(std::span<const std::uint8_t> datagram);
  Progress drive();
  // The handshake retransmission timer fired.
  Progress retransmit();
  // Encrypts one application datagram. False if not established or on error.
  bool write(std::span<const std::uint8_t> plaintext);
  // Sends close_notify; the session is then closed.
  void shutdown();

  // Datagrams produced since the last call, packed up to `mtu`.
  std::vector<std::vector<std::uint8_t>> takeDatagrams(std::size_t mtu);
  // When OpenSSL wants to retransmit its last flight; nullopt if no timer runs.
  std::optional<std::chrono::microseconds> retransmitIn();

  bool established() const { return established_; }
  bool resumed() const;
  const std::optional<PeerIdentity>& identity() const { return identity_; }
  // The identity the peer proved, else the PSK identity it named in a
  // handshake that did not finish (for reports of refusals; never trusted).
  std::optional<PeerIdentity> claimedIdentity() const;
  // Why a handshake that ran out of time stopped where it did.
  std::string stalledReason() const;
  SSL* ssl() const { return ssl_; }
  const Peer& peer() const { return pipe_->callbacks.peer; }
  void setPeer(const Peer& peer) { pipe_->callbacks.peer = peer; }

 private:
  Progress readApplicationData(Progress progress);

  SSL* ssl_;
  std::unique_ptr<DtlsPipe> pipe_;
  bool established_ = false;
  bool closed_ = false;
  bool failed_ = false;
  // Server: flights carrying the client's Finished that did not decrypt
  // (one is enough when it came right after the ChangeCipherSpec).
  static constexpr int kUndecryptedFinishedLimit = 2;
  int undecryptedFinished_ = 0;
  std::optional<PeerIdentity> identity_;
};

}  // namespace lwm2m::coap
