#include "lwm2m/coap/dtls_session.h"

#include <openssl/err.h>

#include <algorithm>

namespace lwm2m::coap {
namespace {

using Records = std::vector<std::vector<std::uint8_t>>;

// Each BIO_write of the DTLS record layer is one record: keep it apart so
// records can be packed into datagrams that respect the MTU.
constexpr std::size_t kRecordHeader = 13;
constexpr std::uint8_t kChangeCipherSpec = 20;
constexpr std::uint8_t kAlert = 21;
// RFC 6347 §4.1.2.7: an implementation that reports a record with an invalid
// MAC does so with a fatal bad_record_mac alert.
constexpr std::uint8_t kBadRecordMac = 20;

unsigned epochOf(const std::uint8_t* record) { return (record[3] << 8) | record[4]; }

int recordWrite(BIO* bio, const char* data, int length) {
  auto* pipe = static_cast<DtlsPipe*>(BIO_get_data(bio));
  if (!pipe || length < 0) return -1;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
  // One write may hold several records.
  for (std::size_t at = 0; at + kRecordHeader <= static_cast<std::size_t>(length);
       at += kRecordHeader + ((bytes[at + 11] << 8) | bytes[at + 12])) {
    if (epochOf(bytes + at) != 0) continue;
    std::uint64_t sequence = 0;
    for (std::size_t i = at + 5; i < at + 11; ++i) sequence = (sequence << 8) | bytes[i];
    pipe->nextPlainSequence = std::max(pipe->nextPlainSequence, sequence + 1);
  }
  pipe->records.emplace_back(bytes, bytes + length);
  return length;
}

long recordControl(BIO* /*bio*/, int command, long /*number*/, void* /*pointer*/) {
  // FLUSH must succeed; everything else (MTU queries, peer, timeouts) is
  // answered "not supported" and OpenSSL falls back to the MTU we set.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int recordCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* recordMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "lwm2m-dtls-records");
    if (m) {
      BIO_meth_set_write(m, recordWrite);
      BIO_meth_set_ctrl(m, recordControl);
      BIO_meth_set_create(m, recordCreate);
    }
    return m;
  }();
  return method;
}

std::span<std::uint8_t> plaintextBuffer() {
  // The largest DTLS 1.2 plaintext record is 2^14 bytes.
  thread_local std::vector<std::uint8_t> buffer(16384 + 1);
  return buffer;
}

// True if `datagram` holds a DTLS record of epoch 1 or later (encrypted
// under the keys the handshake negotiated).
bool carriesEncryptedRecord(std::span<const std::uint8_t> datagram) {
  std::size_t at = 0;
  while (at + kRecordHeader <= datagram.size()) {
    const unsigned epoch = (datagram[at + 3] << 8) | datagram[at + 4];
    if (epoch != 0) return true;
    at += kRecordHeader + ((datagram[at + 11] << 8) | datagram[at + 12]);
  }
  return false;
}

// True if `datagram` holds a ChangeCipherSpec followed by a record of epoch 1
// or later: the client's Finished right behind the switch to the new keys.
bool carriesFinishedAfterChangeCipherSpec(std::span<const std::uint8_t> datagram) {
  bool changed = false;
  for (std::size_t at = 0; at + kRecordHeader <= datagram.size();
       at += kRecordHeader + ((datagram[at + 11] << 8) | datagram[at + 12])) {
    if (changed && epochOf(&datagram[at]) != 0) return true;
    if (datagram[at] == kChangeCipherSpec) changed = true;
  }
  return false;
}

// A server between the client's key exchange and its Finished.
bool awaitingClientFinished(SSL* ssl) {
  switch (SSL_get_state(ssl)) {
    case TLS_ST_SR_CHANGE:
    case TLS_ST_SR_FINISHED:
    case TLS_ST_SR_KEY_EXCH:
      return SSL_is_server(ssl) == 1;
    default:
      return false;
  }
}

std::string pskIdentityNote(SSL* ssl) {
  const char* psk = SSL_get_psk_identity(ssl);
  return psk ? " (psk identity '" + printable(psk) + "')" : "";
}

}  // namespace

bool attachPipe(SSL* ssl, DtlsPipe& pipe) {
  BIO* in = BIO_new(BIO_s_mem());
  BIO_METHOD* method = recordMethod();
  BIO* out = method ? BIO_new(method) : nullptr;
  if (!in || !out) {
    BIO_free(in);
    BIO_free(out);
    return false;
  }
  // An empty read BIO means "wait for the next datagram", not end of stream.
  BIO_set_mem_eof_return(in, -1);
  BIO_set_data(out, &pipe);
  SSL_set_bio(ssl, in, out);
  return true;
}

void feed(SSL* ssl, std::span<const std::uint8_t> datagram) {
  BIO* in = SSL_get_rbio(ssl);
  // Leftovers of a datagram OpenSSL did not consume would merge with this one.
  (void)BIO_reset(in);
  BIO_set_mem_eof_return(in, -1);
  BIO_write(in, datagram.data(), static_cast<int>(datagram.size()));
}

std::vector<std::uint8_t> plainFatalAlert(std::uint8_t description, std::uint64_t sequence) {
  std::vector<std::uint8_t> record{kAlert, 0xfe, 0xfd, 0, 0};  // DTLS 1.2, epoch 0
  for (int shift = 40; shift >= 0; shift -= 8) record.push_back(static_cast<std::uint8_t>(sequence >> shift));
  record.insert(record.end(), {0, 2, 2 /* fatal */, description});
  return record;
}

Records packRecords(Records& records, std::size_t mtu) {
  Records datagrams;
  for (auto& record : records) {
    if (datagrams.empty() || datagrams.back().size() + record.size() > mtu) {
      datagrams.push_back(std::move(record));
    } else {
      datagrams.back().insert(datagrams.back().end(), record.begin(), record.end());
    }
  }
  records.clear();
  return datagrams;
}

DtlsSession::DtlsSession(SSL* ssl, std::unique_ptr<DtlsPipe> pipe)
    : ssl_(ssl), pipe_(std::move(pipe)) {
  SSL_set_app_data(ssl_, &pipe_->callbacks);
}

DtlsSession::~DtlsSession() {
  // OpenSSL marks the session of an SSL freed without a shutdown as not
  // resumable; a session dropped quietly (the device slept, an idle or
  // evicted session) must stay resumable. Failed handshakes keep the mark.
  if (established_ && !failed_) SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  SSL_free(ssl_);
}

DtlsSession::Progress DtlsSession::receive(std::span<const std::uint8_t> datagram) {
  if (closed_) return Progress{};
  const bool encrypted = !established_ && carriesEncryptedRecord(datagram);
  const bool finishedAfterChange = encrypted && carriesFinishedAfterChangeCipherSpec(datagram);
  feed(ssl_, datagram);
  Progress progress = drive();
  // DTLS drops a record that does not decrypt without a word (RFC 6347
  // §4.1.2.7), so a wrong PSK key shows only as a Finished that never
  // arrives. A Finished that came in the same datagram right after the
  // ChangeCipherSpec OpenSSL just took, with the handshake still waiting for
  // it, was such a record: refused at once. An encrypted record alone (its
  // ChangeCipherSpec lost or reordered) counts, and the client's flight
  // coming again (its retransmission) is the second time.
  if (encrypted && !established_ && !closed_ && awaitingClientFinished(ssl_) &&
      (++undecryptedFinished_ >= kUndecryptedFinishedLimit ||
       (finishedAfterChange && SSL_get_state(ssl_) == TLS_ST_SR_CHANGE))) {
    closed_ = true;
    failed_ = true;
    // OpenSSL discards the record quietly and has no call that sends an
    // alert. In a full handshake our write epoch is still 0 (our
    // ChangeCipherSpec comes after the client's Finished), so the alert is an
    // unprotected record after our last; a resumed one switched already.
    const bool alert = SSL_session_reused(ssl_) == 0;
    if (alert) pipe_->records.push_back(plainFatalAlert(kBadRecordMac, pipe_->nextPlainSequence++));
    progress.failure = "the key does not match" + pskIdentityNote(ssl_) +
                       ": the client's Finished did not decrypt (sent " + std::to_string(undecryptedFinished_) +
                       (undecryptedFinished_ == 1 ? " time)" : " times)") +
                       (alert ? "; sent a bad_record_mac alert" : "");
  }
  return progress;
}

DtlsSession::Progress DtlsSession::drive() {
  Progress progress;
  if (closed_) return progress;
  if (!established_) {
    ERR_clear_error();
    const int result = SSL_do_handshake(ssl_);
    if (result != 1) {
      const int error = SSL_get_error(ssl_, result);
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return progress;
      closed_ = true;
      failed_ = true;
      progress.failure = failureReason(ssl_, pipe_->callbacks);
      return progress;
    }
    established_ = true;
    identity_ = authenticatedIdentity(ssl_);
    progress.justEstablished = true;
  }
  return readApplicationData(std::move(progress));
}

DtlsSession::Progress DtlsSession::readApplicationData(Progress progress) {
  const auto buffer = plaintextBuffer();
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
    if (n > 0) {
      progress.plaintext.emplace_back(buffer.begin(), buffer.begin() + n);
      continue;
    }
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) break;
    closed_ = true;
    if (error == SSL_ERROR_ZERO_RETURN) {
      progress.closedByPeer = true;
      SSL_shutdown(ssl_);  // answer with our close_notify
    } else {
      failed_ = true;
      progress.failure = failureReason(ssl_, pipe_->callbacks);
    }
    break;
  }
  return progress;
}

DtlsSession::Progress DtlsSession::retransmit() {
  Progress progress;
  if (closed_ || established_) return progress;
  ERR_clear_error();
  if (DTLSv1_handle_timeout(ssl_) < 0) {
    closed_ = true;
    failed_ = true;
    progress.failure = "no answer to handshake retransmissions";
  }
  return progress;
}

bool DtlsSession::write(std::span<const std::uint8_t> plaintext) {
  if (closed_ || !established_) return false;
  ERR_clear_error();
  const int n = SSL_write(ssl_, plaintext.data(), static_cast<int>(plaintext.size()));
  return n == static_cast<int>(plaintext.size());
}

void DtlsSession::shutdown() {
  if (closed_) return;
  closed_ = true;
  if (established_) {
    ERR_clear_error();
    SSL_shutdown(ssl_);
  }
}

std::vector<std::vector<std::uint8_t>> DtlsSession::takeDatagrams(std::size_t mtu) {
  return packRecords(pipe_->records, mtu);
}

std::optional<std::chrono::microseconds> DtlsSession::retransmitIn() {
  if (closed_ || established_) return std::nullopt;
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_, &tv) != 1) return std::nullopt;
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

bool DtlsSession::resumed() const { return SSL_session_reused(ssl_) == 1; }

std::optional<PeerIdentity> DtlsSession::claimedIdentity() const {
  if (identity_) return identity_;
  const char* psk = SSL_get_psk_identity(ssl_);
  if (!psk) return std::nullopt;
  return PeerIdentity{PeerIdentity::Kind::PreSharedKey, psk, {}};
}

std::string DtlsSession::stalledReason() const {
  const std::string who = pskIdentityNote(ssl_);
  switch (SSL_get_state(ssl_)) {
    case TLS_ST_SR_CHANGE:
    case TLS_ST_SR_FINISHED:
    case TLS_ST_SR_KEY_EXCH:
      return "handshake timed out waiting for a Finished message that decrypts; the key does "
             "not match" + who;
    case TLS_ST_CR_CHANGE:
    case TLS_ST_CR_FINISHED:
    case TLS_ST_CR_SESSION_TICKET:
      return "handshake timed out waiting for the server's Finished; the key does not match";
    default:
      return "handshake timed out";
  }
}

}  // namespace lwm2m::coap
